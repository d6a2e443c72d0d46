import { useState, type ChangeEvent } from "react";
import { ApiError, uploadDocument } from "../api";
import type { DocumentInfo } from "../types";

/** A file input that uploads at once, with a progress bar and the server's reason on a 4xx. */
export function Upload({ onUploaded }: { onUploaded: (doc: DocumentInfo) => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onChange(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    setStatus(`Uploading ${file.name}…`);
    setProgress(0);
    try {
      const { document, created } = await uploadDocument(file, setProgress);
      setStatus(
        created
          ? `Uploaded ${document.filename}: ${document.clauses_count} clauses.`
          : `${document.filename} was already uploaded.`,
      );
      onUploaded(document);
    } catch (err) {
      setStatus(null);
      setError(`${file.name}: ${err instanceof ApiError ? err.message : "the upload failed."}`);
    } finally {
      setProgress(null);
      input.value = ""; // so choosing the same file again uploads it again
    }
  }

  return (
    <div className="upload">
      <label className="file">
        Upload a contract
        <input
          type="file"
          accept=".pdf,.docx,.txt"
          data-testid="upload-input"
          disabled={progress !== null}
          onChange={(e) => void onChange(e)}
        />
      </label>
      <p className="hint">PDF, DOCX or TXT.</p>
      {progress !== null && (
        <progress aria-label="Upload progress" data-testid="upload-progress" max={1} value={progress} />
      )}
      {status && (
        <p role="status" data-testid="upload-status">
          {status}
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="upload-error">
          {error}
        </p>
      )}
    </div>
  );
}

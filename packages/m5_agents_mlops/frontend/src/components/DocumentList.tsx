import { useState } from "react";
import { api, ApiError } from "../api";
import { formatDate, formatSize } from "../format";
import type { DocumentInfo, Id } from "../types";

interface Props {
  documents: DocumentInfo[];
  selectedId: Id | null;
  onSelect: (id: Id) => void;
  onDeleted: (id: Id) => void;
}

export function DocumentList({ documents, selectedId, onSelect, onDeleted }: Props) {
  const [error, setError] = useState<string | null>(null);

  async function remove(doc: DocumentInfo) {
    if (!window.confirm(`Delete ${doc.filename}? Its clauses leave the index too.`)) return;
    try {
      await api.deleteDocument(doc.id);
      setError(null);
      onDeleted(doc.id);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not delete the document.");
    }
  }

  if (!documents.length) return <p className="empty">No contracts yet: upload one to start.</p>;
  return (
    <>
      {error && <p role="alert" className="error">{error}</p>}
      <table className="doc-table" data-testid="document-table">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Uploaded</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {documents.map((doc) => {
            const selected = selectedId !== null && String(selectedId) === String(doc.id);
            // Kind, pages and clauses under the name, not in columns of their own: the list
            // lives in a narrow column, and six columns pushed the Delete button out of it.
            const details = [
              doc.kind.toUpperCase(),
              doc.pages != null ? `${doc.pages} ${doc.pages === 1 ? "page" : "pages"}` : null,
              `${doc.clauses_count} ${doc.clauses_count === 1 ? "clause" : "clauses"}`,
            ];
            return (
              <tr key={String(doc.id)} data-testid="document-row" className={selected ? "selected" : undefined}>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={selected}
                    title={`${formatSize(doc.size)} · sha256 ${doc.sha256.slice(0, 12)}…`}
                    onClick={() => onSelect(doc.id)}
                  >
                    {doc.filename}
                  </button>
                  <span className="doc-details">{details.filter(Boolean).join(" · ")}</span>
                </td>
                <td>
                  <time dateTime={doc.created_at}>{formatDate(doc.created_at)}</time>
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete ${doc.filename}`}
                    onClick={() => void remove(doc)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

// The side panel that shows one clause: document, "§number heading", page and the full text
// (as paragraphs: the PDF's line wraps undone, see clauseParagraphs).
import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "../api";
import { clauseParagraphs, clauseTitle } from "../format";
import type { Clause, ClauseTarget } from "../types";

export function ClauseView({ target, onClose }: { target: ClauseTarget; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Clause | null>(target.clause);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setLoaded(target.clause);
    setError(null);
    heading.current?.focus(); // keyboard and screen-reader users land on what they opened
    if (target.clause) return;
    let live = true;
    api.getClause(target.documentId, target.clauseId).then(
      (c) => live && setLoaded(c),
      (err) => live && setError(err instanceof ApiError ? err.message : "Could not load the clause."),
    );
    return () => {
      live = false;
    };
  }, [target]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const shown = loaded ?? target.preview ?? null;
  return (
    <aside className="clause-panel" aria-labelledby="clause-title" data-testid="clause-view">
      <button type="button" className="close" aria-label="Close the clause" onClick={onClose}>
        ×
      </button>
      <p className="muted" data-testid="clause-document">
        {target.documentName}
      </p>
      <h2 id="clause-title" tabIndex={-1} ref={heading} data-testid="clause-heading">
        {shown ? clauseTitle(shown.number, shown.heading) : "Clause"}
      </h2>
      {shown?.page != null && <p data-testid="clause-page">Page {shown.page}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {loaded ? (
        <div className="clause-text" data-testid="clause-text">
          {clauseParagraphs(loaded.text, loaded.heading).map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
        </div>
      ) : (
        !error && (
          <p className="muted">
            {target.preview?.excerpt ? <q>{target.preview.excerpt}</q> : null} Loading the clause…
          </p>
        )
      )}
    </aside>
  );
}

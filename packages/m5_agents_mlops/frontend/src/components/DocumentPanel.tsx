// One selected document: its extracted facts, the notice deadline, and its clauses.
import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { clauseTitle, formatValue, humanize, sourceIds } from "../format";
import type { Clause, ClauseTarget, DocumentDetail, DocumentInfo, FactsResponse, Id } from "../types";

interface Props {
  document: DocumentInfo;
  onOpenClause: (target: ClauseTarget) => void;
}

const message = (err: unknown) => (err instanceof ApiError ? err.message : "Something went wrong.");

export function DocumentPanel({ document: doc, onOpenClause }: Props) {
  const [detail, setDetail] = useState<DocumentDetail | null>(null);
  const [facts, setFacts] = useState<FactsResponse | null>(null);
  const [factsError, setFactsError] = useState<string | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);

  useEffect(() => {
    let live = true; // a late answer for a document no longer selected is dropped
    api.getDocument(doc.id).then(
      (d) => live && setDetail(d),
      (err) => live && setDetailError(message(err)),
    );
    api.facts(doc.id).then(
      (f) => live && setFacts(f),
      (err) => live && setFactsError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [doc.id]);

  const open = (clause: Clause) =>
    onOpenClause({ documentId: doc.id, clauseId: clause.id, documentName: doc.filename, clause });
  const openById = (clauseId: Id) => {
    const known = detail?.clauses.find((c) => String(c.id) === String(clauseId));
    if (known) open(known);
    else onOpenClause({ documentId: doc.id, clauseId, documentName: doc.filename, clause: null });
  };
  const sourceLabel = (clauseId: Id) => {
    const known = detail?.clauses.find((c) => String(c.id) === String(clauseId));
    return known ? clauseTitle(known.number, known.heading) : `clause ${clauseId}`;
  };

  return (
    <article className="card doc-panel" aria-label={`Details of ${doc.filename}`} data-testid="document-panel">
      <h3>{doc.filename}</h3>
      <h4>Extracted facts</h4>
      {factsError && <p role="alert" className="error">{factsError}</p>}
      {!facts && !factsError && <p className="muted">Extracting facts…</p>}
      {facts && (
        <table className="facts" data-testid="facts-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
              <th scope="col">Source clause</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(facts.facts ?? {}).map(([field, value]) => (
              <tr key={field} data-testid="fact-row">
                <th scope="row">{humanize(field)}</th>
                <td>{formatValue(value)}</td>
                <td>
                  {sourceIds(facts.sources?.[field]).map((id) => (
                    <button key={String(id)} type="button" className="link" onClick={() => openById(id)}>
                      {sourceLabel(id)}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Deadline documentId={doc.id} />
      <h4>Clauses</h4>
      {detailError && <p role="alert" className="error">{detailError}</p>}
      {detail && (
        <ol className="clauses" data-testid="clause-list">
          {detail.clauses.map((c) => (
            <li key={String(c.id)}>
              <button type="button" className="link" onClick={() => open(c)}>
                {clauseTitle(c.number, c.heading)}
              </button>
              {c.page !== null && <span className="muted"> p. {c.page}</span>}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

/** "By when must I give notice?": POST /api/deadline, the answer shown field by field. */
function Deadline({ documentId }: { documentId: Id }) {
  const [today, setToday] = useState("");
  const [result, setResult] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await api.deadline(documentId, today || undefined));
    } catch (err) {
      setResult(null);
      setError(message(err));
    } finally {
      setBusy(false);
    }
  }

  const rows =
    result && typeof result === "object" && !Array.isArray(result)
      ? Object.entries(result as Record<string, unknown>)
      : result === null
        ? []
        : [["result", result] as [string, unknown]];
  return (
    <form className="deadline" aria-label="Notice deadline" onSubmit={submit}>
      <h4>Notice deadline</h4>
      <label>
        Today (optional)
        <input type="date" value={today} onChange={(e) => setToday(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Compute the notice deadline
      </button>
      {error && <p role="alert" className="error">{error}</p>}
      {rows.length > 0 && (
        <dl data-testid="deadline-result">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{humanize(k)}</dt>
              <dd>{formatValue(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </form>
  );
}

// Questions and cited answers. The answer text carries markers like "[1]" (or "[1, 2]"); each
// becomes a button that opens the cited clause, and the sources are listed under the answer.
import { Fragment, useState, type ReactNode } from "react";
import { api, ApiError } from "../api";
import { clauseTitle } from "../format";
import type { AskResponse, Citation, ClauseTarget } from "../types";

interface Turn {
  id: number;
  question: string;
  response?: AskResponse;
  error?: string;
}

type Open = (target: ClauseTarget) => void;

function target(c: Citation): ClauseTarget {
  return {
    documentId: c.document_id,
    clauseId: c.clause_id,
    documentName: c.document_name,
    clause: null,
    preview: { number: c.number, heading: c.heading, page: c.page, excerpt: c.excerpt },
  };
}

function CitationButton({ citation, onOpen }: { citation: Citation; onOpen: Open }) {
  const where = `${citation.document_name}, ${clauseTitle(citation.number, citation.heading)}`;
  return (
    <button
      type="button"
      className="cite"
      data-testid="citation"
      aria-label={`[${citation.n}] ${where}`}
      title={where}
      onClick={() => onOpen(target(citation))}
    >
      [{citation.n}]
    </button>
  );
}

/** The answer text with every "[n]" that matches a citation turned into a button. */
function withCitations(answer: string, citations: Citation[], onOpen: Open): ReactNode[] {
  const byN = new Map(citations.map((c) => [c.n, c]));
  return answer.split(/(\[\d+(?:\s*,\s*\d+)*\])/).map((part, i) => {
    const numbers = /^\[[\d,\s]+\]$/.test(part) ? part.slice(1, -1).split(",").map((s) => Number(s.trim())) : [];
    if (!numbers.length || !numbers.every((n) => byN.has(n))) return <Fragment key={i}>{part}</Fragment>;
    return (
      <Fragment key={i}>
        {numbers.map((n) => (
          <CitationButton key={n} citation={byN.get(n)!} onOpen={onOpen} />
        ))}
      </Fragment>
    );
  });
}

function Answer({ turn, onOpen }: { turn: Turn; onOpen: Open }) {
  const r = turn.response;
  if (turn.error) return <p role="alert" className="error" data-testid="answer-error">{turn.error}</p>;
  if (!r) return <p className="muted" aria-live="polite">Thinking…</p>;
  return (
    <div
      className={r.answered ? "answer" : "answer not-found"}
      data-testid="answer"
      data-answered={String(r.answered)}
    >
      {r.answered ? (
        <p className="answer-text">{withCitations(r.answer, r.citations, onOpen)}</p>
      ) : (
        <p className="answer-text">
          <strong>{r.answer || "Not found in your contracts."}</strong>
          {r.reason && <span className="muted"> ({r.reason})</span>}
        </p>
      )}
      <Sources label="Sources" citations={r.citations.filter((c) => c.cited !== false)} onOpen={onOpen} />
      <Sources label="Also retrieved" citations={r.citations.filter((c) => c.cited === false)} onOpen={onOpen} />
    </div>
  );
}

function Sources({ label, citations, onOpen }: { label: string; citations: Citation[]; onOpen: Open }) {
  if (!citations.length) return null;
  return (
    <>
      <p className="sources-label">{label}</p>
      <ol className="sources" aria-label={label}>
        {citations.map((c) => (
          <li key={c.n}>
            <CitationButton citation={c} onOpen={onOpen} /> {c.document_name} — {clauseTitle(c.number, c.heading)}
            {c.page !== null && `, p. ${c.page}`}
            {c.excerpt && <q className="excerpt">{c.excerpt}</q>}
          </li>
        ))}
      </ol>
    </>
  );
}

export function Chat({ onOpenClause }: { onOpenClause: Open }) {
  const [question, setQuestion] = useState("");
  const [turns, setTurns] = useState<Turn[]>([]);
  const busy = turns.some((t) => !t.response && !t.error);

  async function ask(event: { preventDefault(): void }) {
    event.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    const id = Date.now();
    setTurns((ts) => [...ts, { id, question: q }]);
    setQuestion("");
    const update = (patch: Partial<Turn>) => setTurns((ts) => ts.map((t) => (t.id === id ? { ...t, ...patch } : t)));
    try {
      update({ response: await api.ask(q) });
    } catch (err) {
      update({ error: err instanceof ApiError ? err.message : "The question failed." });
    }
  }

  return (
    <div className="chat-box">
      <ol className="turns" aria-live="polite">
        {turns.map((t) => (
          <li key={t.id} className="turn">
            <p className="question">{t.question}</p>
            <Answer turn={t} onOpen={onOpenClause} />
          </li>
        ))}
      </ol>
      <form className="ask" aria-label="Ask a question" onSubmit={ask}>
        <label htmlFor="question">Ask about your contracts</label>
        <textarea
          id="question"
          data-testid="question-input"
          rows={2}
          value={question}
          placeholder="How much notice is needed to cancel?"
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            // Enter asks, Shift+Enter starts a new line, as in most chat boxes.
            if (e.key === "Enter" && !e.shiftKey) void ask(e);
          }}
        />
        <button type="submit" className="primary" data-testid="ask-button" disabled={busy || !question.trim()}>
          Ask
        </button>
      </form>
    </div>
  );
}

// The admin's view of what happened behind each question: one card per trace (newest first), its
// spans as an indented tree (ask → retrieval, model, tool …) with their time, status and the
// attributes that explain an answer: the question, the clauses retrieved, the prompt and reply,
// the tools called. Only shown to admins (the app asks /api/me); the server checks again.
import { useCallback, useEffect, useState } from "react";
import { api, ApiError } from "../api";
import type { Trace, TraceSpan } from "../types";

const SHORT = 160; // characters of a long value shown before "…" (the rest is one click away)

/** The spans in tree order (each parent followed by its children), with their depth. */
export function spanTree(spans: TraceSpan[]): { span: TraceSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    // A span whose parent is not in the list (not exported yet) is shown as a root, not lost.
    const parent = span.parent_id !== null && ids.has(span.parent_id) ? span.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: { span: TraceSpan; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      out.push({ span, depth });
      visit(span.span_id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

function parsed(value: unknown): unknown {
  if (typeof value !== "string" || !/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // cut by the server (" …" at the end): shown as text
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** An attribute as one line of text: hits, messages and tool calls made readable, JSON otherwise. */
export function attributeText(key: string, raw: unknown): string {
  const value = parsed(raw);
  if (Array.isArray(value)) {
    if (key === "hits") {
      return value.map((h) => (isRecord(h) ? `${String(h.clause_id)} (${String(h.similarity)})` : String(h))).join(", ");
    }
    if (key === "prompt") {
      return value.map((m) => (isRecord(m) ? `${String(m.role)}: ${String(m.content ?? "")}` : String(m))).join(" ⏐ ");
    }
    if (key === "tool_calls") {
      return value.map((c) => (isRecord(c) ? `${String(c.name)}(${JSON.stringify(c.arguments)})` : String(c))).join(", ");
    }
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function Attribute({ name, value }: { name: string; value: unknown }) {
  const text = attributeText(name, value);
  return (
    <div className="attr">
      <dt>{name}</dt>
      <dd>
        {text.length <= SHORT ? (
          text
        ) : (
          <details>
            <summary>{text.slice(0, SHORT)}…</summary>
            <pre>{text}</pre>
          </details>
        )}
      </dd>
    </div>
  );
}

function TraceCard({ trace }: { trace: Trace }) {
  const root = trace.spans.find((s) => s.parent_id === null) ?? trace.spans[0];
  const question = root?.attributes.question;
  return (
    <article className="trace card" data-testid="trace" aria-label={`Trace ${trace.trace_id}`}>
      <header className="trace-head">
        <strong>{typeof question === "string" ? question : (root?.name ?? "trace")}</strong>
        <span className="muted">
          {root && <time dateTime={root.start}>{new Date(root.start).toLocaleString()}</time>}
          {root && ` · ${root.ms} ms`} · <code title={trace.trace_id}>{trace.trace_id.slice(0, 8)}</code>
        </span>
      </header>
      <ol className="spans">
        {spanTree(trace.spans).map(({ span, depth }) => (
          <li
            key={span.span_id}
            className="span"
            data-testid="span"
            data-name={span.name}
            style={{ marginLeft: `${depth * 1.25}rem` }}
          >
            <div className="span-line">
              <span className="span-name">{span.name}</span>
              <span className="span-ms">{span.ms} ms</span>
              <span className={span.status === "ERROR" ? "status error" : "status"}>{span.status}</span>
            </div>
            {Object.keys(span.attributes).length > 0 && (
              <dl className="attrs">
                {Object.entries(span.attributes).map(([k, v]) => (
                  <Attribute key={k} name={k} value={v} />
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
    </article>
  );
}

export function Traces() {
  const [traces, setTraces] = useState<Trace[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setTraces((await api.traces(20)).traces);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the traces.");
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="traces" aria-labelledby="traces-title">
      <div className="traces-bar">
        <h2 id="traces-title">Traces</h2>
        <span className="hint">The 20 most recent questions, newest first.</span>
        <button type="button" data-testid="traces-refresh" onClick={() => void load()} disabled={loading}>
          {loading ? "Loading…" : "Refresh"}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {traces && traces.length === 0 && <p className="empty">No traces yet: ask a question.</p>}
      {traces?.map((trace) => <TraceCard key={trace.trace_id} trace={trace} />)}
    </section>
  );
}

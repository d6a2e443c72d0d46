// The shapes of the Contract-QA HTTP API (see notes/capstone.md); only the fields the UI reads.

/** Ids are whatever the server sends (integers or strings); the UI only echoes them back. */
export type Id = string | number;

export interface User {
  id: Id;
  email: string;
}

/** `GET /api/me`: the user, and whether they may read the traces (the server's `--admins`). */
export interface Me extends User {
  admin: boolean;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: User;
}

export interface DocumentInfo {
  id: Id;
  filename: string;
  kind: string;
  size: number;
  sha256: string;
  pages: number | null;
  clauses_count: number;
  created_at: string;
}

export interface Clause {
  id: Id;
  document_id: Id;
  position: number;
  number: string | null;
  heading: string | null;
  page: number | null;
  text: string;
}

export interface DocumentDetail extends DocumentInfo {
  clauses: Clause[];
}

export interface Citation {
  n: number;
  document_id: Id;
  document_name: string;
  clause_id: Id;
  number: string | null;
  heading: string | null;
  page: number | null;
  excerpt: string;
  /** Whether the answer's text refers to `[n]` (false: retrieved, shown as further reading). */
  cited?: boolean;
}

export interface AskResponse {
  answer: string;
  answered: boolean;
  reason: string | null;
  citations: Citation[];
}

/** `facts` is rendered generically (field | value | source), so new schema fields just appear. */
export interface FactsResponse {
  facts: Record<string, unknown>;
  sources: Record<string, unknown>;
}

/** What the clause panel shows: a clause already loaded, or one being fetched for a citation. */
export interface ClauseTarget {
  documentId: Id;
  clauseId: Id;
  documentName: string;
  clause: Clause | null;
  /** Shown while the full clause loads (a citation's number/heading/page/excerpt). */
  preview?: Pick<Clause, "number" | "heading" | "page"> & { excerpt: string };
}

/** One timed step of a question (`ask` → `retrieval`, `model`, `tool` …), from /api/admin/traces. */
export interface TraceSpan {
  span_id: string;
  parent_id: string | null;
  name: string;
  status: string;
  /** Primitives; lists and objects (hits, prompt, tool calls) arrive as JSON text, long text cut. */
  attributes: Record<string, string | number | boolean>;
  /** ISO 8601 start time (UTC). */
  start: string;
  ms: number;
}

export interface Trace {
  trace_id: string;
  /** In start order; the first is the root (`parent_id` null). */
  spans: TraceSpan[];
}

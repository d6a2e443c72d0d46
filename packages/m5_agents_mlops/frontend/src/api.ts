// The one place that talks to the server.
//
// Tokens: the short-lived access token lives only in memory (a page script cannot leave it
// behind in storage); the refresh token lives in sessionStorage, so a reload of the tab keeps
// the session but closing the tab ends it. On a 401 the client refreshes once (the server
// rotates the refresh token) and retries; if that fails the session ends and the UI goes back
// to the sign-in screen.
import type {
  AskResponse,
  DocumentDetail,
  DocumentInfo,
  FactsResponse,
  Id,
  Me,
  Tokens,
  Trace,
  User,
} from "./types";

const REFRESH_KEY = "contract-qa.refresh_token";

let accessToken: string | null = null;
let onSessionEnd: (message: string) => void = () => {};

/** An HTTP error with the server's reason (`detail`), ready to show to the user. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The server's reason: `{"detail": "..."}`, or FastAPI's list of validation errors. */
export function detailOf(body: unknown, status: number): string {
  if (body && typeof body === "object" && "detail" in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((item) => (item && typeof item === "object" && "msg" in item ? String(item.msg) : String(item)))
        .join("; ");
    }
  }
  return `The server answered ${status}.`;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function setSessionEndHandler(handler: (message: string) => void): void {
  onSessionEnd = handler;
}

function storeTokens(tokens: Tokens): User {
  accessToken = tokens.access_token;
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  return tokens.user;
}

function clearTokens(): void {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

export function hasRefreshToken(): boolean {
  return sessionStorage.getItem(REFRESH_KEY) !== null;
}

async function postJson(path: string, body: unknown, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "Cannot reach the server.");
  }
}

/** Sign up (`mode="signup"`) or sign in; returns the user and keeps the tokens. */
export async function authenticate(mode: "signup" | "login", email: string, password: string): Promise<User> {
  const res = await postJson(`/api/auth/${mode}`, { email, password }, false);
  const body = parseJson(await res.text());
  if (!res.ok) {
    let message = detailOf(body, res.status);
    const retry = res.headers.get("Retry-After");
    if (res.status === 429 && retry) message += ` Try again in ${retry} s.`;
    throw new ApiError(res.status, message);
  }
  return storeTokens(body as Tokens);
}

// Several requests can hit a 401 at once; they share one refresh, because a refresh token is
// single-use: a second refresh with the same token looks like theft and revokes the session.
let refreshing: Promise<User | null> | null = null;

/** Exchange the refresh token for new tokens; null when there is none or the server refuses. */
export function refreshSession(): Promise<User | null> {
  refreshing ??= (async () => {
    const token = sessionStorage.getItem(REFRESH_KEY);
    if (!token) return null;
    const res = await postJson("/api/auth/refresh", { refresh_token: token }, false);
    if (!res.ok) {
      clearTokens();
      return null;
    }
    return storeTokens((await res.json()) as Tokens);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function signOut(): Promise<void> {
  const token = sessionStorage.getItem(REFRESH_KEY);
  try {
    if (token) await postJson("/api/auth/logout", { refresh_token: token }, true);
  } finally {
    clearTokens(); // signed out here even if the server could not be reached
  }
}

function expired(): never {
  clearTokens();
  const message = "Your session has expired. Please sign in again.";
  onSessionEnd(message);
  throw new ApiError(401, message);
}

/** Run `send` with the current token; on a 401 refresh once and run it again. */
async function withRefresh<T extends { status: number }>(send: () => Promise<T>): Promise<T> {
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  if (res.status === 401) expired();
  return res;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await withRefresh(async () => {
    const headers: Record<string, string> = {};
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "Cannot reach the server.");
    }
  });
  const parsed = parseJson(await res.text());
  if (!res.ok) throw new ApiError(res.status, detailOf(parsed, res.status));
  return parsed as T;
}

const doc = (id: Id) => `/api/documents/${encodeURIComponent(String(id))}`;

export const api = {
  listDocuments: () => request<{ documents: DocumentInfo[] }>("GET", "/api/documents"),
  getDocument: (id: Id) => request<DocumentDetail>("GET", doc(id)),
  getClause: (id: Id, clauseId: Id) =>
    request<DocumentDetail["clauses"][number]>("GET", `${doc(id)}/clauses/${encodeURIComponent(String(clauseId))}`),
  deleteDocument: (id: Id) => request<null>("DELETE", doc(id)),
  facts: (id: Id) => request<FactsResponse>("GET", `${doc(id)}/facts`),
  deadline: (id: Id, today?: string) =>
    request<unknown>("POST", "/api/deadline", today ? { document_id: id, today } : { document_id: id }),
  ask: (question: string) => request<AskResponse>("POST", "/api/ask", { question }),
  me: () => request<Me>("GET", "/api/me"),
  // Admins only (others get 404): the app asks `me()` first, so a non-admin never calls this.
  traces: (limit = 20) => request<{ traces: Trace[] }>("GET", `/api/admin/traces?limit=${limit}`),
};

/**
 * Upload one file with progress. fetch() cannot report upload progress, XMLHttpRequest can
 * (`xhr.upload.onprogress`). Resolves with the document and whether it is new (201) or the same
 * bytes were uploaded before (200).
 */
export async function uploadDocument(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ document: DocumentInfo; created: boolean }> {
  const send = () =>
    new Promise<XMLHttpRequest>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/documents");
      if (accessToken) xhr.setRequestHeader("Authorization", `Bearer ${accessToken}`);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => resolve(xhr);
      // A server that refuses a too-large body may close the connection before answering.
      xhr.onerror = () => reject(new ApiError(0, "The upload failed: the server closed the connection."));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  const xhr = await withRefresh(send);
  const body = parseJson(xhr.responseText);
  if (xhr.status < 200 || xhr.status >= 300) throw new ApiError(xhr.status, detailOf(body, xhr.status));
  return { document: body as DocumentInfo, created: xhr.status === 201 };
}

// The whole UI is one page with client-side state: signed out → the auth form; signed in →
// upload + document list (left), chat (middle), the clause panel (right, when one is open).
// Admins also get a "Traces" tab: the question traces, which a plain link to /admin/traces
// cannot show (a navigation carries no bearer token). The contracts view stays mounted behind
// it (hidden), so switching tabs keeps the conversation.
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, hasRefreshToken, refreshSession, setSessionEndHandler, signOut } from "./api";
import { AuthForm } from "./components/AuthForm";
import { Chat } from "./components/Chat";
import { ClauseView } from "./components/ClauseView";
import { DocumentList } from "./components/DocumentList";
import { DocumentPanel } from "./components/DocumentPanel";
import { Traces } from "./components/Traces";
import { Upload } from "./components/Upload";
import type { ClauseTarget, DocumentInfo, Id, User } from "./types";

export function App() {
  const [user, setUser] = useState<User | null>(null);
  // Only a tab that holds a refresh token needs to ask the server before showing the form.
  const [booting, setBooting] = useState(hasRefreshToken);
  const [notice, setNotice] = useState<string | null>(null);
  const [documents, setDocuments] = useState<DocumentInfo[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<Id | null>(null);
  const [clause, setClause] = useState<ClauseTarget | null>(null);
  const [admin, setAdmin] = useState(false);
  const [view, setView] = useState<"contracts" | "traces">("contracts");

  const reset = useCallback((message: string | null) => {
    setUser(null);
    setDocuments([]);
    setSelectedId(null);
    setClause(null);
    setAdmin(false);
    setView("contracts");
    setNotice(message);
  }, []);

  useEffect(() => setSessionEndHandler((message) => reset(message)), [reset]);

  useEffect(() => {
    if (!booting) return;
    refreshSession()
      .then((restored) => setUser(restored))
      .catch(() => setUser(null))
      .finally(() => setBooting(false));
  }, [booting]);

  const loadDocuments = useCallback(async () => {
    try {
      const { documents } = await api.listDocuments();
      setDocuments(documents);
      setListError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) setListError(err.message);
    }
  }, []);

  useEffect(() => {
    if (user) void loadDocuments();
  }, [user, loadDocuments]);

  // /api/me says whether this user is an admin. Probing /api/admin/traces instead would answer
  // 404 to everybody else, and the browser logs every failed request in the console.
  useEffect(() => {
    if (!user) return;
    let live = true;
    api.me().then(
      (me) => live && setAdmin(me.admin),
      () => live && setAdmin(false), // no tab is the safe default; the server checks anyway
    );
    return () => {
      live = false;
    };
  }, [user]);

  const onDeleted = (id: Id) => {
    setDocuments((docs) => docs.filter((d) => String(d.id) !== String(id)));
    if (selectedId !== null && String(selectedId) === String(id)) setSelectedId(null);
    if (clause && String(clause.documentId) === String(id)) setClause(null);
  };

  if (booting) return <p className="boot">Loading…</p>;
  if (!user) {
    return (
      <main className="auth-page">
        <h1>Contract-QA</h1>
        <p className="tagline">Ask questions about your contracts; every answer cites its clauses.</p>
        <AuthForm notice={notice} onSignedIn={(u) => (setNotice(null), setUser(u))} />
      </main>
    );
  }

  const selected = documents.find((d) => String(d.id) === String(selectedId)) ?? null;
  const showTraces = admin && view === "traces";
  const layout = showTraces ? "layout show-traces" : clause ? "layout with-panel" : "layout";
  return (
    <div className={layout}>
      <header className="topbar">
        <h1>Contract-QA</h1>
        {admin && (
          <nav className="tabs" aria-label="Views">
            <button type="button" aria-pressed={!showTraces} onClick={() => setView("contracts")}>
              Contracts
            </button>
            <button type="button" data-testid="traces-tab" aria-pressed={showTraces} onClick={() => setView("traces")}>
              Traces
            </button>
          </nav>
        )}
        <span className="who" data-testid="user-email">{user.email}</span>
        <button type="button" onClick={() => void signOut().finally(() => reset(null))}>
          Sign out
        </button>
      </header>
      {showTraces && <Traces />}
      <section className="documents" aria-labelledby="documents-title" hidden={showTraces}>
        <h2 id="documents-title">Your contracts</h2>
        <Upload onUploaded={(doc) => (setSelectedId(doc.id), void loadDocuments())} />
        {listError && <p role="alert" className="error">{listError}</p>}
        <DocumentList
          documents={documents}
          selectedId={selectedId}
          onSelect={setSelectedId}
          onDeleted={onDeleted}
        />
        {selected && <DocumentPanel key={String(selected.id)} document={selected} onOpenClause={setClause} />}
      </section>
      <section className="chat" aria-labelledby="chat-title" hidden={showTraces}>
        <h2 id="chat-title">Questions</h2>
        <Chat onOpenClause={setClause} />
      </section>
      {clause && !showTraces && <ClauseView target={clause} onClose={() => setClause(null)} />}
    </div>
  );
}

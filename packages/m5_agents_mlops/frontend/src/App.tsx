// The whole UI is one page with client-side state: signed out → the auth form; signed in →
// upload + document list (left), chat (middle), the clause panel (right, when one is open).
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, hasRefreshToken, refreshSession, setSessionEndHandler, signOut } from "./api";
import { AuthForm } from "./components/AuthForm";
import { Chat } from "./components/Chat";
import { ClauseView } from "./components/ClauseView";
import { DocumentList } from "./components/DocumentList";
import { DocumentPanel } from "./components/DocumentPanel";
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

  const reset = useCallback((message: string | null) => {
    setUser(null);
    setDocuments([]);
    setSelectedId(null);
    setClause(null);
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
  return (
    <div className={clause ? "layout with-panel" : "layout"}>
      <header className="topbar">
        <h1>Contract-QA</h1>
        <span className="who" data-testid="user-email">{user.email}</span>
        <button type="button" onClick={() => void signOut().finally(() => reset(null))}>
          Sign out
        </button>
      </header>
      <section className="documents" aria-labelledby="documents-title">
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
      <section className="chat" aria-labelledby="chat-title">
        <h2 id="chat-title">Questions</h2>
        <Chat onOpenClause={setClause} />
      </section>
      {clause && <ClauseView target={clause} onClose={() => setClause(null)} />}
    </div>
  );
}

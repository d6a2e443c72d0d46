import { useState, type FormEvent } from "react";
import { authenticate, ApiError } from "../api";
import type { User } from "../types";

interface Props {
  notice: string | null;
  onSignedIn: (user: User) => void;
}

/** Sign in, or create an account; shows the server's `detail` (409 taken, 422 weak, 429 ...). */
export function AuthForm({ notice, onSignedIn }: Props) {
  const [mode, setMode] = useState<"login" | "signup">("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = mode === "login" ? "Sign in" : "Create an account";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await authenticate(mode, email.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Something went wrong.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card auth" aria-label={title} data-testid="auth-form" onSubmit={submit}>
      <h2>{title}</h2>
      {notice && <p role="status" className="notice">{notice}</p>}
      <label>
        Email
        <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p role="alert" className="error" data-testid="auth-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="auth-submit">
        {mode === "login" ? "Sign in" : "Sign up"}
      </button>
      <button
        type="button"
        className="link"
        data-testid="auth-switch"
        onClick={() => (setMode(mode === "login" ? "signup" : "login"), setError(null))}
      >
        {mode === "login" ? "New here? Create an account" : "Have an account? Sign in"}
      </button>
    </form>
  );
}

// The sign-in form (user name and password, POST /auth/login) shown when the server asks for a token, and the
// signed-in user with a sign-out in the sidebar. With auth off the server never answers 401, so neither appears.
import { useEffect, useState } from 'preact/hooks';
import { currentSession, isSignInRequired, onSessionChange, signIn, signInReason, signOut } from './session.ts';

/** Re-renders on sign-in, sign-out and expiry; the number changes with each. */
export function useSessionVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((n) => n + 1)), []);
  return version;
}

export function SignInForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (username.trim() === '' || password === '') return setError('User name and password are required');
    setBusy(true);
    setError('');
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card signin" onSubmit={submit} aria-label="Sign in">
      <h1>Sign in</h1>
      <p class="muted">This server has identity turned on. Sign in with a user of this server; what you see and may do follows your role assignments.</p>
      {signInReason() && <div class="note">{signInReason()}</div>}
      <label class="field"><span>User name</span>
        <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field"><span>Password</span>
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      {error && <div class="error-box">{error}</div>}
      <button type="submit" class="btn primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  );
}

/** Whether to show the form instead of the page. */
export function needsSignIn(): boolean {
  return isSignInRequired() && currentSession() === null;
}

export function SignedInUser() {
  const session = currentSession();
  if (session === null) return null;
  return (
    <div class="who" data-testid="signed-in">
      <span class="muted small">Signed in as</span>
      <b title={session.user}>{session.user}</b>
      <button class="btn ghost small" onClick={() => signOut()}>Sign out</button>
    </div>
  );
}

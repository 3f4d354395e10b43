// The sign-in form (user name and password, POST /auth/login) shown when the server asks for a token, and the
// signed-in user with a sign-out in the sidebar. With auth off the server never answers 401, so neither appears.
import { useEffect, useState } from 'preact/hooks';
import { currentSession, isSignInRequired, onSessionChange, PasswordChangeRequired, signIn, signInReason, signOut } from './session.ts';

/** Re-renders on sign-in, sign-out and expiry; the number changes with each. */
export function useSessionVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((n) => n + 1)), []);
  return version;
}

export function SignInForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Set once the server said the password is one-time: the form then asks for a new one, twice.
  const [changing, setChanging] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Shows every failure in the form, so its promise never rejects.
  const submit = async (e: Event) => {
    e.preventDefault();
    if (username.trim() === '' || password === '') return setError('User name and password are required');
    if (changing && newPassword !== repeated) return setError('The new passwords differ');
    setBusy(true);
    setError('');
    try {
      await signIn(username.trim(), password, changing ? newPassword : undefined);
    } catch (err) {
      if (err instanceof PasswordChangeRequired) setChanging(true);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const field = (label: string, name: string, value: string, set: (v: string) => void) => (
    <label class="field"><span>{label}</span>
      <input name={name} type="password" autocomplete="new-password" value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <form class="card signin" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <h1>Sign in</h1>
      <p class="muted">This server has identity turned on. Sign in with a user of this server; what you see and may do follows your role assignments.</p>
      {signInReason() && <div class="note">{signInReason()}</div>}
      <label class="field"><span>User name</span>
        <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field"><span>Password</span>
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      {changing && field('New password (8-256 characters)', 'newPassword', newPassword, setNewPassword)}
      {changing && field('New password again', 'newPasswordAgain', repeated, setRepeated)}
      {error && <div class="error-box">{error}</div>}
      <button type="submit" class="btn primary" disabled={busy}>{busy ? 'Signing in…' : changing ? 'Set password and sign in' : 'Sign in'}</button>
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

// The signed-in user: the bearer token from POST /auth/login, kept in sessionStorage (per tab, gone with it), and
// a signal to the app when the server wants a sign-in (a 401: no token, or an expired or revoked one).
export interface Session {
  token: string;
  user: string;
  /** Epoch ms; the token is dropped before the server would refuse it. */
  expiresOnMs: number;
}

const KEY = 'dts.session';
const listeners = new Set<() => void>();
let reason = '';

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (raw === null) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.token === 'string' && s.expiresOnMs > Date.now()) return s;
  } catch {
    // an unreadable entry is no session
  }
  signOut('Your sign-in has expired; sign in again.');
  return null;
}

/** Why the sign-in form is shown ('' when the server simply asked for one). */
export function signInReason(): string {
  return reason;
}

let signInRequired = false;

/** True once the server answered 401 (or the user signed out): the app shows the sign-in form until a user signs in. */
export function isSignInRequired(): boolean {
  return signInRequired;
}

export function requireSignIn(message: string): void {
  sessionStorage.removeItem(KEY);
  // The first reason stays: the 401s of other calls in flight (now without a token) add nothing.
  if (signInRequired) return;
  signInRequired = true;
  reason = message;
  notify();
}

export function signOut(message = ''): void {
  sessionStorage.removeItem(KEY);
  signInRequired = true;
  reason = message;
  notify();
}

/** The JSON body of a response; undefined when it is empty or not JSON (an error page). */
export async function jsonOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server refused a one-time password: sign in again with a new one. */
export class PasswordChangeRequired extends Error {}

/** What POST /auth/login answers: a token, or an ARM error or a problem. */
interface LoginAnswer {
  accessToken?: string;
  user?: string;
  expiresOn?: string;
  error?: { code?: string; message?: string };
  detail?: string;
}

/** POST /auth/login on this same origin; the error text is the server's. */
export async function signIn(username: string, password: string, newPassword?: string): Promise<void> {
  const body = { username, password, ...(newPassword === undefined ? {} : { newPassword }) };
  const res = await fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = (await jsonOf(res)) as LoginAnswer | undefined;
  const message = data?.error?.message ?? data?.detail ?? `sign-in failed (${res.status})`;
  if (data?.error?.code === 'PasswordChangeRequired') throw new PasswordChangeRequired(message);
  if (!res.ok || data?.accessToken === undefined) throw new Error(message);
  const session: Session = { token: data.accessToken, user: data.user ?? username, expiresOnMs: Date.parse(data.expiresOn ?? '') };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  signInRequired = false;
  reason = '';
  notify();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const l of listeners) l();
}

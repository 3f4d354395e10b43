/**
 * Signing in with a user name and password (`POST /auth/login`): the throttle first (a name or
 * address past its failures is refused with TOO_MANY_FAILED_SIGN_INS and a retry time, before any
 * password work), then one scrypt verification whether or not the user exists (against a dummy
 * hash of the same cost when it does not), so an unknown user and a wrong password take the same
 * work and get the same answer. Refusals and failures are logged with the user name and address,
 * never the password, at most LOG_LINES_PER_S lines a second so a flood cannot fill the disk.
 */
import { ServerError } from '../domain/errors.ts';
import { DUMMY_PASSWORD_HASH } from './passwords.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { IssuedToken, TokenService } from './tokens.ts';
import { throttledLogger, type Logger } from '../lib/logger.ts';

const USER_NAME_CHARS_MAX = 256;
const PASSWORD_CHARS_MAX = 256;
const LOG_LINES_PER_S = 20;

/** A user as a sign-in needs it; the control plane keeps users (control/user-handlers.ts). */
export interface SignInUser {
  /** The name as created. */
  name: string;
  principalId: string;
  passwordHash: string;
  /** The password is one-time: a sign-in must set a new one. */
  passwordChangeRequired: boolean;
}

export interface SignInDeps {
  /** The user of a name (any case); undefined for an unknown one, or a name no user can have. */
  findUser: (name: string) => Promise<SignInUser | undefined>;
  tokens: TokenService;
  throttle: SignInThrottle;
  /** The scrypt check (Passwords.verify); injected so tests can count the calls. */
  verifyPassword: (password: string, stored: string) => Promise<boolean>;
  /** Sets the user's new password (and ends a one-time one); INVALID_ARGUMENT for one it refuses. */
  changePassword: (user: string, password: unknown) => Promise<void>;
  now: () => number;
  log: Logger;
}

export interface SignedIn extends IssuedToken {
  /** The user name as created. */
  user: string;
}

const WRONG = 'the user name or password is wrong';

export class SignIn {
  readonly #deps: SignInDeps;
  readonly #throttledLog: Logger;

  constructor(deps: SignInDeps) {
    this.#deps = deps;
    this.#throttledLog = throttledLogger(deps.log, LOG_LINES_PER_S, deps.now);
  }

  /**
   * A token for the user, or INVALID_ARGUMENT, TOO_MANY_FAILED_SIGN_INS, UNAUTHENTICATED, or
   * PASSWORD_CHANGE_REQUIRED for a one-time password without `newPassword`. A `newPassword`
   * (any user) replaces the password once the old one is proven.
   */
  async signIn(username: unknown, password: unknown, address: string | undefined, newPassword?: unknown): Promise<SignedIn> {
    if (typeof username !== 'string' || typeof password !== 'string') throw new ServerError('INVALID_ARGUMENT', 'username and password are required');
    if (username.length === 0 || username.length > USER_NAME_CHARS_MAX) throw new ServerError('INVALID_ARGUMENT', `username must be 1-${USER_NAME_CHARS_MAX} characters`);
    if (password.length > PASSWORD_CHARS_MAX) throw new ServerError('INVALID_ARGUMENT', `password must be at most ${PASSWORD_CHARS_MAX} characters`);
    const { throttle, now } = this.#deps;
    const refusal = throttle.check(username, address, now());
    if (refusal !== undefined) {
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
      this.#log(`sign-in refused for user ${logged(username)} from ${address ?? 'an unknown address'}: ${refusal.reason}; retry after ${retryAfterSeconds} s`);
      throw new ServerError('TOO_MANY_FAILED_SIGN_INS', `${refusal.reason}; retry after ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
    }
    const user = await this.#deps.findUser(username);
    const matches = await this.#deps.verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (user === undefined || !matches) {
      throttle.failed(username, address, now());
      this.#log(`sign-in failed for user ${logged(username)} from ${address ?? 'an unknown address'}`);
      throw new ServerError('UNAUTHENTICATED', WRONG);
    }
    throttle.succeeded(username);
    if (newPassword !== undefined) {
      if (newPassword === password) throw new ServerError('INVALID_ARGUMENT', 'newPassword must differ from the password');
      await this.#deps.changePassword(user.name, newPassword);
    } else if (user.passwordChangeRequired) {
      throw new ServerError('PASSWORD_CHANGE_REQUIRED', `the password of user ${logged(user.name)} is a one-time password: sign in again with newPassword (8-256 characters) to set your own`);
    }
    return { ...(await this.#deps.tokens.issue({ id: user.principalId, kind: 'user', name: user.name })), user: user.name };
  }

  /** At most LOG_LINES_PER_S lines a second; the next line written counts those left out. */
  #log(line: string): void {
    this.#throttledLog.warn(line);
  }
}

/** A user name as it goes into the log: quoted and escaped (no forged lines), and short. */
function logged(username: string): string {
  return JSON.stringify(username.length > 64 ? `${username.slice(0, 64)}...` : username);
}

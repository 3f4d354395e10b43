/**
 * Salted slow password hashes (scrypt) and one-time passwords.
 *
 * scrypt runs in libuv's thread pool (node's async `crypto.scrypt`), never on the event loop, and
 * at most `concurrentMax` at a time: the pool has four threads and also runs the WAL syncs that
 * every acknowledged write waits for, and each hash holds a core for tens of milliseconds, so a
 * flood of sign-ins would otherwise delay every other request. Beyond `queuedMax` waiting, a hash
 * is refused at once (UNAVAILABLE).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ServerError } from '../domain/errors.ts';
import { PermitQueue } from '../lib/permit-queue.ts';

const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/**
 * Verified for a user name that does not exist, so an unknown user costs the same scrypt as a
 * wrong password. Its key (zeros) is no key scrypt derives in practice, and the caller refuses
 * regardless.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(SALT_BYTES).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;

export interface PasswordOptions {
  /** scrypt computations at once. */
  concurrentMax: number;
  /** Computations waiting for their turn at most; more are refused. */
  queuedMax: number;
}

const DEFAULT_PASSWORD_OPTIONS: PasswordOptions = { concurrentMax: 1, queuedMax: 32 };

export class Passwords {
  readonly #permits: PermitQueue;

  constructor(options: PasswordOptions = DEFAULT_PASSWORD_OPTIONS) {
    const refusal = () => new ServerError('UNAVAILABLE', `more than ${options.queuedMax} password checks are waiting; retry in a second`, { details: { retryAfterSeconds: 1 } });
    this.#permits = new PermitQueue(options.concurrentMax, options.queuedMax, refusal);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.#derive(password, salt, N, R, P);
    return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
    const key = await this.#derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
    const expected = Buffer.from(hash, 'base64url');
    return expected.length === key.length && timingSafeEqual(expected, key);
  }

  #derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
    return this.#permits.run(() => new Promise((resolve, reject) => {
      scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key)));
    }));
  }
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

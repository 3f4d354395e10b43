/**
 * Counts failed sign-ins per user name and per client address, and says when a name or an address
 * has used up its failures for the window (then sign-ins for it are refused, right password or
 * not, until the window that began with its first failure ends). A success clears the user name's
 * count, never the address's: one account of one's own must not reset the budget for guessing
 * others.
 *
 * Memory is bounded whatever callers send: each table holds at most `keysMax` entries, kept in
 * the order their windows began, so expired ones leave from the front and, when a table is full
 * of live ones, the oldest window goes first. IPv6 clients count by their /64 (one host usually
 * holds the whole prefix), IPv4-mapped addresses as IPv4.
 */
import { isIPv6 } from 'node:net';

export interface SignInThrottleOptions {
  windowMs: number;
  /** Failures per user name within a window. */
  userFailuresMax: number;
  /** Failures per client address within a window (higher: many users may share one NAT). */
  addressFailuresMax: number;
  /** Entries per table. */
  keysMax: number;
}

const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = { windowMs: 15 * 60_000, userFailuresMax: 10, addressFailuresMax: 100, keysMax: 10_000 };

export interface Refusal {
  /** What ran out, for the answer and the log. */
  reason: string;
  retryAfterMs: number;
}

interface Window {
  startMs: number;
  failures: number;
}

class FailureTable {
  readonly #entries = new Map<string, Window>();
  readonly #failuresMax: number;
  readonly #options: SignInThrottleOptions;

  constructor(failuresMax: number, options: SignInThrottleOptions) {
    this.#failuresMax = failuresMax;
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedForMs(key: string, nowMs: number): number {
    const window = this.#live(key, nowMs);
    return window === undefined || window.failures < this.#failuresMax ? 0 : window.startMs + this.#options.windowMs - nowMs;
  }

  fail(key: string, nowMs: number): void {
    const window = this.#live(key, nowMs);
    if (window !== undefined) {
      window.failures++;
      return;
    }
    this.#evict(nowMs);
    this.#entries.set(key, { startMs: nowMs, failures: 1 });
  }

  clear(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string, nowMs: number): Window | undefined {
    const window = this.#entries.get(key);
    if (window !== undefined && nowMs - window.startMs >= this.#options.windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return window;
  }

  /** Drops expired windows from the front, then the oldest while the table is full. */
  #evict(nowMs: number): void {
    for (const [key, window] of this.#entries) {
      if (nowMs - window.startMs < this.#options.windowMs && this.#entries.size < this.#options.keysMax) return;
      this.#entries.delete(key);
    }
  }
}

export class SignInThrottle {
  readonly #options: SignInThrottleOptions;
  readonly #users: FailureTable;
  readonly #addresses: FailureTable;

  constructor(options: SignInThrottleOptions = DEFAULT_SIGN_IN_THROTTLE) {
    this.#options = options;
    this.#users = new FailureTable(options.userFailuresMax, options);
    this.#addresses = new FailureTable(options.addressFailuresMax, options);
  }

  /** Why a sign-in for `user` from `address` is refused now, or undefined when it may proceed. */
  check(user: string, address: string | undefined, nowMs: number): Refusal | undefined {
    const minutes = Math.round(this.#options.windowMs / 60_000);
    const within = `within ${minutes} minute${minutes === 1 ? '' : 's'}`;
    const byUser = this.#users.blockedForMs(userKey(user), nowMs);
    const byAddress = this.#addresses.blockedForMs(addressKey(address), nowMs);
    if (byUser === 0 && byAddress === 0) return undefined;
    const reason = byUser >= byAddress
      ? `${this.#options.userFailuresMax} failed sign-ins for this user name ${within}`
      : `${this.#options.addressFailuresMax} failed sign-ins from this address ${within}`;
    return { reason, retryAfterMs: Math.max(byUser, byAddress) };
  }

  failed(user: string, address: string | undefined, nowMs: number): void {
    this.#users.fail(userKey(user), nowMs);
    this.#addresses.fail(addressKey(address), nowMs);
  }

  succeeded(user: string): void {
    this.#users.clear(userKey(user));
  }

  /** Entries held (user names, addresses): for tests of the bound. */
  get sizes(): { users: number; addresses: number } {
    return { users: this.#users.size, addresses: this.#addresses.size };
  }
}

/** User names compare case-insensitively, as the catalog's do. */
function userKey(user: string): string {
  return user.toLowerCase();
}

export function addressKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, zone dropped. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::') as [string?, string?];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}

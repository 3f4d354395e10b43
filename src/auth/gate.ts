/**
 * The access gate every request passes: first the scheduler's IP allowlist (always, it is a
 * network rule), then, with auth on, the bearer token and the role decision for the addressed
 * resource. Failures are UNAUTHENTICATED or PERMISSION_DENIED ServerErrors, which each edge
 * maps once (gRPC 16/7, HTTP 401/403).
 */
import type { BlockList } from 'node:net';
import { isServerError, ServerError } from '../domain/errors.ts';
import type { LogFields, Logger } from '../lib/logger.ts';
import { admits, compileAllowlist } from './allowlist.ts';
import { decide, type Principal } from './decide.ts';
import { SNAPSHOT_TTL_MS, type Directory } from './directory.ts';
import type { Permission } from './roles.ts';
import type { TokenService } from './tokens.ts';

export const DEFAULT_SCHEDULER_PATH = ['default', 'default', 'default'] as const;

export function schedulerResourceId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}/resourceGroups/${path[1]}/providers/Microsoft.DurableTask/schedulers/${path[2]}`;
}

/** A scheduler's IP allowlist by its path [sub, rg, scheduler]; undefined when there is no such scheduler. */
export type AllowlistSource = (schedulerPath: readonly string[]) => Promise<readonly string[] | undefined>;

export interface GateOptions {
  /** False: only the allowlist is enforced (the emulator-compatible default). */
  auth: boolean;
  /** Refusals are logged here (warn), throttled by the caller; never the token. */
  log: Logger;
}

interface AllowlistEntry {
  atMs: number;
  list: BlockList;
  refreshing: boolean;
}

export class AccessGate {
  readonly options: GateOptions;
  readonly #allowlistOf: AllowlistSource;
  readonly #now: () => number;
  readonly #directory: Directory;
  readonly #tokens: TokenService;
  readonly #allowlists = new Map<string, AllowlistEntry>();
  /**
   * The cache key of each scheduler path seen: a listener passes the same path array on every
   * call (call-guard.ts), so the key is built once and not joined and lower-cased per call.
   */
  readonly #keys = new WeakMap<readonly string[], string>();

  constructor(options: GateOptions, allowlists: AllowlistSource, now: () => number, directory: Directory, tokens: TokenService) {
    this.options = options;
    this.#allowlistOf = allowlists;
    this.#now = now;
    this.#directory = directory;
    this.#tokens = tokens;
  }

  /** PERMISSION_DENIED naming the address when the scheduler's allowlist does not admit it. */
  async checkAddress(schedulerPath: readonly string[], address: string | undefined): Promise<void> {
    // A cached list is taken without a further await: calls pass here far more often than lists change.
    const list = this.#cachedAllowlist(schedulerPath) ?? (await this.#loadAllowlist(schedulerPath));
    if (list === undefined) return; // no such scheduler: the request fails on its own terms later
    if (address === undefined || !admits(list, address)) {
      this.options.log.warn('refused: address not in the IP allowlist', { address: address ?? 'unknown', scheduler: schedulerPath.join('/') });
      throw new ServerError('PERMISSION_DENIED', `the address '${address ?? 'unknown'}' is not in the IP allowlist of scheduler '${schedulerPath[2]}'`);
    }
  }

  /** The principal of the token when auth is on and a role grants `permission` on `resource`. */
  async authorize(authorization: string | undefined, permission: Permission, resource: string): Promise<Principal | undefined> {
    const principal = await this.#authenticate(authorization, { operation: permission, resource });
    await this.permit(principal, permission, resource);
    return principal;
  }

  /** With auth on: the principal of the bearer token, or UNAUTHENTICATED. Without: undefined. */
  authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    return this.#authenticate(authorization, {});
  }

  async #authenticate(authorization: string | undefined, context: LogFields): Promise<Principal | undefined> {
    if (!this.options.auth) return undefined;
    try {
      return await this.#tokens.verify(authorization);
    } catch (error) {
      if (isServerError(error) && error.code === 'UNAUTHENTICATED') this.options.log.warn('refused: token not accepted', { ...context, reason: error.message });
      throw error;
    }
  }

  /**
   * With auth on: PERMISSION_DENIED unless a role of `principal` grants `permission` on
   * `resource` (the id of the resource where it lives); UNAUTHENTICATED without a principal.
   */
  async permit(principal: Principal | undefined, permission: Permission, resource: string): Promise<void> {
    if (!this.options.auth) return;
    if (principal === undefined) throw new ServerError('UNAUTHENTICATED', 'no bearer token: send "authorization: Bearer <token>"');
    const decision = decide(principal, permission, resource, (await this.#directory.snapshot()).assignments);
    if (!decision.allow) {
      this.options.log.warn('refused: no role permits the operation', { principal: principal.name, principalId: principal.id, operation: permission, resource, reason: decision.reason });
      throw new ServerError('PERMISSION_DENIED', decision.reason);
    }
  }

  /**
   * The compiled list, re-read at most every SNAPSHOT_TTL_MS. A stale list keeps serving while it
   * is re-read in the background, so calls never wait on the catalog after the first one and a
   * database outage does not stop the data plane. Undefined when there is no list yet.
   */
  #cachedAllowlist(path: readonly string[]): BlockList | undefined {
    const key = this.#keyOf(path);
    const cached = this.#allowlists.get(key);
    if (cached === undefined) return undefined;
    if (this.#now() - cached.atMs >= SNAPSHOT_TTL_MS && !cached.refreshing) {
      cached.refreshing = true;
      this.#read(path).then(
        (list) => (list === undefined ? this.#allowlists.delete(key) : this.#allowlists.set(key, { atMs: this.#now(), list, refreshing: false })),
        () => (cached.refreshing = false),
      );
    }
    return cached.list;
  }

  /** The first read of a scheduler's list; a failed read is UNAVAILABLE. */
  async #loadAllowlist(path: readonly string[]): Promise<BlockList | undefined> {
    let list: BlockList | undefined;
    try {
      list = await this.#read(path);
    } catch (error) {
      throw new ServerError('UNAVAILABLE', `the IP allowlist of scheduler '${path[2]}' cannot be read right now`, { cause: error });
    }
    // A scheduler not created yet is not remembered: its first request after the create sees the list.
    if (list !== undefined) this.#allowlists.set(this.#keyOf(path), { atMs: this.#now(), list, refreshing: false });
    return list;
  }

  /** Scheduler paths are case-insensitive. A path array is never changed once passed here. */
  #keyOf(path: readonly string[]): string {
    let key = this.#keys.get(path);
    if (key === undefined) {
      key = path.join('/').toLowerCase();
      this.#keys.set(path, key);
    }
    return key;
  }

  async #read(path: readonly string[]): Promise<BlockList | undefined> {
    const list = await this.#allowlistOf(path);
    return list === undefined ? undefined : compileAllowlist(list);
  }
}

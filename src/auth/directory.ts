/**
 * The directory: a read model of every principal this server knows (users, user-assigned
 * identities, the system-assigned identities of apps) and every role assignment, for token
 * checks and decisions. The control plane keeps them (control/principal-resources.ts) and
 * reads them for it through a `DirectorySource`. Decisions read a snapshot that is reloaded at
 * most every `SNAPSHOT_TTL_MS`, so a change made on another node (or written straight to the
 * database) takes effect within that time; changes made through this node apply at once.
 */
import type { Principal, RoleAssignment } from './decide.ts';

/** How stale a role assignment or principal seen by a decision can be (documented in the README). */
export const SNAPSHOT_TTL_MS = 2_000;
/** The one tenant of this server; every identity and token carries it. */
export const TENANT_ID = '00000000-0000-0000-0000-0000000d7500';

/** Reads every principal and role assignment, in one go. */
export type DirectorySource = () => Promise<{ principals: Principal[]; assignments: RoleAssignment[] }>;

export interface DirectorySnapshot {
  /** By lower-cased principal id. */
  principals: Map<string, Principal>;
  assignments: readonly RoleAssignment[];
}

export class Directory {
  readonly #source: DirectorySource;
  readonly #now: () => number;
  #snapshot: { atMs: number; value: Promise<DirectorySnapshot> } | undefined;

  constructor(source: DirectorySource, now: () => number) {
    this.#source = source;
    this.#now = now;
  }

  snapshot(): Promise<DirectorySnapshot> {
    if (this.#snapshot === undefined || this.#now() - this.#snapshot.atMs >= SNAPSHOT_TTL_MS) {
      const value = this.#load();
      this.#snapshot = { atMs: this.#now(), value };
      value.catch(() => (this.#snapshot = undefined));
    }
    return this.#snapshot.value;
  }

  /** After a write through this node: the next decision reads the source again. */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  async #load(): Promise<DirectorySnapshot> {
    const { principals, assignments } = await this.#source();
    return { principals: new Map(principals.map((p) => [p.id.toLowerCase(), p])), assignments };
  }
}

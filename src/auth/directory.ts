/**
 * The directory: users, user-assigned identities, apps (with their system-assigned identity)
 * and role assignments, kept in the catalog. Decisions read a snapshot of it that is reloaded
 * at most every `SNAPSHOT_TTL_MS`, so a change made on another node (or written straight to the
 * database) takes effect within that time; changes made through this node apply at once.
 */
import type { CatalogStore } from '../store/catalog.ts';
import type { Principal, RoleAssignment } from './decide.ts';

/** How stale a role assignment or principal seen by a decision can be (documented in the README). */
export const SNAPSHOT_TTL_MS = 2_000;
export const DIRECTORY_LIST_MAX = 10_000;
/** The one tenant of this server; every identity and token carries it. */
export const TENANT_ID = '00000000-0000-0000-0000-0000000d7500';

/**
 * Whether an entry was written while auth was on. With auth off anyone may create users and make
 * them Owner, so an `--auth` start refuses to trust entries written without it (or before this
 * field existed: absent counts as off) until an operator confirms them (grants-made-without-auth.ts).
 */
export interface Provenance {
  madeWithAuth?: boolean;
  /** When an operator confirmed an entry made without auth (--trust-grants-made-without-auth). */
  confirmedOn?: string;
}

export interface UserData extends Provenance {
  principalId: string;
  passwordHash: string;
  createdAt: string;
}

export interface IdentityData extends Provenance {
  principalId: string;
  clientId: string;
  tenantId: string;
  location: string;
  tags: Record<string, string>;
}

export interface AppData extends Provenance {
  location: string;
  settings: Record<string, string>;
  /** The IDENTITY_HEADER secret of the app's token endpoint. */
  identityHeader: string;
  /** Resource ids of assigned user-assigned identities. */
  userAssignedIdentities: string[];
  systemAssigned?: { principalId: string; clientId: string };
}

export interface AssignmentData extends RoleAssignment, Provenance {
  principalType: string;
  principalName: string;
  createdOn: string;
  createdBy: string;
  updatedOn: string;
  updatedBy: string;
}

export interface DirectorySnapshot {
  principals: Map<string, Principal>;
  assignments: (AssignmentData & { name: string })[];
  identitiesByClientId: Map<string, { id: string; principal: Principal }>;
}

export function identityResourceId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}/resourceGroups/${path[1]}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${path[2]}`;
}

export function appResourceId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}/resourceGroups/${path[1]}/providers/Microsoft.Web/sites/${path[2]}`;
}

export class Directory {
  readonly catalog: CatalogStore;
  readonly #now: () => number;
  #snapshot: { atMs: number; value: Promise<DirectorySnapshot> } | undefined;

  constructor(catalog: CatalogStore, now: () => number) {
    this.catalog = catalog;
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

  /** After a write through this node: the next decision reads the catalog again. */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  async #load(): Promise<DirectorySnapshot> {
    const { catalog } = this;
    const principals = new Map<string, Principal>();
    const identitiesByClientId = new Map<string, { id: string; principal: Principal }>();
    for (const user of await catalog.list<UserData>('user', [], DIRECTORY_LIST_MAX)) {
      principals.set(user.data.principalId.toLowerCase(), { id: user.data.principalId, kind: 'user', name: user.path[0] as string });
    }
    for (const identity of await catalog.list<IdentityData>('identity', [], DIRECTORY_LIST_MAX)) {
      const principal: Principal = { id: identity.data.principalId, kind: 'userAssignedIdentity', name: identity.path[2] as string };
      principals.set(principal.id.toLowerCase(), principal);
      identitiesByClientId.set(identity.data.clientId.toLowerCase(), { id: identityResourceId(identity.path), principal });
    }
    for (const app of await catalog.list<AppData>('app', [], DIRECTORY_LIST_MAX)) {
      const system = app.data.systemAssigned;
      if (system !== undefined) principals.set(system.principalId.toLowerCase(), { id: system.principalId, kind: 'systemAssignedIdentity', name: app.path[2] as string });
    }
    const assignments = (await catalog.list<AssignmentData>('roleAssignment', [], DIRECTORY_LIST_MAX)).map((e) => ({ ...e.data, name: e.path[0] as string }));
    return { principals, assignments, identitiesByClientId };
  }
}

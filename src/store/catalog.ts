/**
 * The catalog contract: the control plane's resources (subscriptions, resource groups,
 * schedulers, task hubs, retention policies), kept apart from the hot-path `Store` so that the
 * data plane never grows for the control plane's sake.
 *
 * A resource is addressed by its kind and its path of names from the subscription down:
 * subscription [sub], resourceGroup [sub, rg], scheduler [sub, rg, scheduler], taskHub and
 * retentionPolicy [sub, rg, scheduler, name]. Names compare case-insensitively (as in ARM) and
 * keep the case they were created with. The body (`data`) is opaque JSON to the store: the
 * control plane decides what it means, the store keeps it and an etag.
 *
 * Every write is atomic and durable when its promise resolves. Each write gives the entry a new
 * etag; `ifMatch` makes an update or delete conditional on the etag the caller read
 * (optimistic concurrency), failing with `PRECONDITION_FAILED` otherwise.
 */

export type CatalogKind =
  | 'subscription' | 'resourceGroup' | 'scheduler' | 'taskHub' | 'retentionPolicy'
  // Identity and access (src/control/principal-resources.ts; signing keys for src/auth): signingKey [kid], user [name], roleAssignment [name],
  // identity and app [sub, rg, name].
  | 'signingKey' | 'user' | 'roleAssignment' | 'identity' | 'app'
  // The readiness probe's one row [name] (src/health/readiness.ts): a real durable write.
  | 'readinessProbe';

/** Names from the subscription down; its length is fixed by the kind (`CATALOG_PATH_LENGTH`). */
export type CatalogPath = readonly string[];

export const CATALOG_PATH_LENGTH: Readonly<Record<CatalogKind, number>> = {
  subscription: 1,
  resourceGroup: 2,
  scheduler: 3,
  taskHub: 4,
  retentionPolicy: 4,
  signingKey: 1,
  user: 1,
  roleAssignment: 1,
  identity: 3,
  app: 3,
  readinessProbe: 1,
};

export interface CatalogEntry<T = unknown> {
  kind: CatalogKind;
  /** The names as created (their case preserved). */
  path: CatalogPath;
  etag: string;
  data: T;
}

export interface CatalogWriteOptions {
  /** The write happens only when the entry's etag is this one; else PRECONDITION_FAILED. */
  ifMatch?: string;
}

export interface CatalogStore {
  /** Adds an entry; `ALREADY_EXISTS` when one with that kind and path (any case) exists. */
  create<T>(kind: CatalogKind, path: CatalogPath, data: T): Promise<CatalogEntry<T>>;
  get<T>(kind: CatalogKind, path: CatalogPath): Promise<CatalogEntry<T> | undefined>;
  /**
   * Entries of `kind` whose path starts with `prefix` (shorter than the kind's path), ordered by
   * path (case-insensitively), at most `limit`.
   */
  list<T>(kind: CatalogKind, prefix: CatalogPath, limit: number): Promise<CatalogEntry<T>[]>;
  /** Replaces the body; `RESOURCE_NOT_FOUND` when absent, `PRECONDITION_FAILED` on an etag mismatch. */
  update<T>(kind: CatalogKind, path: CatalogPath, data: T, options?: CatalogWriteOptions): Promise<CatalogEntry<T>>;
  /** Resolves to false when there was nothing to delete; `PRECONDITION_FAILED` on an etag mismatch. */
  delete(kind: CatalogKind, path: CatalogPath, options?: CatalogWriteOptions): Promise<boolean>;
}

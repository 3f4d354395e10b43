/**
 * What every control-plane handler shares: the catalog, the engine, time, the scheduler
 * endpoints, and one serial queue. Writes run one at a time through `serial`, so checks such
 * as "the scheduler has no task hubs" or "this port is free" hold until the write is done.
 * (Several server nodes on one database will need the catalog's etags for this instead.)
 */
import type { Permission } from '../auth/roles.ts';
import { ServerError } from '../domain/errors.ts';
import type { Engine } from '../engine/engine.ts';
import { schedulerKeyFor, qualifiedHubName, type SchedulerKey } from '../engine/scheduler-key.ts';
import type { Clock } from '../lib/clock.ts';
import type { CatalogEntry, CatalogStore } from '../store/catalog.ts';
import { quote } from '../lib/quote.ts';
import { stamped, type Provenance } from './principal-resources.ts';
import type { Actor, GroupData, SchedulerData, SubscriptionData } from './resources.ts';
import type { Logger } from '../lib/logger.ts';

/** Serves a scheduler's task hubs on a data-plane port of its own (protocol/scheduler-listeners.ts). */
export interface SchedulerEndpoints {
  /** Starts listening on `port` (0: any free port); resolves to the port bound. */
  open(schedulerKey: string, port: number): Promise<number>;
  /** Stops the scheduler's listener; nothing when it has none. */
  close(schedulerKey: string): Promise<void>;
}

export interface ControlOptions {
  /** Host name put into endpoints and dashboard URLs. */
  publicHost: string;
  /** The main gRPC port: the default scheduler's endpoint. */
  grpcPort: number;
  httpPort: number;
  /** Ports for further schedulers; `ephemeral` binds any free port at every start (tests). */
  schedulerPorts: { first: number; last: number } | 'ephemeral';
  /** The listeners serve TLS (--auth or --tls-cert): endpoints and URLs say https. */
  tls?: boolean;
  /** --auth: every identity entry written records it (principal-resources.ts `Provenance`). */
  auth?: boolean;
}

export interface ControlDeps {
  catalog: CatalogStore;
  engine: Engine;
  clock: Clock;
  endpoints: SchedulerEndpoints;
  log: Logger;
}

export const DEFAULT_SUBSCRIPTION = 'default';
export const DEFAULT_GROUP = 'default';
export const DEFAULT_SCHEDULER = 'default';
export const DEFAULT_SCHEDULER_PATH: readonly string[] = [DEFAULT_SUBSCRIPTION, DEFAULT_GROUP, DEFAULT_SCHEDULER];

/** Without --auth (and for what the server makes itself) changes are recorded as made by this actor. */
export const ANONYMOUS: Actor = { name: 'anonymous', type: 'User' };

export class ControlContext {
  readonly deps: ControlDeps;
  readonly options: ControlOptions;
  /** The port each open scheduler listener is bound to, by scheduler key. */
  readonly boundPorts = new Map<string, number>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(deps: ControlDeps, options: ControlOptions) {
    this.deps = deps;
    this.options = options;
  }

  get catalog(): CatalogStore {
    return this.deps.catalog;
  }

  now(): number {
    return this.deps.clock.now();
  }

  /** Runs `write` after every write queued before it. */
  serial<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(write, write);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async requireSubscription(sub: string): Promise<CatalogEntry<SubscriptionData>> {
    const subscription = await this.catalog.get<SubscriptionData>('subscription', [sub]);
    if (subscription === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `The subscription ${quote(sub)} could not be found.`);
    return subscription;
  }

  async requireGroup(sub: string, rg: string): Promise<CatalogEntry<GroupData>> {
    await this.requireSubscription(sub);
    const group = await this.catalog.get<GroupData>('resourceGroup', [sub, rg]);
    if (group === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `Resource group ${quote(rg)} could not be found.`);
    return group;
  }

  async requireScheduler(sub: string, rg: string, name: string): Promise<CatalogEntry<SchedulerData>> {
    await this.requireGroup(sub, rg);
    const scheduler = await this.catalog.get<SchedulerData>('scheduler', [sub, rg, name]);
    if (scheduler === undefined) {
      throw new ServerError('RESOURCE_NOT_FOUND', `The scheduler ${quote(name)} in resource group ${quote(rg)} could not be found.`);
    }
    return scheduler;
  }

  /** The scheduler key of a scheduler (scheduler-key.ts); undefined for the default scheduler. */
  schedulerKeyOf(path: readonly string[]): SchedulerKey {
    const [sub, rg, name] = path as [string, string, string];
    return isDefaultScheduler(path) ? undefined : schedulerKeyFor(sub, rg, name);
  }

  endpointOf(scheduler: CatalogEntry<SchedulerData>): string {
    const schedulerKey = this.schedulerKeyOf(scheduler.path);
    const port = schedulerKey === undefined ? this.options.grpcPort : (this.boundPorts.get(schedulerKey) ?? scheduler.data.port);
    return `${this.options.tls === true ? 'https' : 'http'}://${this.options.publicHost}:${port}`;
  }

  /** `data` stamped as written now, with or without auth (principal-resources.ts `stamped`). */
  stamped<T extends Provenance>(data: T): T {
    return stamped(data, this.options.auth === true);
  }

  /** This server's HTTP base URL: the token issuer, and where the dashboard and the token endpoint are. */
  baseUrl(): string {
    return `${this.options.tls === true ? 'https' : 'http'}://${this.options.publicHost}:${this.options.httpPort}`;
  }

  /** The dashboard's page of a task hub (its route `/hubs/<data-plane hub name>`). */
  dashboardUrlOf(path: readonly string[]): string {
    const hub = qualifiedHubName(this.schedulerKeyOf(path.slice(0, 3)), path[3] as string);
    return `${this.baseUrl()}/hubs/${encodeURIComponent(hub)}`;
  }
}

export function isDefaultScheduler(path: readonly string[]): boolean {
  return DEFAULT_SCHEDULER_PATH.every((name, i) => path[i]?.toLowerCase() === name);
}

/** What a handler answers; the HTTP layer writes it as JSON, with `etag` as the ETag header. */
export interface ControlResponse {
  status: number;
  body?: unknown;
  etag?: string;
}

export function ok(body: unknown, etag?: string, status = 200): ControlResponse {
  return etag === undefined ? { status, body } : { status, body, etag };
}

/** Request parts a handler may use: checked path parameters, the JSON body, the If-Match etag, the caller. */
export interface ControlRequest {
  params: Readonly<Record<string, string>>;
  body: unknown;
  ifMatch?: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
  /** The peer address (sign-in throttling). */
  address: string | undefined;
  /** Who makes the change, for systemData and createdBy: the caller's principal with --auth. */
  actor: Actor;
  /**
   * PERMISSION_DENIED unless the caller has `permission` on the resource with id `resourceId`
   * (where that resource lives); nothing without --auth. The route's own access is checked
   * before the handler runs; handlers call this for the other resources they touch.
   */
  authorize(permission: Permission, resourceId: string): Promise<void>;
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ServerError('INVALID_ARGUMENT', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function propertiesOf(body: Record<string, unknown>): Record<string, unknown> {
  return bodyObject(body['properties']);
}

/**
 * Which task hubs exist, and which one a request addresses. A request without a `taskhub`
 * header goes to the default hub (the plain JS SDKs never send it). Unknown hubs are refused
 * unless dynamic hubs are on, in which case the first request creates the hub.
 *
 * Task hubs are control-plane resources: a hub a data-plane request makes or removes
 * (CreateTaskHub, DeleteTaskHub, a dynamic hub) goes through the control plane's catalog
 * (`TaskHubCatalog`, wired by the composition root), so both planes always see the same hubs.
 * `create` and `delete` touch the data plane only; the catalog calls them itself.
 */
import { ServerError } from '../domain/errors.ts';
import type { TaskHubName } from '../domain/instance.ts';
import { isValidTaskHubName } from '../domain/validate.ts';
import type { Clock } from '../lib/clock.ts';
import type { Store } from '../store/store.ts';
import { qualifiedHubName, splitHubName, type SchedulerKey } from './scheduler-key.ts';

/** Task hubs are the store's administration, not its work or read contract. */
type TaskHubStore = Pick<Store, 'listTaskHubs' | 'createTaskHub' | 'deleteTaskHub'>;

export interface TaskHubOptions {
  /** Hubs that exist at start (created if missing). */
  initial: readonly string[];
  /** Hub used when a request names none. */
  defaultHub: string;
  dynamic: boolean;
}

/** The control plane's side of a hub made or removed through the data plane. */
export interface TaskHubCatalog {
  /** Makes the hub exist in the catalog and on the data plane, under the control plane's rules (names, hubs per scheduler); nothing when it does. */
  create(name: string, schedulerKey: SchedulerKey): Promise<void>;
  /** Removes the hub from the data plane and the catalog. */
  delete(name: string, schedulerKey: SchedulerKey): Promise<void>;
}

export class TaskHubs {
  readonly #known = new Set<string>();
  readonly #store: TaskHubStore;
  readonly #clock: Clock;
  readonly #options: TaskHubOptions;
  /** Resolves once the control plane is up; undefined: there is none (no catalog). */
  #catalog: Promise<TaskHubCatalog | undefined> = Promise.resolve(undefined);

  constructor(store: TaskHubStore, clock: Clock, options: TaskHubOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
  }

  async load(): Promise<void> {
    for (const name of this.#options.initial) await this.create(name);
    for (const hub of await this.#store.listTaskHubs()) this.#known.add(hub);
  }

  /** Requests that make or remove hubs wait for `catalog` (the control plane starts after the listeners). */
  useCatalog(catalog: Promise<TaskHubCatalog | undefined>): void {
    this.#catalog = catalog;
  }

  /** CreateTaskHub: through the catalog; `recreateIfExists` empties a hub that exists. */
  async createTaskHub(name: string, schedulerKey: SchedulerKey, recreateIfExists: boolean): Promise<void> {
    const existed = this.has(name, schedulerKey);
    await this.#provision(name, schedulerKey);
    if (!existed || !recreateIfExists) return;
    await this.delete(qualifiedHubName(schedulerKey, name));
    await this.create(name, schedulerKey);
  }

  /** DeleteTaskHub: through the catalog; `hub` is the data-plane name. */
  async deleteTaskHub(hub: TaskHubName): Promise<void> {
    const catalog = await this.#catalog;
    if (catalog === undefined) return this.delete(hub);
    const { schedulerKey, hub: name } = splitHubName(hub);
    await catalog.delete(name, schedulerKey);
  }

  async #provision(name: string, schedulerKey: SchedulerKey): Promise<TaskHubName> {
    const catalog = await this.#catalog;
    if (catalog === undefined) return this.create(name, schedulerKey);
    // The name comes from a request's header: checked before it can reach the catalog.
    if (!isValidTaskHubName(name)) throw invalidName(name);
    await catalog.create(name, schedulerKey);
    return qualifiedHubName(schedulerKey, name);
  }

  list(): TaskHubName[] {
    return [...this.#known] as TaskHubName[];
  }

  has(name: string, schedulerKey?: SchedulerKey): boolean {
    return this.#known.has(qualifiedHubName(schedulerKey, name));
  }

  /** Idempotent. `schedulerKey` is the scheduler's (scheduler-key.ts); absent for the default scheduler. */
  async create(name: string, schedulerKey?: SchedulerKey): Promise<TaskHubName> {
    if (!isValidTaskHubName(name)) throw invalidName(name);
    const hub = qualifiedHubName(schedulerKey, name);
    if (!this.#known.has(hub)) {
      await this.#store.createTaskHub(hub, this.#clock.now());
      this.#known.add(hub);
    }
    return hub;
  }

  /** Deletes the hub and all its data; `name` is the data-plane name (as `list()` gives it). */
  async delete(name: string): Promise<void> {
    this.#known.delete(name);
    await this.#store.deleteTaskHub(name as TaskHubName);
  }

  /** The plain name a request without a `taskhub` header addresses. */
  defaultName(schedulerKey?: SchedulerKey): string {
    return schedulerKey === undefined ? this.#options.defaultHub : 'default';
  }

  /**
   * The hub a request to a scheduler's endpoint addresses; `header` is the `taskhub` metadata
   * value, if any. Without it: the configured default hub (default scheduler) or the
   * scheduler's hub named `default`. Dynamic creation applies to the default scheduler only.
   */
  async resolve(header: string | undefined, schedulerKey?: SchedulerKey): Promise<TaskHubName> {
    const known = this.known(header, schedulerKey);
    if (known !== undefined) return known;
    const name = this.#nameOf(header, schedulerKey);
    if (this.#options.dynamic && schedulerKey === undefined) return this.#provision(name, undefined);
    throw new ServerError('TASK_HUB_NOT_FOUND', `Task hub not found: '${name}'`);
  }

  /** What `resolve` gives for a hub that exists, without waiting (the per-call path); undefined for any other. */
  known(header: string | undefined, schedulerKey?: SchedulerKey): TaskHubName | undefined {
    const name = this.#nameOf(header, schedulerKey);
    const hub = qualifiedHubName(schedulerKey, name);
    // The name is checked too: a header 'a/b' must not reach scheduler a's hub b from another scheduler.
    return this.#known.has(hub) && isValidTaskHubName(name) ? hub : undefined;
  }

  #nameOf(header: string | undefined, schedulerKey: SchedulerKey): string {
    return header === undefined || header === '' ? this.defaultName(schedulerKey) : header;
  }
}

function invalidName(name: string): ServerError {
  return new ServerError('INVALID_ARGUMENT', `task hub name '${name}' is invalid: use 1-64 letters, digits and '-', starting with a letter or digit`);
}

/**
 * Which task hubs exist, and which one a request addresses. A request without a `taskhub`
 * header goes to the default hub (the plain JS SDKs never send it). Unknown hubs are refused
 * unless dynamic hubs are on, in which case the first request creates the hub.
 */
import { ServerError } from '../domain/errors.ts';
import type { TaskHubName } from '../domain/instance.ts';
import { isValidTaskHubName } from '../domain/validate.ts';
import type { Clock } from '../lib/clock.ts';
import type { Store } from '../store/store.ts';

export interface TaskHubOptions {
  /** Hubs that exist at start (created if missing). */
  initial: readonly string[];
  /** Hub used when a request names none. */
  defaultHub: string;
  dynamic: boolean;
}

export class TaskHubs {
  readonly #known = new Set<string>();
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #options: TaskHubOptions;

  constructor(store: Store, clock: Clock, options: TaskHubOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
  }

  async load(): Promise<void> {
    for (const name of this.#options.initial) await this.create(name);
    for (const hub of await this.#store.listTaskHubs()) this.#known.add(hub);
  }

  list(): TaskHubName[] {
    return [...this.#known] as TaskHubName[];
  }

  has(name: string): boolean {
    return this.#known.has(name);
  }

  async create(name: string): Promise<TaskHubName> {
    if (!isValidTaskHubName(name)) {
      throw new ServerError('INVALID_ARGUMENT', `task hub name '${name}' is invalid: use 1-64 letters, digits and '-', starting with a letter or digit`);
    }
    if (!this.#known.has(name)) {
      await this.#store.createTaskHub(name as TaskHubName, this.#clock.now());
      this.#known.add(name);
    }
    return name as TaskHubName;
  }

  async delete(name: string): Promise<void> {
    this.#known.delete(name);
    await this.#store.deleteTaskHub(name as TaskHubName);
  }

  /** The hub a request addresses; `header` is the `taskhub` metadata value, if any. */
  async resolve(header: string | undefined): Promise<TaskHubName> {
    const name = header === undefined || header === '' ? this.#options.defaultHub : header;
    if (this.#known.has(name)) return name as TaskHubName;
    if (this.#options.dynamic) return this.create(name);
    throw new ServerError('TASK_HUB_NOT_FOUND', `Task hub not found: '${name}'`);
  }
}

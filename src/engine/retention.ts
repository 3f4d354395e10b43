/**
 * The retention job: purges terminal instances whose retention has passed, per task hub and
 * status, as the schedulers' retention policies say. It works in bounded batches (one purge
 * transaction each) and yields between them, so foreground work keeps its latency, and it
 * never touches an instance that is not terminal: only COMPLETED, FAILED, TERMINATED and
 * CANCELED are ever asked for, and the store re-checks the status inside the purge.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../lib/logger.ts';

export type RetainedStatus = 'COMPLETED' | 'FAILED' | 'TERMINATED' | 'CANCELED';

export interface RetentionTarget {
  hub: TaskHubName;
  /** How long an instance in each status is kept after it completed; absent: kept for ever. */
  keepMs: Partial<Record<RetainedStatus, number>>;
}

export interface RetentionOptions {
  /** Instances purged per transaction at most. */
  batchSize: number;
  /** Batches per sweep at most; the rest waits for the next sweep. */
  batchesPerSweepMax: number;
  intervalMs: number;
}

export interface RetentionDeps {
  store: ReadModel & Pick<Store, 'purgeInstances'>;
  clock: Clock;
  targets: () => Promise<RetentionTarget[]>;
  log: Logger;
}

const RETAINED: readonly RetainedStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'];

export class RetentionJob {
  readonly #deps: RetentionDeps;
  readonly #options: RetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(deps: RetentionDeps, options: RetentionOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.sweep().catch((error: unknown) => this.#deps.log.error('retention sweep failed', { err: error })), this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass over every target; resolves to the number of instances purged. One pass at a time. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    let purged = 0;
    let batches = 0;
    for (const target of await this.#deps.targets()) {
      for (const status of RETAINED) {
        const keepMs = target.keepMs[status];
        if (keepMs === undefined) continue;
        let ofStatus = 0;
        while (batches < this.#options.batchesPerSweepMax) {
          batches++;
          const count = await this.#purgeBatch(target.hub, status, this.#deps.clock.now() - keepMs);
          ofStatus += count.purged;
          if (!count.more) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (ofStatus > 0) this.#deps.log.info(`retention purged ${ofStatus} ${status} instances of task hub '${target.hub}'`, { hub: target.hub, status, purged: ofStatus });
        purged += ofStatus;
      }
    }
    return purged;
  }

  async #purgeBatch(hub: TaskHubName, status: OrchestrationStatus, completedBefore: number): Promise<{ purged: number; more: boolean }> {
    const { store, clock } = this.#deps;
    const page = await store.listInstanceIds(hub, { statuses: [status], completedTo: completedBefore, limit: this.#options.batchSize });
    if (page.instanceIds.length === 0) return { purged: 0, more: false };
    const purged = await store.purgeInstances(hub, { instanceIds: page.instanceIds, statuses: [status] }, clock.now());
    return { purged: purged.length, more: page.next !== undefined };
  }
}

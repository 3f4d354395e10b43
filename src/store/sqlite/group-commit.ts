/**
 * Group commit: write calls that arrive together are run in ONE transaction and paid for with
 * one fsync. A call that fails (LEASE_LOST, an invariant) rolls back only itself and rejects only
 * its own promise: the batch then runs again without it, each call in its own SAVEPOINT.
 *
 * Two moments follow a COMMIT. At once, the in-memory effects of the calls (ready indexes,
 * leases) and their work wake-ups run, so the next work item goes out while the disk syncs.
 * Once the commit is durable (durability.ts syncs the WAL off the event loop) the callers are
 * answered and instance changes are announced: nobody is told of a change that could still be
 * lost. Dispatching committed work early is safe because the WAL is synced in commit order: a
 * power loss can only take back a suffix of commits, none of them acknowledged, and a worker's
 * answer to work that was taken back is a later write, refused or lost with it; the work itself
 * is dispatched again from what survived (at least once, as always).
 *
 * When to commit: a call that comes alone to a quiet store (the last batch held one call, and
 * at most one batch awaits its sync, as on an idle server running one orchestration) commits at
 * the end of the callback that made it, so its work goes out in the same turn of the event loop;
 * on the next turn it first waited for whatever else that turn read (an idle W3 step paid one
 * more turn between reading a completion and writing the next work item). Any other call
 * commits on the next turn, so the calls of every connection read in this one share the
 * transaction (with the first condition alone, calls under a steady load committed one by one,
 * at twice the server CPU per work item in W4). Under load (the last batch was large) a batch
 * queued while a sync runs waits for that sync to end, since its callers are answered only after
 * the next sync anyway: fewer, larger transactions write far fewer WAL pages per call. Its work
 * is then dispatched up to one sync later.
 *
 * better-sqlite3 is synchronous, so a whole batch runs without interleaving with anything else
 * in this process; claims never see a half-written batch.
 */
import type Database from 'better-sqlite3';
import { ServerError } from '../../domain/errors.ts';
import type { StoreEvent } from '../store.ts';
import type { Durability } from './durability.ts';

/** What one write call may do besides SQL; everything here takes effect only after COMMIT. */
export class WriteEffects {
  readonly onCommit: (() => void)[] = [];
  readonly events: StoreEvent[] = [];
  readonly #consumedInBatch: Set<string>;
  readonly #consumed: string[] = [];

  constructor(consumedInBatch: Set<string>) {
    this.#consumedInBatch = consumedInBatch;
  }

  /** Marks a lease as used up by this call, so later calls of the same batch see it as lost. */
  consumeLease(token: string): void {
    this.#consumedInBatch.add(token);
    this.#consumed.push(token);
  }

  isLeaseConsumed(token: string): boolean {
    return this.#consumedInBatch.has(token);
  }

  afterCommit(effect: () => void): void {
    this.onCommit.push(effect);
  }

  emit(event: StoreEvent): void {
    this.events.push(event);
  }

  /** The call was rolled back: its leases are not used up after all. */
  rollBack(): void {
    for (const token of this.#consumed) this.#consumedInBatch.delete(token);
  }
}

interface PendingCall {
  run(effects: WriteEffects): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface DoneCall {
  call: PendingCall;
  effects: WriteEffects;
  value: unknown;
}

/** A batch at least this large means calls arrive faster than a sync takes. */
const LOADED_BATCH_SIZE = 8;

/** What group commit needs of durability.ts (a test can drive the syncs itself). */
export type SyncSchedule = Pick<Durability, 'whenDurable' | 'afterSync' | 'unsyncedBatches'>;

export class GroupCommit {
  readonly #db: Database.Database;
  readonly #callsMax: number;
  readonly #publish: (events: StoreEvent[]) => void;
  readonly #durability: SyncSchedule;
  readonly #sql: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;
  #queue: PendingCall[] = [];
  /** The flush to come: on the next turn, or at the end of this callback ('microtask'). */
  #scheduled: NodeJS.Immediate | 'microtask' | undefined;
  /** The queue waits for the running sync to end (see #flushSoon). */
  #deferred = false;
  #lastBatchSize = 0;

  constructor(db: Database.Database, options: { callsMax: number; publish: (events: StoreEvent[]) => void; durability: SyncSchedule }) {
    this.#db = db;
    this.#callsMax = options.callsMax;
    this.#publish = options.publish;
    this.#durability = options.durability;
    this.#sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT write_call'),
      release: db.prepare('RELEASE write_call'),
      rollbackTo: db.prepare('ROLLBACK TO write_call'),
    };
  }

  /** Queues a write; `run` executes inside the next batch's transaction. */
  run<T>(run: (effects: WriteEffects) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.#deferred || this.#scheduled !== undefined) return;
      if (this.#lastBatchSize <= 1 && this.#durability.unsyncedBatches <= 1) {
        this.#scheduled = 'microtask';
        queueMicrotask(() => this.flush());
      } else this.#scheduled = setImmediate(() => this.#flushSoon());
    });
  }

  /** Commits now, or under load after the running sync (see the header). */
  #flushSoon(): void {
    this.#scheduled = undefined;
    const loaded = this.#lastBatchSize >= LOADED_BATCH_SIZE && this.#queue.length < this.#callsMax;
    if (loaded && this.#durability.afterSync(() => this.flush())) {
      this.#deferred = true;
      return;
    }
    this.flush();
  }

  /** Writes everything queued now (also used by close). */
  flush(): void {
    if (this.#scheduled !== undefined && this.#scheduled !== 'microtask') clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#deferred = false;
    if (this.#queue.length > 0) this.#lastBatchSize = Math.min(this.#queue.length, this.#callsMax);
    while (this.#queue.length > 0) {
      const batch = this.#queue.length <= this.#callsMax ? this.#queue : this.#queue.slice(0, this.#callsMax);
      this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#callsMax);
      this.#commitBatch(batch);
    }
  }

  #commitBatch(batch: PendingCall[]): void {
    try {
      this.#sql.begin.run();
    } catch (error) {
      for (const call of batch) call.reject(unavailable('could not start a transaction', error));
      return;
    }
    const done = this.#runCalls(batch);
    if (done === undefined) return;
    try {
      this.#sql.commit.run();
    } catch (error) {
      if (this.#db.inTransaction) this.#sql.rollback.run();
      for (const { call } of done) call.reject(unavailable('the transaction could not be committed', error));
      return;
    }
    for (const { effects } of done) for (const effect of effects.onCommit) effect();
    const work: StoreEvent[] = [];
    const changes: StoreEvent[] = [];
    for (const { effects } of done) for (const event of effects.events) (event.type === 'work' ? work : changes).push(event);
    if (work.length > 0) this.#publish(work);
    this.#durability.whenDurable(() => {
      if (changes.length > 0) this.#publish(changes);
      for (const { call, value } of done) call.resolve(value);
    });
  }

  /**
   * Runs the calls without savepoints: the common case, where none fails, then pays no SAVEPOINT
   * and RELEASE per call. When one fails, the transaction is rolled back, that call rejected, and
   * the others run again, each in its own savepoint. Running a call again is safe: a call changes
   * nothing but SQL and its WriteEffects, and both are discarded with the rollback. Undefined
   * when nothing is left to commit.
   */
  #runCalls(batch: PendingCall[]): DoneCall[] | undefined {
    const consumedInBatch = new Set<string>();
    const done: DoneCall[] = [];
    for (let i = 0; i < batch.length; i++) {
      const call = batch[i] as PendingCall;
      const effects = new WriteEffects(consumedInBatch);
      try {
        done.push({ call, effects, value: call.run(effects) });
      } catch (error) {
        if (!this.#db.inTransaction) return this.#lost(error, call, batch, i);
        this.#sql.rollback.run();
        call.reject(error);
        const others = [...batch.slice(0, i), ...batch.slice(i + 1)];
        if (others.length === 0) return undefined;
        try {
          this.#sql.begin.run();
        } catch (beginError) {
          for (const other of others) other.reject(unavailable('could not start a transaction', beginError));
          return undefined;
        }
        return this.#runEachInSavepoint(others);
      }
    }
    return done;
  }

  /** Runs each call in its own savepoint, so that a failing call rolls back only itself. */
  #runEachInSavepoint(batch: PendingCall[]): DoneCall[] | undefined {
    const consumedInBatch = new Set<string>();
    const done: DoneCall[] = [];
    for (let i = 0; i < batch.length; i++) {
      const call = batch[i] as PendingCall;
      const effects = new WriteEffects(consumedInBatch);
      this.#sql.savepoint.run();
      try {
        const value = call.run(effects);
        this.#sql.release.run();
        done.push({ call, effects, value });
      } catch (error) {
        if (!this.#db.inTransaction) return this.#lost(error, call, batch, i);
        this.#sql.rollbackTo.run();
        this.#sql.release.run();
        effects.rollBack();
        call.reject(error);
      }
    }
    return done;
  }

  /** SQLite rolled back the whole transaction (I/O error, disk full): every call of the batch is lost. */
  #lost(error: unknown, failed: PendingCall, batch: PendingCall[], failedIndex: number): undefined {
    failed.reject(error);
    const lost = unavailable('the transaction was rolled back by the database', error);
    for (let i = 0; i < batch.length; i++) if (i !== failedIndex) (batch[i] as PendingCall).reject(lost);
    return undefined;
  }
}

function unavailable(message: string, cause: unknown): ServerError {
  return new ServerError('UNAVAILABLE', `store: ${message}`, { cause });
}

/**
 * Makes committed transactions durable without blocking the event loop. SQLite runs with
 * `synchronous=OFF`, so COMMIT only writes the WAL frames; this module then fdatasyncs the WAL
 * file through libuv's thread pool, and a batch counts as durable (its callers are answered)
 * only after a sync that started after its COMMIT has finished. While one sync runs, the next
 * batches keep committing and share the following sync.
 *
 * SQLite's own checkpoints are off (`wal_autocheckpoint=0`): with `synchronous=OFF` they would
 * not sync the database file before the WAL is reused. `checkpointIfLarge` runs them here, with
 * `synchronous=FULL` for that one statement, so SQLite syncs the WAL and the database file in
 * the right order. A failed sync means durability is unknown: the process stops.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { InvariantError } from '../../lib/assert.ts';

const WAL_BYTES_BEFORE_CHECKPOINT = 32 * 1024 * 1024;

export class Durability {
  readonly #db: Database.Database;
  readonly #walPath: string | undefined;
  #walFd: number | undefined;
  #syncing = false;
  /** Batches the running sync makes durable. */
  #syncingBatches = 0;
  /** Batches committed since the running sync started; they wait for the next one. */
  #waiting: Array<() => void> = [];
  #afterSync: Array<() => void> = [];

  /** `path` undefined: an in-memory database, durable as soon as committed. */
  constructor(db: Database.Database, path: string | undefined) {
    this.#db = db;
    this.#walPath = path === undefined ? undefined : `${path}-wal`;
  }

  /** Calls `done` once everything committed so far is durable. */
  whenDurable(done: () => void): void {
    if (this.#walPath === undefined) {
      done();
      return;
    }
    this.#waiting.push(done);
    if (!this.#syncing) this.#startSync();
  }

  /** Batches committed and not yet durable: the running sync's and those waiting for the next. */
  get unsyncedBatches(): number {
    return this.#syncingBatches + this.#waiting.length;
  }

  /**
   * Calls `callback` once the running sync has ended, before the next one starts, so that what it
   * commits rides that next sync; false (and no call) when no sync is running.
   */
  afterSync(callback: () => void): boolean {
    if (!this.#syncing) return false;
    this.#afterSync.push(callback);
    return true;
  }

  /** Syncs what is committed now, blocking; for rare writes outside group commit (catalog, migrations). */
  syncNow(): void {
    if (this.#walPath === undefined) return;
    try {
      this.#walFd ??= openSync(this.#walPath, 'r+');
      fdatasyncSync(this.#walFd);
    } catch (error) {
      throw new InvariantError(`fdatasync of ${this.#walPath} failed: ${(error as Error).message}`);
    }
  }

  /** Waits for every committed batch to become durable (close). */
  async drain(): Promise<void> {
    while (this.#syncing || this.#waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }

  close(): void {
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#walFd = undefined;
  }

  #startSync(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#syncing = true;
    this.#syncingBatches = batch.length;
    this.#walFd ??= openSync(this.#walPath as string, 'r+');
    fdatasync(this.#walFd, (error) => {
      if (error) {
        // Whether the data reached the disk is unknown; carrying on could acknowledge lost work.
        setImmediate(() => {
          throw new InvariantError(`fdatasync of ${this.#walPath} failed: ${error.message}`);
        });
        return;
      }
      this.#syncing = false;
      this.#syncingBatches = 0;
      for (const done of batch) done();
      this.#checkpointIfLarge();
      const afterSync = this.#afterSync;
      this.#afterSync = [];
      for (const callback of afterSync) callback();
      if (!this.#syncing && this.#waiting.length > 0) this.#startSync();
    });
  }

  /** Copies the WAL into the database file once it has grown past the threshold. */
  #checkpointIfLarge(): void {
    if (this.#db.inTransaction || this.#walFd === undefined) return;
    if (fstatSync(this.#walFd).size < WAL_BYTES_BEFORE_CHECKPOINT) return;
    this.syncedCheckpoint();
  }

  /** A checkpoint with `synchronous=FULL`: SQLite syncs the WAL, copies it, syncs the database file, then truncates the WAL. */
  syncedCheckpoint(): void {
    this.#db.pragma('synchronous = FULL');
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.#db.pragma('synchronous = OFF');
    }
  }
}

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
 *
 * A checkpoint restarts the WAL instead of truncating it: SQLite then writes the next frames
 * over the old ones from the start of the file, and an fdatasync of blocks the file already has
 * costs about half the CPU and 0.7 ms less than one that must also record the file's growth
 * (ext4, measured). So the file's size no longer tells how full the WAL is; the frame at the
 * threshold does (`walFrameReached`).
 */
import { closeSync, fdatasync, fdatasyncSync, openSync, readSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { InvariantError } from '../../lib/assert.ts';

const WAL_BYTES_BEFORE_CHECKPOINT = 32 * 1024 * 1024;

/** The WAL file's layout (sqlite.org/fileformat2.html#walformat): a header, then frames of a header and one page. */
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
/** Both salts: bytes 16-23 of the WAL header, 8-15 of a frame header. A restart changes them. */
const WAL_HEADER_SALT_OFFSET = 16;
const WAL_FRAME_SALT_OFFSET = 8;
const WAL_SALT_BYTES = 8;

export class Durability {
  readonly #db: Database.Database;
  readonly #walPath: string | undefined;
  /** Where the first frame past the checkpoint threshold starts in the WAL file. */
  readonly #thresholdFrameOffset: number;
  readonly #salts = Buffer.alloc(2 * WAL_SALT_BYTES);
  #walFd: number | undefined;
  #syncing = false;
  /** Batches the running sync makes durable. */
  #syncingBatches = 0;
  /** Batches committed since the running sync started; they wait for the next one. */
  #waiting: Array<() => void> = [];
  #afterSync: Array<() => void> = [];

  /** `path` undefined: an in-memory database, durable as soon as committed. */
  constructor(db: Database.Database, path: string | undefined, walBytesBeforeCheckpoint = WAL_BYTES_BEFORE_CHECKPOINT) {
    this.#db = db;
    this.#walPath = path === undefined ? undefined : `${path}-wal`;
    const frameBytes = WAL_FRAME_HEADER_BYTES + (db.pragma('page_size', { simple: true }) as number);
    this.#thresholdFrameOffset = WAL_HEADER_BYTES + Math.ceil(walBytesBeforeCheckpoint / frameBytes) * frameBytes;
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

  /** Copies the WAL into the database file once it holds more than the threshold. */
  #checkpointIfLarge(): void {
    if (this.#db.inTransaction || this.#walFd === undefined) return;
    if (!this.#walFrameReached(this.#walFd, this.#thresholdFrameOffset)) return;
    this.syncedCheckpoint();
  }

  /**
   * True when the frame at `offset` belongs to the WAL's current contents: it carries the salts
   * of the WAL header. Frames left over from before the last restart carry older salts. Right
   * after a restart, until SQLite writes the first new frame (and header), the stale frame still
   * matches the stale header: at worst one checkpoint with nothing to copy.
   */
  #walFrameReached(fd: number, offset: number): boolean {
    const frame = readSync(fd, this.#salts, WAL_SALT_BYTES, WAL_SALT_BYTES, offset + WAL_FRAME_SALT_OFFSET);
    if (frame < WAL_SALT_BYTES) return false;
    const header = readSync(fd, this.#salts, 0, WAL_SALT_BYTES, WAL_HEADER_SALT_OFFSET);
    return header === WAL_SALT_BYTES && this.#salts.compare(this.#salts, WAL_SALT_BYTES, 2 * WAL_SALT_BYTES, 0, WAL_SALT_BYTES) === 0;
  }

  /**
   * A checkpoint with `synchronous=FULL`: SQLite syncs the WAL, copies it, syncs the database
   * file; the next write then restarts the WAL from its start (the file keeps its size).
   */
  syncedCheckpoint(): void {
    this.#db.pragma('synchronous = FULL');
    try {
      this.#db.pragma('wal_checkpoint(RESTART)');
    } finally {
      this.#db.pragma('synchronous = OFF');
    }
  }
}

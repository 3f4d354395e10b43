/**
 * Group commit against a real SQLite database, with the disk syncs driven by the test: a call
 * that comes alone to a quiet store commits before the event loop turns, the other calls of that
 * turn together on the next; a light load commits at once even while a sync runs; under load a
 * batch waits for the running sync and rides the next one; nobody is answered before a sync that
 * began after their commit has ended; a failing call rolls back only itself.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit, type SyncSchedule } from '../src/store/sqlite/group-commit.ts';

/** Syncs that end when the test says so; `whenDurable` starts one when none is running. */
class ManualSyncs implements SyncSchedule {
  running: Array<() => void> | undefined;
  #next: Array<() => void> = [];
  #afterSync: Array<() => void> = [];

  whenDurable(done: () => void): void {
    this.#next.push(done);
    if (this.running === undefined) this.#start();
  }

  get unsyncedBatches(): number {
    return (this.running?.length ?? 0) + this.#next.length;
  }

  afterSync(callback: () => void): boolean {
    if (this.running === undefined) return false;
    this.#afterSync.push(callback);
    return true;
  }

  /** Ends the running sync: its batches are durable; what waited for it commits; the next sync starts. */
  end(): void {
    const done = this.running ?? [];
    this.running = undefined;
    for (const callback of done) callback();
    const after = this.#afterSync;
    this.#afterSync = [];
    for (const callback of after) callback();
    if (this.running === undefined && this.#next.length > 0) this.#start();
  }

  #start(): void {
    this.running = this.#next;
    this.#next = [];
  }
}

function setUp(): { db: Database.Database; syncs: ManualSyncs; commit: GroupCommit; insert: (n: number) => Promise<number>; rows: () => number[] } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (n INTEGER)');
  const syncs = new ManualSyncs();
  const commit = new GroupCommit(db, { callsMax: 1000, publish: () => {}, durability: syncs });
  const statement = db.prepare('INSERT INTO t (n) VALUES (?)');
  const insert = (n: number) => commit.run(() => (statement.run(n), n));
  const rows = () => db.prepare('SELECT n FROM t ORDER BY n').pluck().all() as number[];
  return { db, syncs, commit, insert, rows };
}

/** Tracks which promises have settled. */
function settled(promises: Promise<number>[]): Set<number> {
  const done = new Set<number>();
  for (const promise of promises) void promise.then((n) => done.add(n));
  return done;
}

describe('sqlite group commit', () => {
  test('a call that comes alone to a quiet store commits at the end of its callback; others wait for the next turn', async () => {
    const { syncs, insert, rows } = setUp();
    const seen: number[][] = [];
    // Four callbacks of one turn of the event loop, as when four connections are read at once.
    setImmediate(() => void insert(1));
    for (const n of [2, 3, 4]) {
      setImmediate(() => {
        seen.push(rows());
        void insert(n);
      });
    }
    await nextTurn();
    assert.deepEqual(seen, [[1], [1, 2], [1, 2]], 'committed at the end of their callbacks while at most one batch awaited its sync');
    await nextTurn();
    assert.deepEqual(rows(), [1, 2, 3, 4], 'the others committed together on the next turn');
    syncs.end();
    syncs.end();
    void insert(5);
    await Promise.resolve();
    assert.deepEqual(rows(), [1, 2, 3, 4], 'the last batch held two: a call waits for the next turn even alone');
    await nextTurn();
    assert.deepEqual(rows(), [1, 2, 3, 4, 5]);
    syncs.end();
    void insert(6);
    await Promise.resolve();
    assert.deepEqual(rows(), [1, 2, 3, 4, 5, 6], 'the last batch held one and every batch is durable: a call alone commits at once again');
  });

  test('a light load commits at once while a sync runs; each call is answered after a later sync', async () => {
    const { syncs, insert, rows } = setUp();
    const first = settled([insert(1)]);
    await nextTurn();
    assert.deepEqual(rows(), [1]);
    assert.ok(syncs.running !== undefined);
    const second = settled([insert(2)]);
    await nextTurn();
    assert.deepEqual(rows(), [1, 2], 'a small batch does not wait for the running sync');
    assert.equal(first.size, 0, 'not answered before its sync ended');
    syncs.end();
    await nextTurn();
    assert.deepEqual([...first], [1]);
    assert.equal(second.size, 0, 'committed during the first sync: waits for the second');
    syncs.end();
    await nextTurn();
    assert.deepEqual([...second], [2]);
  });

  test('under load a batch waits for the running sync, then commits in one transaction and rides the next sync', async () => {
    const { db, syncs, insert, rows } = setUp();
    const burst = Array.from({ length: 10 }, (_, i) => insert(i));
    await nextTurn();
    assert.equal(rows().length, 10);
    const changesBefore = db.prepare('SELECT total_changes()').pluck().get() as number;
    const waiting = [insert(100)];
    await nextTurn();
    waiting.push(insert(101));
    await nextTurn();
    assert.equal(rows().length, 10, 'nothing of the next batch is committed while the sync runs');
    const answered = settled([...burst, ...waiting]);
    syncs.end();
    assert.deepEqual(rows().slice(10), [100, 101], 'committed as soon as the sync ended');
    assert.equal((db.prepare('SELECT total_changes()').pluck().get() as number) - changesBefore, 2);
    await nextTurn();
    assert.equal(answered.size, 10, 'the burst is answered; the deferred calls wait for their own sync');
    syncs.end();
    await nextTurn();
    assert.equal(answered.size, 12);
  });

  test('a call that fails rolls back only itself: the rest of its batch commits, each write once', async () => {
    const { db, syncs, commit, insert, rows } = setUp();
    const statement = db.prepare('INSERT INTO t (n) VALUES (?)');
    const failing = (n: number) => commit.run(() => {
      statement.run(n);
      throw new Error(`call ${n} fails after writing`);
    });
    const calls = [insert(1), failing(2), insert(3), failing(4), insert(5)];
    const outcomes = Promise.allSettled(calls);
    await nextTurn();
    assert.deepEqual(rows(), [1, 3, 5]);
    syncs.end();
    const results = await outcomes;
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /call 2 fails/);

    const alone = failing(6);
    await assert.rejects(alone, /call 6 fails/);
    assert.deepEqual(rows(), [1, 3, 5]);
    assert.equal(db.inTransaction, false);
    const after = insert(7);
    await nextTurn();
    syncs.end();
    assert.equal(await after, 7);
    assert.deepEqual(rows(), [1, 3, 5, 7]);
  });

  test('flush writes a deferred batch at once (close)', async () => {
    const { commit, insert, rows } = setUp();
    for (let i = 0; i < 10; i++) void insert(i);
    await nextTurn();
    void insert(100);
    await nextTurn();
    assert.equal(rows().length, 10);
    commit.flush();
    assert.equal(rows().length, 11);
  });
});

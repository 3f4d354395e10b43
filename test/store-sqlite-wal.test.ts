/**
 * The SQLite WAL under durability.ts: checkpoints restart the WAL rather than truncate it, so
 * the file is written over from its start instead of growing again (cheaper syncs), and its
 * size stays bounded by the checkpoint threshold. A `kill -9` after many restarts loses no row
 * that was acknowledged as durable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { ChildHandle } from './support/child-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'dts-sqlite-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const THRESHOLD_BYTES = 256 * 1024;
/** Rows acknowledged before the kill: each writes about one page, so some twenty checkpoints. */
const ACKED_BEFORE_KILL = 1200;

test('the WAL is reused after each checkpoint, stays bounded, and kill -9 loses no acknowledged row', { timeout: 120_000 }, async () => {
  const path = join(dir, 'wal.db');
  const walSizes: number[] = [];
  let lastAcked = -1;
  const writer = new ChildHandle(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/sqlite-wal-writer.ts'), path, String(THRESHOLD_BYTES)], {
    cwd: join(import.meta.dirname, '..'),
    label: 'wal-writer',
    onStdoutLine: (line) => {
      const match = /^acked (\d+) (\d+)$/.exec(line);
      if (match === null) return;
      lastAcked = Number(match[1]);
      walSizes.push(Number(match[2]));
    },
  });
  try {
    await writer.waitForLine(new RegExp(`^acked ${ACKED_BEFORE_KILL} `), 90_000);
  } catch (error) {
    throw new Error(`${String(error)}\n${writer.describeOutput()}`, { cause: error });
  }
  assert.equal((await writer.kill9()).signal, 'SIGKILL');

  const largest = Math.max(...walSizes);
  assert.ok(largest > THRESHOLD_BYTES, `the WAL reached ${largest} bytes, never the threshold: no checkpoint was exercised`);
  assert.ok(largest <= THRESHOLD_BYTES + 64 * 1024, `the WAL grew to ${largest} bytes, past its threshold of ${THRESHOLD_BYTES}`);
  const shrank = walSizes.findIndex((size, i) => i > 0 && size < (walSizes[i - 1] as number));
  assert.equal(shrank, -1, `the WAL file shrank at ack ${shrank}: it was truncated instead of reused`);

  const db = new Database(path);
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const ids = db.prepare<[], number>('SELECT id FROM rows ORDER BY id').pluck().all();
    assert.ok(ids.length > lastAcked, `${ids.length} rows survived, ${lastAcked + 1} were acknowledged`);
    ids.forEach((id, i) => assert.equal(id, i));
  } finally {
    db.close();
  }
});

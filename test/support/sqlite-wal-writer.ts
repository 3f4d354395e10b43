/**
 * A child process for test/store-sqlite-wal.test.ts: writes rows to a SQLite file, one
 * transaction each, made durable by durability.ts with a small checkpoint threshold, and prints
 * `acked <i> <WAL file bytes>` once row i is durable. It writes until it is killed.
 *
 * Usage: node --import tsx sqlite-wal-writer.ts <database path> <WAL bytes before a checkpoint>
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Durability } from '../../src/store/sqlite/durability.ts';
import { configureConnection } from '../../src/store/sqlite/schema.ts';

const [path, threshold] = process.argv.slice(2);
if (path === undefined || threshold === undefined) throw new Error('usage: sqlite-wal-writer <database path> <WAL bytes before a checkpoint>');
const db = new Database(path, { timeout: 0 });
configureConnection(db, path);
db.exec('CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
const durability = new Durability(db, path, Number(threshold));
const insert = db.prepare('INSERT INTO rows (id, data) VALUES (?, ?)');
for (let i = 0; ; i++) {
  db.transaction(() => insert.run(i, randomBytes(3000))).immediate();
  await new Promise<void>((resolve) => durability.whenDurable(resolve));
  console.log(`acked ${i} ${statSync(`${path}-wal`).size}`);
}

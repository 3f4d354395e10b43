/**
 * The SQLite schema and its versioned migrations. Operators see this schema, so it changes only
 * by appending a migration; applied migrations are never edited. A migration marked `breaking`
 * is one that older servers cannot run against; the version table lets them refuse to start.
 */
import type Database from 'better-sqlite3';
import { ServerError } from '../../domain/errors.ts';

interface Migration {
  version: number;
  breaking: boolean;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    breaking: false,
    sql: `
      CREATE TABLE task_hubs (
        name TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE instances (
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        execution_id TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_updated_at INTEGER NOT NULL,
        completed_at INTEGER,
        scheduled_start_at INTEGER,
        input TEXT,
        output TEXT,
        custom_status TEXT,
        failure_details TEXT,
        parent_instance_id TEXT,
        tags TEXT,
        PRIMARY KEY (hub, instance_id)
      );
      CREATE INDEX instances_by_status ON instances (hub, status, created_at);
      CREATE INDEX instances_by_created ON instances (hub, created_at);
      CREATE TABLE history (
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (hub, instance_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        execution_id TEXT,
        visible_at INTEGER NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX inbox_by_instance ON inbox (hub, instance_id, seq);
      CREATE TABLE activity_tasks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        execution_id TEXT NOT NULL,
        task_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        visible_at INTEGER NOT NULL
      );
      CREATE INDEX activity_tasks_by_instance ON activity_tasks (hub, instance_id);
    `,
  },
  {
    // Management queries (QueryInstances, ListInstanceIds, purge by filter) page by key sets
    // that end in instance_id; these indexes serve them in order. They supersede the two
    // created-time indexes of version 1.
    version: 2,
    breaking: false,
    sql: `
      CREATE INDEX instances_by_created_id ON instances (hub, created_at, instance_id);
      CREATE INDEX instances_by_status_created_id ON instances (hub, status, created_at, instance_id);
      CREATE INDEX instances_by_completed ON instances (hub, completed_at, instance_id) WHERE completed_at IS NOT NULL;
      DROP INDEX instances_by_created;
      DROP INDEX instances_by_status;
    `,
  },
  {
    // The control plane's catalog (src/store/catalog.ts). path_key is the lower-cased path of
    // names joined by '/', so a prefix is a key range and names compare case-insensitively.
    version: 3,
    breaking: false,
    sql: `
      CREATE TABLE catalog_entries (
        kind TEXT NOT NULL,
        path_key TEXT NOT NULL,
        path TEXT NOT NULL,
        etag TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (kind, path_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Durable entities: one row per entity (state and lock) and a FIFO inbox per entity. A
    // deferred inbox row waits behind another orchestration's lock and keeps its place.
    version: 4,
    breaking: false,
    sql: `
      CREATE TABLE entities (
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        state TEXT,
        locked_by TEXT,
        critical_section_id TEXT,
        last_modified_at INTEGER NOT NULL,
        PRIMARY KEY (hub, instance_id)
      ) WITHOUT ROWID;
      CREATE TABLE entity_inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        hub TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        deferred INTEGER NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX entity_inbox_by_entity ON entity_inbox (hub, instance_id, deferred, seq);
    `,
  },
  {
    // The dashboard's list sorted by last update (queryInstancesByLastUpdate): one ordered range
    // per status. Every instance update now also moves one entry of this index.
    version: 5,
    breaking: false,
    sql: `
      CREATE INDEX instances_by_status_updated ON instances (hub, status, last_updated_at, instance_id);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Connection settings. WAL with `synchronous=FULL` fsyncs every commit before it returns, so a
 * resolved write survives a power cut. `locking_mode=EXCLUSIVE` makes this process the only
 * one that can open the file: a second server fails at once instead of corrupting leases,
 * which live in this process's memory.
 */
export function configureConnection(db: Database.Database, path: string): void {
  const inMemory = path === ':memory:' || path === '';
  try {
    if (!inMemory) {
      db.pragma('locking_mode = EXCLUSIVE');
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new ServerError('UNAVAILABLE', `the database file ${path} cannot use WAL journaling (got ${String(mode)})`);
    }
    // Commits write the WAL without syncing; durability.ts syncs it off the event loop and runs
    // the checkpoints itself, so SQLite's own (unsynced under OFF) checkpoints are disabled.
    db.pragma(inMemory ? 'synchronous = FULL' : 'synchronous = OFF');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('foreign_keys = OFF');
    db.pragma('temp_store = MEMORY');
    // 16 MB of page cache: the hot set is the instances in flight; colder pages come from the OS cache.
    db.pragma('cache_size = -16384');
    // Take the exclusive lock now rather than on the first write.
    if (!inMemory) db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      const message = `the database file ${path} is in use by another process (each database file is owned by one server)`;
      throw new ServerError('UNAVAILABLE', message, { cause: error });
    }
    throw error;
  }
}

/** Applies the migrations this database lacks, each in its own transaction. */
export function migrateSchema(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, breaking INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    const message = `the database schema is at version ${current}, newer than this server supports (${SCHEMA_VERSION}); upgrade the server`;
    throw new ServerError('FAILED_PRECONDITION', message);
  }
  const record = db.prepare('INSERT INTO schema_version (version, breaking) VALUES (?, ?)');
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.breaking ? 1 : 0);
    }).immediate();
  }
}

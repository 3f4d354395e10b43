/**
 * The PostgreSQL schema and its versioned migrations, applied on start. Several nodes may start
 * at once: the migration runs in one transaction under a transaction-scoped advisory lock, so
 * one node migrates and the others wait, then find the schema current. Applied migrations are
 * never edited; a change appends one. A database newer than this server is refused.
 *
 * Leases live in the rows (several nodes share them): `lease_token`/`lease_expires_at` on
 * instances and activity tasks. `claimable_at` is when an instance can next be claimed: the
 * earliest visible_at of its inbox, or the expiry of its lease while it is leased; NULL with an
 * empty inbox. `ready_seq` orders instances claimable at the same time (FIFO of arrival).
 * Activity tasks use `visible_at` the same way (set to the lease expiry while leased).
 */
import type pg from 'pg';
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
        name text PRIMARY KEY,
        created_at bigint NOT NULL
      );
      CREATE TABLE instances (
        hub text NOT NULL,
        instance_id text NOT NULL,
        execution_id text NOT NULL,
        name text NOT NULL,
        version text,
        status text NOT NULL,
        created_at bigint NOT NULL,
        last_updated_at bigint NOT NULL,
        completed_at bigint,
        scheduled_start_at bigint,
        input text,
        output text,
        custom_status text,
        failure_details text,
        parent_instance_id text,
        tags text,
        claimable_at bigint,
        ready_seq bigint,
        lease_token text,
        lease_expires_at bigint,
        lease_seqs bigint[],
        lease_attempt integer NOT NULL DEFAULT 0,
        PRIMARY KEY (hub, instance_id)
      );
      CREATE INDEX instances_claimable ON instances (hub, claimable_at, ready_seq) WHERE claimable_at IS NOT NULL;
      CREATE INDEX instances_by_lease ON instances (lease_token) WHERE lease_token IS NOT NULL;
      CREATE INDEX instances_by_status ON instances (hub, status, created_at);
      CREATE INDEX instances_by_created ON instances (hub, created_at);
      CREATE TABLE history (
        hub text NOT NULL,
        instance_id text NOT NULL,
        seq integer NOT NULL,
        event text NOT NULL,
        PRIMARY KEY (hub, instance_id, seq)
      );
      CREATE TABLE inbox (
        seq bigserial PRIMARY KEY,
        hub text NOT NULL,
        instance_id text NOT NULL,
        execution_id text,
        visible_at bigint NOT NULL,
        event text NOT NULL
      );
      CREATE INDEX inbox_by_instance ON inbox (hub, instance_id, seq);
      CREATE INDEX inbox_by_visible ON inbox (hub, visible_at);
      CREATE TABLE activity_tasks (
        seq bigserial PRIMARY KEY,
        hub text NOT NULL,
        instance_id text NOT NULL,
        execution_id text NOT NULL,
        task_id integer NOT NULL,
        payload text NOT NULL,
        visible_at bigint NOT NULL,
        lease_token text,
        lease_expires_at bigint,
        lease_attempt integer NOT NULL DEFAULT 0
      );
      CREATE INDEX activity_tasks_ready ON activity_tasks (hub, visible_at, seq);
      CREATE INDEX activity_tasks_by_instance ON activity_tasks (hub, instance_id);
      CREATE INDEX activity_tasks_by_lease ON activity_tasks (lease_token) WHERE lease_token IS NOT NULL;
    `,
  },
  {
    version: 2,
    breaking: false,
    sql: `
      CREATE INDEX instances_by_status_created ON instances (hub, status, created_at, instance_id COLLATE "C");
      CREATE INDEX instances_by_created_id ON instances (hub, created_at, instance_id COLLATE "C");
      CREATE INDEX instances_by_completed ON instances (hub, completed_at, instance_id COLLATE "C") WHERE completed_at IS NOT NULL;
    `,
  },
  {
    // Durable entities: the state row, the queue row (ready time and lease; entities exist
    // implicitly, so it is created by the first message) and the FIFO inbox.
    version: 3,
    breaking: false,
    sql: `
      CREATE TABLE entities (
        hub text NOT NULL,
        instance_id text NOT NULL,
        state text,
        locked_by text,
        critical_section_id text,
        last_modified_at bigint NOT NULL,
        PRIMARY KEY (hub, instance_id)
      );
      CREATE TABLE entity_queues (
        hub text NOT NULL,
        instance_id text NOT NULL,
        claimable_at bigint,
        ready_seq bigint,
        lease_token text,
        lease_expires_at bigint,
        lease_seqs bigint[],
        lease_attempt integer NOT NULL DEFAULT 0,
        PRIMARY KEY (hub, instance_id)
      );
      CREATE INDEX entity_queues_claimable ON entity_queues (hub, claimable_at, ready_seq) WHERE claimable_at IS NOT NULL;
      CREATE INDEX entity_queues_by_lease ON entity_queues (lease_token) WHERE lease_token IS NOT NULL;
      CREATE TABLE entity_inbox (
        seq bigserial PRIMARY KEY,
        hub text NOT NULL,
        instance_id text NOT NULL,
        visible_at bigint NOT NULL,
        deferred boolean NOT NULL,
        event text NOT NULL
      );
      CREATE INDEX entity_inbox_by_entity ON entity_inbox (hub, instance_id, seq);
      CREATE INDEX entity_inbox_by_visible ON entity_inbox (hub, visible_at);
    `,
  },
  {
    // The control plane's catalog (src/store/catalog.ts). path_key is the lower-cased path of
    // names joined by '/', so a prefix is a key range and names compare case-insensitively.
    version: 4,
    breaking: false,
    sql: `
      CREATE TABLE catalog_entries (
        kind text NOT NULL,
        path_key text COLLATE "C" NOT NULL,
        path text NOT NULL,
        etag text NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (kind, path_key)
      );
    `,
  },
  {
    // Version 2's indexes extend these two; every instance update paid for both twice.
    version: 5,
    breaking: false,
    sql: `
      DROP INDEX instances_by_status;
      DROP INDEX instances_by_created;
    `,
  },
  {
    // The queue tables are updated or emptied at every step of every orchestration; vacuumed at
    // PostgreSQL's default 20 % of dead rows, their lookups slowed down tenfold within a minute
    // (every claim and completion walks the dead versions). Vacuum them early and without pauses.
    version: 6,
    breaking: false,
    sql: `
      ALTER TABLE instances SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE inbox SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE activity_tasks SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE entity_queues SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE entity_inbox SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
    `,
  },
  {
    // The dashboard's list sorted by last update (queryInstancesByLastUpdate): one ordered range
    // per status. Every instance update now also moves one entry of this index.
    version: 7,
    breaking: false,
    sql: `
      CREATE INDEX instances_by_status_updated ON instances (hub, status, last_updated_at, instance_id COLLATE "C");
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** An arbitrary constant naming the migration lock among all advisory locks of the database. */
const MIGRATION_LOCK_KEY = 0x64747331;

/** Applies the migrations this database lacks, in one transaction under the advisory lock. */
export async function migrateSchema(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, breaking boolean NOT NULL)');
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
  const current = rows[0]?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    const message = `the database schema is at version ${current}, newer than this server supports (${SCHEMA_VERSION}); upgrade the server`;
    throw new ServerError('FAILED_PRECONDITION', message);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_version (version, breaking) VALUES ($1, $2)', [migration.version, migration.breaking]);
  }
}

/**
 * SQL for durable entities on PostgreSQL. Entities exist implicitly, so the lease and the ready
 * time live in their own row (`entity_queues`), created by the first message, next to the state
 * row (`entities`) and the FIFO inbox (`entity_inbox`, where a deferred row keeps its place but
 * is not delivered). Claims, leases and `claimable_at` work exactly as for instances.
 */
import { ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { EntityMetadataRecord, EntityPage, EntityQuery } from '../read-model.ts';
import type {
  ClaimOptions, ClaimResult, EntityCompletion, EntityMessage, EntityRecord, EntityWorkItem, LeaseToken, StoredEntityMessage,
} from '../work-store.ts';
import { parseEvent } from '../rows.ts';
import type { Sql } from './connection.ts';
import { createInstance, queueMessage, type Tx } from './instance-sql.ts';

interface EntityRow {
  instance_id: string;
  state: string | null;
  locked_by: string | null;
  critical_section_id: string | null;
  last_modified_at: number;
  backlog?: number;
}

const NEXT_CLAIMABLE = `(claimable_at, ready_seq) = (SELECT visible_at, seq FROM entity_inbox m
  WHERE m.hub = q.hub AND m.instance_id = q.instance_id AND NOT m.deferred ORDER BY visible_at, seq LIMIT 1)`;

function toEntityRecord(row: EntityRow): EntityRecord {
  const entity: EntityRecord = { instanceId: row.instance_id, lastModifiedAt: row.last_modified_at };
  if (row.state !== null) entity.state = row.state;
  if (row.locked_by !== null) entity.lockedBy = row.locked_by;
  if (row.critical_section_id !== null) entity.criticalSectionId = row.critical_section_id;
  return entity;
}

export async function queueEntityMessage(tx: Tx, hub: TaskHubName, message: EntityMessage): Promise<void> {
  await tx.sql.query(
    `WITH inserted AS (
       INSERT INTO entity_inbox (hub, instance_id, visible_at, deferred, event) VALUES ($1, $2, $3, false, $4) RETURNING seq
     )
     INSERT INTO entity_queues AS q (hub, instance_id, claimable_at, ready_seq) SELECT $1, $2, $3, seq FROM inserted
     ON CONFLICT (hub, instance_id) DO UPDATE SET
       claimable_at = CASE WHEN q.lease_token IS NULL AND (q.claimable_at IS NULL OR excluded.claimable_at < q.claimable_at) THEN excluded.claimable_at ELSE q.claimable_at END,
       ready_seq = CASE WHEN q.lease_token IS NULL AND (q.claimable_at IS NULL OR excluded.claimable_at < q.claimable_at) THEN excluded.ready_seq ELSE q.ready_seq END`,
    [hub, message.instanceId, message.visibleAt, JSON.stringify(message.event)],
  );
  tx.events.push({ type: 'work', hub, kind: 'entity', visibleAt: message.visibleAt });
}

/**
 * Picks ready entities with SKIP LOCKED, reads their visible, not deferred messages (at most
 * messagesMax each, FIFO) and state rows, and leases those that still have messages; a picked
 * entity with none visible after all gets its claimable time corrected instead.
 */
export async function claimEntities(sql: Sql, ids: IdSource, hub: TaskHubName, options: ClaimOptions & { messagesMax: number }): Promise<ClaimResult<EntityWorkItem>> {
  const { now, limit, leaseMs, messagesMax } = options;
  invariant(Number.isFinite(now) && Number.isInteger(limit) && limit >= 0, 'claimEntityWork needs a finite now and a non-negative limit');
  invariant(Number.isInteger(messagesMax) && messagesMax > 0 && leaseMs > 0, 'claim messagesMax and leaseMs must be positive');
  const items: EntityWorkItem[] = [];
  if (limit > 0) {
    const picked = await pickEntities(sql, hub, now, limit);
    const entityIds = picked.map((r) => r.instance_id);
    const byEntity = await visibleEntityMessages(sql, hub, entityIds, now, messagesMax);
    const stateOf = await entityRows(sql, hub, entityIds);
    const expiresAt = now + leaseMs;
    const leased: EntityLease[] = [];
    for (const row of picked) {
      const visible = byEntity.get(row.instance_id);
      if (visible === undefined) {
        await sql.query(`UPDATE entity_queues q SET ${NEXT_CLAIMABLE} WHERE hub = $1 AND instance_id = $2`, [hub, row.instance_id]);
        continue;
      }
      const token = ids.token() as LeaseToken;
      leased.push({ id: row.instance_id, token, seqs: `{${visible.map((m) => m.seq).join(',')}}` });
      const item: EntityWorkItem = { hub, instanceId: row.instance_id, messages: visible, lease: { token, expiresAt, attempt: row.lease_attempt + 1 } };
      const entity = stateOf.get(row.instance_id);
      if (entity !== undefined) item.entity = entity;
      items.push(item);
    }
    await leaseEntities(sql, hub, leased, expiresAt);
  }
  if (items.length === limit) return { items };
  const at = await nextEntityAt(sql, hub, now);
  return at === undefined ? { items } : { items, nextVisibleAt: at };
}

async function pickEntities(sql: Sql, hub: TaskHubName, now: number, limit: number): Promise<{ instance_id: string; lease_attempt: number }[]> {
  const { rows } = await sql.query<{ instance_id: string; lease_attempt: number }>(
    `SELECT instance_id, lease_attempt FROM entity_queues
     WHERE hub = $1 AND claimable_at <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2)
     ORDER BY claimable_at, ready_seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [hub, now, limit],
  );
  return rows;
}

/** The visible, not deferred messages of each entity, FIFO, at most `messagesMax` each; entities with none are absent. */
async function visibleEntityMessages(sql: Sql, hub: TaskHubName, entityIds: string[], now: number, messagesMax: number): Promise<Map<string, StoredEntityMessage[]>> {
  const { rows } = await sql.query<{ seq: number; instance_id: string; visible_at: number; event: string }>(
    `SELECT seq, instance_id, visible_at, event FROM (
       SELECT seq, instance_id, visible_at, event, row_number() OVER (PARTITION BY instance_id ORDER BY seq) AS n
       FROM entity_inbox WHERE hub = $1 AND instance_id = ANY($2::text[]) AND NOT deferred AND visible_at <= $3
     ) m WHERE n <= $4 ORDER BY instance_id, seq`,
    [hub, entityIds, now, messagesMax],
  );
  const byEntity = new Map<string, StoredEntityMessage[]>();
  for (const row of rows) {
    const event = parseEvent(row.event, `${hub}/${row.instance_id} entity inbox seq ${row.seq}`);
    const list = byEntity.get(row.instance_id) ?? [];
    list.push({ seq: row.seq, instanceId: row.instance_id, visibleAt: row.visible_at, event });
    byEntity.set(row.instance_id, list);
  }
  return byEntity;
}

async function entityRows(sql: Sql, hub: TaskHubName, entityIds: string[]): Promise<Map<string, EntityRecord>> {
  const { rows } = await sql.query<EntityRow>(
    'SELECT instance_id, state, locked_by, critical_section_id, last_modified_at FROM entities WHERE hub = $1 AND instance_id = ANY($2::text[])',
    [hub, entityIds],
  );
  return new Map(rows.map((row) => [row.instance_id, toEntityRecord(row)]));
}

/** A lease to record: `seqs` is the delivered messages as a PostgreSQL array literal. */
interface EntityLease {
  id: string;
  token: LeaseToken;
  seqs: string;
}

async function leaseEntities(sql: Sql, hub: TaskHubName, leased: readonly EntityLease[], expiresAt: number): Promise<void> {
  if (leased.length === 0) return;
  await sql.query(
    `UPDATE entity_queues q SET lease_token = u.token, lease_expires_at = $3, claimable_at = $3, lease_seqs = u.seqs::bigint[],
       lease_attempt = q.lease_attempt + 1
     FROM unnest($2::text[], $4::text[], $5::text[]) AS u(instance_id, token, seqs) WHERE q.hub = $1 AND q.instance_id = u.instance_id`,
    [hub, leased.map((l) => l.id), expiresAt, leased.map((l) => l.token), leased.map((l) => l.seqs)],
  );
}

/** The earliest future time entity work (a message or a lease expiry) becomes claimable, after `now`. */
async function nextEntityAt(sql: Sql, hub: TaskHubName, now: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ at: number | null }>(
    `SELECT least((SELECT min(visible_at) FROM entity_inbox WHERE hub = $1 AND visible_at > $2 AND NOT deferred),
                  (SELECT min(claimable_at) FROM entity_queues WHERE hub = $1 AND claimable_at > $2)) AS at`,
    [hub, now],
  );
  return rows[0]?.at ?? undefined;
}

async function heldEntity(sql: Sql, hub: string, token: LeaseToken, now: number): Promise<{ instanceId: string; seqs: number[] }> {
  const { rows } = await sql.query<{ instance_id: string; lease_seqs: number[] | null }>(
    'SELECT instance_id, lease_seqs FROM entity_queues WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3 FOR UPDATE',
    [hub, token, now],
  );
  const row = rows[0];
  if (row === undefined) throw new ServerError('LEASE_LOST', 'the entity work item lease is no longer held (expired, released or taken by another claim)');
  return { instanceId: row.instance_id, seqs: (row.lease_seqs ?? []).map(Number) };
}

async function releaseEntity(tx: Tx, hub: TaskHubName, instanceId: string, completed: boolean): Promise<void> {
  const { rows } = await tx.sql.query<{ claimable_at: number | null }>(
    `UPDATE entity_queues q SET lease_token = NULL, lease_expires_at = NULL, lease_seqs = NULL,
       lease_attempt = CASE WHEN $3 THEN 0 ELSE lease_attempt END, ${NEXT_CLAIMABLE}
     WHERE hub = $1 AND instance_id = $2 RETURNING claimable_at`,
    [hub, instanceId, completed],
  );
  const at = rows[0]?.claimable_at;
  if (at !== undefined && at !== null) tx.events.push({ type: 'work', hub, kind: 'entity', visibleAt: at });
}

export async function completeEntity(tx: Tx, hub: TaskHubName, completion: EntityCompletion, now: number): Promise<void> {
  const { instanceId } = await heldEntity(tx.sql, hub, completion.lease, now);
  const params = [hub, instanceId];
  if (completion.consumedSeqs.length > 0) {
    await tx.sql.query('DELETE FROM entity_inbox WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[])', [...params, completion.consumedSeqs]);
  }
  if (completion.deferredSeqs.length > 0) {
    await tx.sql.query('UPDATE entity_inbox SET deferred = true WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[])', [...params, completion.deferredSeqs]);
  }
  if (completion.releaseDeferred) await tx.sql.query('UPDATE entity_inbox SET deferred = false WHERE hub = $1 AND instance_id = $2 AND deferred', params);
  const entity = completion.entity;
  if (entity === undefined) await tx.sql.query('DELETE FROM entities WHERE hub = $1 AND instance_id = $2', params);
  else {
    await tx.sql.query(
      `INSERT INTO entities (hub, instance_id, state, locked_by, critical_section_id, last_modified_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (hub, instance_id) DO UPDATE SET state = excluded.state, locked_by = excluded.locked_by,
         critical_section_id = excluded.critical_section_id, last_modified_at = excluded.last_modified_at`,
      [...params, entity.state ?? null, entity.lockedBy ?? null, entity.criticalSectionId ?? null, entity.lastModifiedAt],
    );
  }
  await releaseEntity(tx, hub, instanceId, true);
  for (const create of completion.orchestrations) await createInstance(tx, hub, create);
  for (const message of completion.orchestrationMessages) await queueMessage(tx, hub, message);
  for (const message of completion.entityMessages) await queueEntityMessage(tx, hub, message);
}

/** The delivered messages are held back until `retryAt`; later ones are not (as for orchestrations). */
export async function abandonEntity(tx: Tx, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): Promise<void> {
  const { instanceId, seqs } = await heldEntity(tx.sql, hub, token, now);
  await tx.sql.query(
    'UPDATE entity_inbox SET visible_at = greatest(visible_at, $4) WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[])',
    [hub, instanceId, seqs, retryAt],
  );
  await releaseEntity(tx, hub, instanceId, false);
}

const BACKLOG = '(SELECT count(*) FROM entity_inbox m WHERE m.hub = e.hub AND m.instance_id = e.instance_id)::int AS backlog';

function withBacklog(row: EntityRow): EntityMetadataRecord {
  return { ...toEntityRecord(row), backlogQueueSize: row.backlog ?? 0 };
}

export async function getEntity(sql: Sql, hub: string, instanceId: string): Promise<EntityMetadataRecord | undefined> {
  const { rows } = await sql.query<EntityRow>(
    `SELECT instance_id, state, locked_by, critical_section_id, last_modified_at, ${BACKLOG} FROM entities e WHERE hub = $1 AND instance_id = $2`,
    [hub, instanceId],
  );
  return rows[0] === undefined ? undefined : withBacklog(rows[0]);
}

export async function queryEntities(sql: Sql, hub: string, q: EntityQuery): Promise<EntityPage> {
  invariant(Number.isInteger(q.limit) && q.limit > 0, 'queryEntities limit must be a positive integer');
  const { rows } = await sql.query<EntityRow>(
    `SELECT instance_id, state, locked_by, critical_section_id, last_modified_at, ${BACKLOG} FROM entities e
     WHERE hub = $1 AND instance_id COLLATE "C" > $2 AND ($3::text IS NULL OR starts_with(instance_id, $3))
       AND ($4::bigint IS NULL OR last_modified_at >= $4) AND ($5::bigint IS NULL OR last_modified_at <= $5)
       AND ($6 OR state IS NOT NULL)
     ORDER BY instance_id COLLATE "C" LIMIT $7`,
    [hub, q.after ?? '', q.instanceIdStartsWith ?? null, q.lastModifiedFrom ?? null, q.lastModifiedTo ?? null, q.includeTransient, q.limit],
  );
  const entities = rows.map(withBacklog);
  const last = entities[entities.length - 1];
  return entities.length === q.limit && last !== undefined ? { entities, next: last.instanceId } : { entities };
}

/**
 * The orchestration endpoints of the dashboard API, in the shape of the Azure dashboard's
 * (`/v1/taskhubs/orchestrations/...`, hub from `x-taskhub`): query, metadata, payloads, history,
 * create, restart, control events (single and batch), force-terminate and purge. Each handler
 * validates its input fully before calling the engine once per instance.
 */
import { ServerError } from '../../domain/errors.ts';
import type { HistoryEvent } from '../../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { DASHBOARD_PAGE_MAX, START_INDEX_MAX, type DashboardSort } from '../../engine/dashboard-queries.ts';
import { compact } from '../../lib/compact.ts';
import * as v from './validate.ts';

export const BATCH_MAX = 500;
const PAYLOAD_MAX = 1024 * 1024;

/** Azure's sort column names of the orders the store keeps an index for. */
const SORT_COLUMNS: Readonly<Record<string, DashboardSort>> = { CREATED_AT: 'createdAt', LAST_UPDATED_AT: 'lastUpdatedAt' };

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export function instanceJson(i: InstanceRecord): Record<string, unknown> {
  return {
    instanceId: i.instanceId,
    executionId: i.executionId,
    name: i.name,
    version: i.version ?? '',
    status: i.status,
    createdAt: iso(i.createdAt),
    lastUpdatedAt: iso(i.lastUpdatedAt),
    completedAt: i.completedAt === undefined ? null : iso(i.completedAt),
    scheduledStartAt: i.scheduledStartAt === undefined ? null : iso(i.scheduledStartAt),
    parentInstanceId: i.parentInstanceId ?? null,
    tags: i.tags ?? {},
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function queryOrchestrations(engine: Engine, hub: TaskHubName, raw: unknown): Promise<Reply> {
  const body = v.object(raw, 'body');
  const filter = v.object(body['filter'], 'filter');
  const pagination = v.object(body['pagination'], 'pagination');
  const sorts = body['sort'] === undefined ? [] : body['sort'];
  if (!Array.isArray(sorts) || sorts.length > 1) throw v.bad('sort must be an array of at most one {column, direction}');
  const first = v.object(sorts[0], 'sort[0]');
  const column = v.optString(first, 'column', 64) ?? 'CREATED_AT';
  const sort = SORT_COLUMNS[column];
  if (sort === undefined) throw v.bad(`sort column ${column} is not supported; sort by ${Object.keys(SORT_COLUMNS).join(' or ')} (the indexed orders)`);
  const direction = v.optString(first, 'direction', 32) ?? 'DESCENDING_SORT';
  if (direction !== 'ASCENDING_SORT' && direction !== 'DESCENDING_SORT') throw v.bad('sort direction must be ASCENDING_SORT or DESCENDING_SORT');
  const created = v.object(filter['createdAt'], 'filter.createdAt');
  const page = await engine.dashboard.query(hub, compact({
    statuses: v.statuses(filter['orchestrationStatus'] ?? filter['statuses'], 'filter.orchestrationStatus'),
    instanceIdPrefix: v.optString(filter, 'orchestrationId', 100),
    nameContains: v.optString(filter, 'name', 256),
    tagContains: v.optString(filter, 'tags', 256),
    createdFrom: v.optTime(created, 'from') ?? v.optTime(filter, 'createdFrom'),
    createdTo: v.optTime(created, 'to') ?? v.optTime(filter, 'createdTo'),
    sort,
    descending: direction === 'DESCENDING_SORT',
    pageSize: v.optInt(pagination, 'count', 1, DASHBOARD_PAGE_MAX) ?? 50,
    startIndex: v.optInt(pagination, 'startIndex', 0, START_INDEX_MAX) ?? 0,
    continuationToken: v.optString(pagination, 'continuationToken', 2048),
    includePayloads: false,
  }));
  const c = page.counts;
  const sum = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
  return {
    status: 200,
    body: {
      orchestrations: page.instances.map(instanceJson),
      totalCount: page.totalCount,
      continuationToken: page.continuationToken ?? null,
      previousToken: page.previousToken ?? null,
      statusCounts: c,
      trivia: {
        total: sum,
        completed: c.COMPLETED ?? 0,
        running: c.RUNNING ?? 0,
        failed: c.FAILED ?? 0,
        pending: c.PENDING ?? 0,
        suspended: c.SUSPENDED ?? 0,
        terminated: c.TERMINATED ?? 0,
      },
    },
  };
}

export async function getOrchestration(engine: Engine, hub: TaskHubName, id: string, payloads: boolean): Promise<Reply> {
  const instance = await mustGet(engine, hub, id);
  if (!payloads) return { status: 200, body: instanceJson(instance) };
  return {
    status: 200,
    body: {
      status: instance.status,
      input: instance.input ?? null,
      output: instance.output ?? null,
      customStatus: instance.customStatus ?? null,
      failureDetails: instance.failureDetails ?? null,
    },
  };
}

export async function history(engine: Engine, hub: TaskHubName, id: string): Promise<Reply> {
  const instance = await mustGet(engine, hub, id);
  const events: HistoryEvent[] = await engine.dashboard.history(hub, id);
  return { status: 200, body: events.map((e) => ({ ...e, timestamp: iso(e.timestamp) })), headers: { 'x-execution-id': instance.executionId } };
}

export async function createOrchestration(engine: Engine, hub: TaskHubName, raw: unknown): Promise<Reply> {
  const body = v.object(raw, 'body');
  const name = v.reqString(body, 'name', 256);
  const tags = v.tags(body['tags']);
  const instanceId = await engine.clients.startInstance(hub, compact({
    name,
    instanceId: v.optString(body, 'instanceId', 100),
    version: v.optString(body, 'version', 256),
    input: v.optPayload(body, 'input', PAYLOAD_MAX),
    scheduledStartAt: v.optTime(body, 'scheduledStartTimestamp') ?? v.optTime(body, 'scheduledStartAt'),
    tags,
  }));
  return { status: 201, body: { instanceId }, headers: { location: `/v1/taskhubs/orchestrations/${encodeURIComponent(instanceId)}` } };
}

export async function restart(engine: Engine, hub: TaskHubName, id: string, raw: unknown): Promise<Reply> {
  const body = v.object(raw, 'body');
  const instanceId = await engine.management.restartInstance(hub, id, v.optBool(body, 'restartWithNewInstanceId') ?? false);
  return { status: 200, body: { instanceId } };
}

/** One control event: `{executionSuspended|executionResumed|executionTerminated|executionRewound: {reason}}` or `{eventRaised: {name, input}}`. */
export async function controlEvent(engine: Engine, hub: TaskHubName, id: string, raw: unknown): Promise<Reply> {
  const run = parseControlEvent(raw, 'body');
  await run(engine, hub, id);
  return { status: 202, body: { instanceId: id } };
}

type ControlRun = (engine: Engine, hub: TaskHubName, id: string) => Promise<void>;

export function parseControlEvent(raw: unknown, field: string): ControlRun {
  const body = v.object(raw, field);
  const keys = Object.keys(body).filter((k) => k !== 'timestamp' && k !== 'eventId');
  if (keys.length !== 1) {
    throw v.bad(`${field} must hold exactly one of executionSuspended, executionResumed, executionTerminated, executionRewound, eventRaised`);
  }
  const kind = keys[0] as string;
  const inner = v.object(body[kind], `${field}.${kind}`);
  const reason = v.optString(inner, 'reason', 4096);
  switch (kind) {
    case 'executionSuspended':
      return (e, h, id) => e.clients.suspendInstance(h, id, reason);
    case 'executionResumed':
      return (e, h, id) => e.clients.resumeInstance(h, id, reason);
    case 'executionTerminated': {
      const output = reason === undefined ? v.optPayload(inner, 'input', PAYLOAD_MAX) : JSON.stringify(reason);
      const recurse = v.optBool(inner, 'recurse') ?? true;
      return (e, h, id) => e.clients.terminateInstance(h, id, output, recurse);
    }
    case 'executionRewound':
      return (e, h, id) => e.management.rewindInstance(h, id, reason);
    case 'eventRaised': {
      const name = v.reqString(inner, 'name', 256);
      const input = v.optPayload(inner, 'input', PAYLOAD_MAX);
      return (e, h, id) => e.clients.raiseEvent(h, id, name, input);
    }
    default:
      throw v.bad(`${field}: unknown control event '${kind}'`);
  }
}

/** `{events: {instanceId: event}}`; returns the ids whose event failed, with the reason. */
export async function addHistoryEvents(engine: Engine, hub: TaskHubName, raw: unknown): Promise<Reply> {
  const events = v.object(v.object(raw, 'body')['events'], 'events');
  const entries = Object.entries(events);
  if (entries.length === 0 || entries.length > BATCH_MAX) throw v.bad(`events must hold 1 to ${BATCH_MAX} instances`);
  const runs = entries.map(([id, event]) => [id, parseControlEvent(event, `events.${id}`)] as const);
  const failed: { instanceId: string; error: string }[] = [];
  for (const [id, run] of runs) {
    try {
      await run(engine, hub, id);
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      failed.push({ instanceId: id, error: error.message });
    }
  }
  return { status: 200, body: { failedInstanceIds: failed.map((f) => f.instanceId), failures: failed } };
}

export async function forceTerminate(engine: Engine, hub: TaskHubName, raw: unknown): Promise<Reply> {
  const body = v.object(raw, 'body');
  const ids = v.stringList(body['InstanceIds'] ?? body['instanceIds'], 'instanceIds', BATCH_MAX, 100);
  const reason = v.optString(body, 'Reason', 4096) ?? v.optString(body, 'reason', 4096);
  const failed = await engine.management.skipGracefulTerminations(hub, ids, reason);
  return { status: 200, body: { failedInstanceIds: failed } };
}

export async function purge(engine: Engine, hub: TaskHubName, ids: string[]): Promise<Reply> {
  if (ids.length === 0 || ids.length > BATCH_MAX) throw v.bad(`instanceIds must hold 1 to ${BATCH_MAX} ids`);
  const result = ids.length === 1 ? await engine.management.purgeInstance(hub, ids[0] as string, true) : await engine.management.purgeBatch(hub, ids, true);
  return { status: 200, body: result };
}

async function mustGet(engine: Engine, hub: TaskHubName, id: string): Promise<InstanceRecord> {
  const instance = await engine.clients.getInstance(hub, id);
  if (instance === undefined) throw new ServerError('NOT_FOUND', `orchestration instance '${id}' does not exist`);
  return instance;
}

/**
 * The entity, worker and scale endpoints of the dashboard API: entity query, metadata, state and
 * delete (a `delete` operation signal, as the SDKs' entities implement it), connected workers,
 * and the hub's scale signals with the throughput series for the metrics chart.
 */
import type { EntityMetadata } from '../../domain/entity.ts';
import { ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { WORK_KINDS } from '../../engine/scale-signals.ts';
import { compact } from '../../lib/compact.ts';
import { iso, type Reply } from './orchestration-routes.ts';
import * as v from './validate.ts';

function entityJson(e: EntityMetadata, withState: boolean): Record<string, unknown> {
  const match = /^@([^@]*)@(.*)$/.exec(e.instanceId);
  return {
    instanceId: e.instanceId,
    name: match?.[1] ?? '',
    key: match?.[2] ?? '',
    lastModifiedAt: iso(e.lastModifiedAt),
    backlogQueueSize: e.backlogQueueSize,
    lockedBy: e.lockedBy ?? null,
    ...(withState ? { state: e.state ?? null } : {}),
  };
}

export async function queryEntities(engine: Engine, hub: TaskHubName, raw: unknown): Promise<Reply> {
  const body = v.object(raw, 'body');
  const filter = v.object(body['filter'], 'filter');
  const pagination = v.object(body['pagination'], 'pagination');
  const name = v.optString(filter, 'name', 256)?.toLowerCase();
  const prefix = v.optString(filter, 'nameStartsWith', 256)?.toLowerCase();
  const page = await engine.entities.queryEntities(hub, compact({
    instanceIdStartsWith: name !== undefined ? `@${name}@` : prefix !== undefined ? `@${prefix}` : undefined,
    includeTransient: false,
    pageSize: v.optInt(pagination, 'count', 1, 500) ?? 50,
    continuationToken: v.optString(pagination, 'continuationToken', 2048),
  }));
  return {
    status: 200,
    body: { entities: page.entities.map((e) => entityJson(e, false)), continuationToken: page.next ?? null },
  };
}

export async function getEntity(engine: Engine, hub: TaskHubName, id: string, stateOnly: boolean): Promise<Reply> {
  const entity = await engine.entities.getEntity(hub, id);
  if (entity === undefined) throw new ServerError('NOT_FOUND', `entity '${id}' does not exist`);
  if (stateOnly) return { status: 200, body: { instanceId: id, state: entity.state ?? null } };
  return { status: 200, body: entityJson(entity, true) };
}

export async function deleteEntity(engine: Engine, hub: TaskHubName, id: string): Promise<Reply> {
  if (!/^@[^@]+@.*$/.test(id)) throw v.bad(`entity id '${id}' must have the form @name@key`);
  await engine.entities.signalEntity(hub, { instanceId: id, operation: 'delete' });
  return { status: 202, body: { instanceId: id } };
}

export function workers(engine: Engine, hub: TaskHubName): Reply {
  const list = engine.connectedWorkers(hub).map((w) => ({
    workerId: `worker-${w.id}`,
    orchestrations: { active: w.active.orchestration, max: w.caps.orchestration },
    activities: { active: w.active.activity, max: w.caps.activity },
    entities: { active: w.active.entity, max: w.caps.entity },
  }));
  return { status: 200, body: { workers: list } };
}

export async function hubMetrics(engine: Engine, hub: TaskHubName, raw: string | null): Promise<Reply> {
  const minutes = raw === null ? 5 : Number(raw);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 9) throw v.bad('minutes must be an integer from 1 to 9');
  const signals = await engine.scaleSignals.hub(hub);
  const throughput: Record<string, number[]> = {};
  for (const kind of WORK_KINDS) throughput[kind] = engine.dispatchRate.series(hub, kind, minutes * 60);
  return { status: 200, body: { ...signals, throughput: { secondsPerPoint: 1, ...throughput } } };
}

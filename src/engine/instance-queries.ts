/**
 * Reading instances in bulk: QueryInstances and ListInstanceIds with opaque key-set
 * continuation tokens, and an instance's history cut into chunks for StreamInstanceHistory.
 * Tokens encode the last position returned, so a page never repeats or skips an instance while
 * others are being created. Page sizes are bounded; each page is one store read.
 */
import { ServerError } from '../domain/errors.ts';
import type { HistoryEvent, OrchestrationStatus } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import { compact } from '../lib/compact.ts';
import type { ReadModel } from '../store/read-model.ts';

/** Page size when a request gives none (the SDKs send 100 themselves). */
export const PAGE_SIZE_DEFAULT = 100;
/** Larger requested pages are cut to this. */
export const PAGE_SIZE_MAX = 1000;
/** StreamInstanceHistory chunk size, as the .NET test host uses. */
export const HISTORY_CHUNK_BYTES = 256 * 1024;

export interface QueryInstancesRequest {
  statuses: readonly OrchestrationStatus[];
  createdFrom?: number;
  createdTo?: number;
  instanceIdPrefix?: string;
  pageSize: number;
  continuationToken?: string;
  includePayloads: boolean;
}

export interface ListInstanceIdsRequest {
  statuses: readonly OrchestrationStatus[];
  completedFrom?: number;
  completedTo?: number;
  pageSize: number;
  lastInstanceKey?: string;
}

export async function queryInstances(
  store: ReadModel,
  limits: Limits,
  hub: TaskHubName,
  req: QueryInstancesRequest,
): Promise<{ instances: InstanceRecord[]; continuationToken?: string }> {
  const prefix = req.instanceIdPrefix ?? '';
  if (prefix.length > limits.instanceIdLengthMax) {
    throw new ServerError('INVALID_ARGUMENT', `instanceIdPrefix is longer than ${limits.instanceIdLengthMax} characters`);
  }
  const after = decodeToken(req.continuationToken, 'continuationToken');
  const page = await store.queryInstances(hub, compact({
    statuses: req.statuses.length > 0 ? req.statuses : undefined,
    createdFrom: req.createdFrom,
    createdTo: req.createdTo,
    instanceIdPrefix: prefix === '' ? undefined : prefix,
    includePayloads: req.includePayloads,
    limit: pageSize(req.pageSize, 'maxInstanceCount'),
    after: after === undefined ? undefined : { createdAt: after[0], instanceId: after[1] },
  }));
  if (page.next === undefined) return { instances: page.instances };
  return { instances: page.instances, continuationToken: encodeToken(page.next.createdAt, page.next.instanceId) };
}

export async function listInstanceIds(
  store: ReadModel,
  hub: TaskHubName,
  req: ListInstanceIdsRequest,
): Promise<{ instanceIds: string[]; lastInstanceKey?: string }> {
  const after = decodeToken(req.lastInstanceKey, 'lastInstanceKey');
  const page = await store.listInstanceIds(hub, compact({
    statuses: req.statuses.length > 0 ? req.statuses : undefined,
    completedFrom: req.completedFrom,
    completedTo: req.completedTo,
    limit: pageSize(req.pageSize, 'pageSize'),
    after: after === undefined ? undefined : { completedAt: after[0], instanceId: after[1] },
  }));
  if (page.next === undefined) return { instanceIds: page.instanceIds };
  return { instanceIds: page.instanceIds, lastInstanceKey: encodeToken(page.next.completedAt, page.next.instanceId) };
}

/**
 * The history in chunks of about `chunkBytes` (estimated from the stored JSON form; the wire
 * form is smaller). An unknown instance has an empty history: no chunks.
 */
export async function historyChunks(store: ReadModel, hub: TaskHubName, instanceId: string, chunkBytes = HISTORY_CHUNK_BYTES): Promise<HistoryEvent[][]> {
  const events = await store.readHistory(hub, instanceId);
  const chunks: HistoryEvent[][] = [];
  let current: HistoryEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event).length;
    if (current.length > 0 && bytes + size > chunkBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function pageSize(requested: number, field: string): number {
  if (!Number.isInteger(requested) || requested < 0) throw new ServerError('INVALID_ARGUMENT', `${field} must not be negative`);
  if (requested === 0) return PAGE_SIZE_DEFAULT;
  return Math.min(requested, PAGE_SIZE_MAX);
}

function encodeToken(time: number, instanceId: string): string {
  return Buffer.from(JSON.stringify([time, instanceId]), 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined, field: string): [number, string] | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === 'string') {
      return [value[0] as number, value[1]];
    }
  } catch {
    // Fall through to the error below: the token was not made by this server.
  }
  throw new ServerError('INVALID_ARGUMENT', `${field} is not a token this server returned`);
}

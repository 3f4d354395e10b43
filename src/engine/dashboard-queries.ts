/**
 * The dashboard's reads: instance pages with every list filter (status, name, tag, id prefix,
 * created window), by creation or by last update, newest or oldest first, key-set paging by
 * opaque token in both directions (fast at any depth), per-status counts under the same
 * filters, and an instance's full history. Offsets (Azure's `startIndex`) are walked with
 * key-set pages and are bounded.
 */
import { ServerError } from '../domain/errors.ts';
import type { HistoryEvent, OrchestrationStatus } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import { eventTimeInRange, instanceTimesInRange } from '../domain/time-range.ts';
import { compact } from '../lib/compact.ts';
import type { InstanceCountFilter, ReadModel } from '../store/read-model.ts';

export const DASHBOARD_PAGE_MAX = 500;
/** Deeper offsets must page by continuation token. */
export const START_INDEX_MAX = 10_000;

/** The orders the store keeps an index for. */
export type DashboardSort = 'createdAt' | 'lastUpdatedAt';

export interface DashboardQuery extends InstanceCountFilter {
  statuses: readonly OrchestrationStatus[];
  sort: DashboardSort;
  descending: boolean;
  pageSize: number;
  startIndex: number;
  /** A `continuationToken` or `previousToken` of an earlier page in the same sort. */
  continuationToken?: string;
  includePayloads: boolean;
}

export interface DashboardPage {
  instances: InstanceRecord[];
  /** The page after this one; absent on the last page. */
  continuationToken?: string;
  /** The page before this one; absent on the first page. */
  previousToken?: string;
  /** Instances matching every filter (statuses included). */
  totalCount: number;
  /** Per status, under every filter except the statuses (the summary cards). */
  counts: Partial<Record<OrchestrationStatus, number>>;
}

type Paged = Pick<DashboardPage, 'instances' | 'continuationToken' | 'previousToken'>;

/** A key-set position in the query's sort: the sort key's value and the instance id. */
interface Position {
  key: number;
  instanceId: string;
}

interface Token {
  position: Position;
  /** A previous-page token: the page ends just before `position`. */
  backward: boolean;
}

export class DashboardQueries {
  readonly #store: ReadModel;

  constructor(store: ReadModel) {
    this.#store = store;
  }

  async query(hub: TaskHubName, q: DashboardQuery): Promise<DashboardPage> {
    if (q.pageSize < 1 || q.pageSize > DASHBOARD_PAGE_MAX) throw new ServerError('INVALID_ARGUMENT', `count must be from 1 to ${DASHBOARD_PAGE_MAX}`);
    if (q.startIndex > START_INDEX_MAX) {
      throw new ServerError('INVALID_ARGUMENT', `startIndex beyond ${START_INDEX_MAX} is not supported; page with continuationToken instead`);
    }
    const token = decodeToken(q.continuationToken, q.sort);
    if (token?.backward === true && q.startIndex > 0) throw new ServerError('INVALID_ARGUMENT', 'startIndex cannot be combined with a previousToken');
    const page = token?.backward === true ? await this.#pageBefore(hub, q, token.position) : await this.#pageAfter(hub, q, token?.position);
    const counts = await this.counts(hub, pick(q));
    return { ...page, instances: page.instances.map(instanceTimesInRange), totalCount: sumCounts(counts, q.statuses), counts };
  }

  counts(hub: TaskHubName, filter: InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>> {
    return this.#store.countInstancesByStatus(hub, filter);
  }

  async history(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[]> {
    return (await this.#store.readHistory(hub, instanceId)).map(eventTimeInRange);
  }

  /** `startIndex` rows after `after` are skipped, then one page; a page reached by a token has one before it. */
  async #pageAfter(hub: TaskHubName, q: DashboardQuery, after: Position | undefined): Promise<Paged> {
    for (let skip = q.startIndex; skip > 0; ) {
      const step = await this.#read(hub, q, Math.min(skip, 1000), after, q.descending, false);
      skip -= step.instances.length;
      if (!step.more) return { instances: [] };
      after = positionOf(step.instances[step.instances.length - 1] as InstanceRecord, q.sort);
    }
    const { instances, more } = await this.#read(hub, q, q.pageSize, after, q.descending, q.includePayloads);
    const first = instances[0];
    const last = instances[instances.length - 1];
    return compact({
      instances,
      continuationToken: more && last !== undefined ? encodeToken(q.sort, positionOf(last, q.sort), false) : undefined,
      previousToken: after !== undefined && first !== undefined ? encodeToken(q.sort, positionOf(first, q.sort), true) : undefined,
    });
  }

  /** The page that ends just before `before`: read in the opposite order from there, then turned around. */
  async #pageBefore(hub: TaskHubName, q: DashboardQuery, before: Position): Promise<Paged> {
    const { instances, more } = await this.#read(hub, q, q.pageSize, before, !q.descending, q.includePayloads);
    // Everything before it is gone (purged): the first page is what comes before.
    if (instances.length === 0) return this.#pageAfter(hub, q, undefined);
    instances.reverse();
    return compact({
      instances,
      continuationToken: encodeToken(q.sort, positionOf(instances[instances.length - 1] as InstanceRecord, q.sort), false),
      previousToken: more ? encodeToken(q.sort, positionOf(instances[0] as InstanceRecord, q.sort), true) : undefined,
    });
  }

  async #read(hub: TaskHubName, q: DashboardQuery, limit: number, after: Position | undefined, descending: boolean, includePayloads: boolean) {
    const base = { ...pick(q), statuses: q.statuses.length > 0 ? q.statuses : undefined, descending, includePayloads, limit };
    const page = q.sort === 'lastUpdatedAt'
      ? await this.#store.queryInstancesByLastUpdate(hub, compact({ ...base, after: after && { lastUpdatedAt: after.key, instanceId: after.instanceId } }))
      : await this.#store.queryInstances(hub, compact({ ...base, after: after && { createdAt: after.key, instanceId: after.instanceId } }));
    return { instances: page.instances, more: page.next !== undefined };
  }
}

function pick(q: DashboardQuery): InstanceCountFilter {
  const out: InstanceCountFilter = {};
  if (q.createdFrom !== undefined) out.createdFrom = q.createdFrom;
  if (q.createdTo !== undefined) out.createdTo = q.createdTo;
  if (q.instanceIdPrefix) out.instanceIdPrefix = q.instanceIdPrefix;
  if (q.nameContains) out.nameContains = q.nameContains;
  if (q.tagContains) out.tagContains = q.tagContains;
  return out;
}

function sumCounts(counts: Partial<Record<OrchestrationStatus, number>>, statuses: readonly OrchestrationStatus[]): number {
  const keys = statuses.length > 0 ? statuses : (Object.keys(counts) as OrchestrationStatus[]);
  return [...new Set(keys)].reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

function positionOf(instance: InstanceRecord, sort: DashboardSort): Position {
  return { key: sort === 'lastUpdatedAt' ? instance.lastUpdatedAt : instance.createdAt, instanceId: instance.instanceId };
}

const SORT_CODES: Record<DashboardSort, string> = { createdAt: 'c', lastUpdatedAt: 'u' };

function encodeToken(sort: DashboardSort, p: Position, backward: boolean): string {
  return Buffer.from(JSON.stringify([SORT_CODES[sort], p.key, p.instanceId, backward ? 1 : 0])).toString('base64url');
}

function decodeToken(token: string | undefined, sort: DashboardSort): Token | undefined {
  if (token === undefined || token === '') return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    // falls through to the error below
  }
  const [code, key, instanceId, backward] = Array.isArray(parts) && parts.length === 4 ? parts : [];
  if (!Object.values(SORT_CODES).includes(code) || !Number.isSafeInteger(key) || typeof instanceId !== 'string' || (backward !== 0 && backward !== 1)) {
    throw new ServerError('INVALID_ARGUMENT', 'continuationToken is not a token this server issued');
  }
  if (code !== SORT_CODES[sort]) throw new ServerError('INVALID_ARGUMENT', 'continuationToken belongs to another sort column; start again from the first page');
  return { position: { key: key as number, instanceId }, backward: backward === 1 };
}

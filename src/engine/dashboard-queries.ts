/**
 * The dashboard's reads: instance pages with every list filter (status, name, tag, id prefix,
 * created window), newest or oldest first, key-set paging by opaque token (fast at any depth),
 * per-status counts under the same filters, and an instance's full history. Offsets (Azure's
 * `startIndex`) are walked with key-set pages and are bounded.
 */
import { ServerError } from '../domain/errors.ts';
import type { HistoryEvent, OrchestrationStatus } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import { eventTimeInRange, instanceTimesInRange } from '../domain/time-range.ts';
import type { InstanceCountFilter, InstanceQuery, InstanceQueryCursor, Store } from '../store/store.ts';

export const DASHBOARD_PAGE_MAX = 500;
/** Deeper offsets must page by continuation token. */
export const START_INDEX_MAX = 10_000;

export interface DashboardQuery extends InstanceCountFilter {
  statuses: readonly OrchestrationStatus[];
  descending: boolean;
  pageSize: number;
  startIndex: number;
  continuationToken?: string;
  includePayloads: boolean;
}

export interface DashboardPage {
  instances: InstanceRecord[];
  continuationToken?: string;
  /** Instances matching every filter (statuses included). */
  totalCount: number;
  /** Per status, under every filter except the statuses (the summary cards). */
  counts: Partial<Record<OrchestrationStatus, number>>;
}

export class DashboardQueries {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async query(hub: TaskHubName, q: DashboardQuery): Promise<DashboardPage> {
    if (q.pageSize < 1 || q.pageSize > DASHBOARD_PAGE_MAX) throw new ServerError('INVALID_ARGUMENT', `count must be from 1 to ${DASHBOARD_PAGE_MAX}`);
    if (q.startIndex > START_INDEX_MAX) {
      throw new ServerError('INVALID_ARGUMENT', `startIndex beyond ${START_INDEX_MAX} is not supported; page with continuationToken instead`);
    }
    const filter: InstanceCountFilter = pick(q);
    const base: Omit<InstanceQuery, 'limit' | 'after'> = {
      ...filter,
      ...(q.statuses.length > 0 ? { statuses: q.statuses } : {}),
      descending: q.descending,
      includePayloads: q.includePayloads,
    };
    let after = decodeCursor(q.continuationToken);
    for (let skip = q.startIndex; skip > 0; ) {
      const step = Math.min(skip, 1000);
      const page = await this.#store.queryInstances(hub, { ...base, includePayloads: false, limit: step, ...(after ? { after } : {}) });
      skip -= page.instances.length;
      if (page.next === undefined) return { instances: [], totalCount: await this.#total(hub, filter, q.statuses), counts: await this.counts(hub, filter) };
      after = page.next;
    }
    const page = await this.#store.queryInstances(hub, { ...base, limit: q.pageSize, ...(after ? { after } : {}) });
    const counts = await this.counts(hub, filter);
    const totalCount = sumCounts(counts, q.statuses);
    const instances = page.instances.map(instanceTimesInRange);
    return { instances, ...(page.next ? { continuationToken: encodeCursor(page.next) } : {}), totalCount, counts };
  }

  counts(hub: TaskHubName, filter: InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>> {
    return this.#store.countInstancesByStatus(hub, filter);
  }

  async history(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[]> {
    return (await this.#store.readHistory(hub, instanceId)).map(eventTimeInRange);
  }

  async #total(hub: TaskHubName, filter: InstanceCountFilter, statuses: readonly OrchestrationStatus[]): Promise<number> {
    return sumCounts(await this.counts(hub, filter), statuses);
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

function encodeCursor(cursor: InstanceQueryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.instanceId])).toString('base64url');
}

function decodeCursor(token: string | undefined): InstanceQueryCursor | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const [createdAt, instanceId] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof instanceId === 'string') return { createdAt, instanceId };
  } catch {
    // falls through to the error below
  }
  throw new ServerError('INVALID_ARGUMENT', 'continuationToken is not a token this server issued');
}

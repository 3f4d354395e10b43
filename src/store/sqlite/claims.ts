/**
 * Claims and lease renewal. A claim costs no disk write: candidates come from the in-memory
 * ready index, each is verified against the database (reads only, no fsync), and the lease is
 * recorded in memory. Cost is O(items claimed) plus any stale index entries skipped.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { ActivityWorkItem, ClaimOptions, ClaimResult, Lease, LeaseToken, OrchestrationWorkItem } from '../work-store.ts';
import type { HubQueues, StoreState } from './store-state.ts';
import type { LeaseEntry } from './work-queue.ts';

function checkOptions(options: ClaimOptions): void {
  invariant(Number.isFinite(options.now), 'claim needs a finite now');
  invariant(Number.isInteger(options.limit) && options.limit >= 0, 'claim limit must be a non-negative integer');
  invariant(Number.isFinite(options.leaseMs) && options.leaseMs > 0, 'claim leaseMs must be positive');
}

function leaseOf(entry: LeaseEntry): Lease {
  return { token: entry.token, expiresAt: entry.expiresAt, attempt: entry.attempt };
}

/** Ends the leases that expired by `now`; their work goes back to the ready index. */
function expireLeases(state: StoreState, queues: HubQueues, now: number): void {
  for (const entry of queues.orchestrations.expiredLeases(now)) state.releaseOrchestration(entry, 'expired', now);
  for (const entry of queues.activities.expiredLeases(now)) {
    state.releaseActivity(entry, 'expired');
    queues.activities.offer(entry.key, now, now);
  }
}

export function claimOrchestrationWork(
  state: StoreState,
  hub: TaskHubName,
  options: ClaimOptions & { messagesMax: number },
): ClaimResult<OrchestrationWorkItem> {
  checkOptions(options);
  invariant(Number.isInteger(options.messagesMax) && options.messagesMax > 0, 'claim messagesMax must be a positive integer');
  const { now, limit } = options;
  const queues = state.existingQueues(hub);
  if (queues === undefined) return { items: [] };
  expireLeases(state, queues, now);
  const queue = queues.orchestrations;
  const items: OrchestrationWorkItem[] = [];
  while (items.length < limit) {
    const instanceId = queue.takeCandidate(now);
    if (instanceId === undefined) break;
    const messages = state.inbox.readVisible(hub, instanceId, now, options.messagesMax);
    if (messages.length === 0) {
      state.reofferInstance(hub, instanceId, now);
      continue;
    }
    const read = state.instances.getWithColumns(hub, instanceId);
    invariant(read !== undefined, `inbox of ${hub}/${instanceId} holds messages but the instance does not exist`);
    const history = state.instances.readHistory(hub, instanceId);
    const seqs = messages.map((m) => m.seq);
    const lease = state.grantLease(queue, instanceId, now + options.leaseMs, seqs);
    lease.claimed = { columns: read.columns, historyLength: history.length };
    items.push({ hub, instance: read.record, history, messages, lease: leaseOf(lease) });
  }
  return withNextVisibleAt(items, queue.nextVisibleAt());
}

export function claimActivityWork(state: StoreState, hub: TaskHubName, options: ClaimOptions): ClaimResult<ActivityWorkItem> {
  checkOptions(options);
  const { now, limit } = options;
  const queues = state.existingQueues(hub);
  if (queues === undefined) return { items: [] };
  expireLeases(state, queues, now);
  const queue = queues.activities;
  const items: ActivityWorkItem[] = [];
  while (items.length < limit) {
    const seq = queue.takeCandidate(now);
    if (seq === undefined) break;
    const row = state.activities.get(hub, seq);
    if (row === undefined) continue;
    if (row.visibleAt > now) {
      queue.offer(seq, row.visibleAt, now);
      continue;
    }
    const lease = state.grantLease(queue, seq, now + options.leaseMs);
    items.push({ hub, task: row.task, lease: leaseOf(lease) });
  }
  return withNextVisibleAt(items, queue.nextVisibleAt());
}

/** The orchestration work item held under `token` at `now`, read again from the tables; undefined when not held. */
export function claimedOrchestrationWork(state: StoreState, hub: TaskHubName, token: LeaseToken, now: number): OrchestrationWorkItem | undefined {
  const entry = state.liveLease(hub, token, now);
  if (entry === undefined || entry.kind !== 'orchestration') return undefined;
  const instanceId = entry.key as string;
  const instance = state.instances.get(hub, instanceId);
  invariant(instance !== undefined, `${hub}/${instanceId} is leased but the instance does not exist`);
  const history = state.instances.readHistory(hub, instanceId);
  return { hub, instance, history, messages: state.inbox.readSeqs(hub, instanceId, entry.seqs), lease: leaseOf(entry) };
}

/** The activity work item held under `token` at `now`; undefined when not held. */
export function claimedActivityWork(state: StoreState, hub: TaskHubName, token: LeaseToken, now: number): ActivityWorkItem | undefined {
  const entry = state.liveLease(hub, token, now);
  if (entry === undefined || entry.kind !== 'activity') return undefined;
  const row = state.activities.get(hub, entry.key as number);
  invariant(row !== undefined, `activity task ${hub}/${entry.key} is leased but does not exist`);
  return { hub, task: row.task, lease: leaseOf(entry) };
}

function withNextVisibleAt<T>(items: T[], nextVisibleAt: number | undefined): ClaimResult<T> {
  return nextVisibleAt === undefined ? { items } : { items, nextVisibleAt };
}

/**
 * Extends the leases held at `now` to `expiresAt` (never shortens one: the expiry index relies
 * on expiries only growing); returns the tokens that were no longer held.
 */
export function renewLeases(state: StoreState, hub: TaskHubName, tokens: readonly LeaseToken[], expiresAt: number, now: number): LeaseToken[] {
  const lost: LeaseToken[] = [];
  for (const token of tokens) {
    const entry = state.liveLease(hub, token, now);
    if (entry === undefined) lost.push(token);
    else if (expiresAt > entry.expiresAt) entry.expiresAt = expiresAt;
  }
  return lost;
}

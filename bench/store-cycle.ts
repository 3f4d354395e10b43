/**
 * The SQLite store alone under W4's pattern, in one process and on a file: N instances of one
 * activity, at most C in flight, each start -> claim -> complete (schedules the activity) -> claim
 * the activity -> complete it -> claim -> complete (COMPLETED), with the engine's event shapes.
 * Prints the process CPU per work item (3 per instance): the store's own cost, without gRPC or the
 * engine, for A/B runs of store changes (`npm run bench` stays the measure of the server).
 *
 * Usage: node --import tsx bench/store-cycle.ts [--n 10000] [--concurrency 200] [--dir D]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORE_TUNING } from '../src/config/config.ts';
import type { HistoryEvent } from '../src/domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../src/domain/instance.ts';
import { cryptoIdSource } from '../src/lib/ids.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import type { OrchestrationWorkItem } from '../src/store/work-store.ts';
import { flagNumber, flagString, parseFlags } from './workloads/common.ts';

const flags = parseFlags(process.argv.slice(2));
const n = flagNumber(flags, 'n', 10_000);
const concurrency = flagNumber(flags, 'concurrency', 200);
const dir = flags.has('dir') ? flagString(flags, 'dir') : mkdtempSync(join(tmpdir(), 'store-cycle-'));
const hub = 'default' as TaskHubName;
const leaseMs = 60_000;

function ev(body: Record<string, unknown>, eventId = -1): HistoryEvent {
  return { eventId, timestamp: Date.now(), ...body } as unknown as HistoryEvent;
}

async function start(store: Store, i: number): Promise<void> {
  const now = Date.now();
  const instanceId = `instance-${i.toString().padStart(6, '0')}-${'x'.repeat(20)}`;
  const instance: InstanceRecord = {
    instanceId, executionId: `exec-${i}-0123456789abcdef0123`, name: 'w4Orchestration', status: 'PENDING',
    createdAt: now, lastUpdatedAt: now, input: '"hello"',
  };
  const startEvent = ev({ kind: 'executionStarted', name: 'w4Orchestration', input: '"hello"', orchestrationInstance: { instanceId, executionId: instance.executionId } });
  await store.createInstance(hub, { instance, startEvent, startVisibleAt: now, replaceableStatuses: ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'] }, now);
}

async function completeOrchestration(store: Store, item: OrchestrationWorkItem): Promise<boolean> {
  const now = Date.now();
  const first = item.history.length === 0;
  const seen = item.messages.map((m) => m.event);
  const append = first
    ? [ev({ kind: 'orchestratorStarted' }), ...seen, ev({ kind: 'taskScheduled', name: 'noop', input: '"hello"' }, 0)]
    : [ev({ kind: 'orchestratorStarted' }), ...seen, ev({ kind: 'executionCompleted', orchestrationStatus: 'COMPLETED', result: '"done"' }, 1)];
  const instance: InstanceRecord = { ...item.instance, status: first ? 'RUNNING' : 'COMPLETED', lastUpdatedAt: now };
  if (!first) {
    instance.completedAt = now;
    instance.output = '"done"';
  }
  const { instanceId, executionId } = item.instance;
  await store.completeOrchestrationWork(hub, {
    lease: item.lease.token, consumedSeqs: item.messages.map((m) => m.seq), instance, claimedStatus: item.instance.status,
    history: { reset: false, startIndex: item.history.length, append },
    activities: first ? [{ instanceId, executionId, taskId: 0, name: 'noop', input: '"hello"' }] : [],
    messages: [], children: [], entityMessages: [],
  }, now);
  return !first;
}

async function main(): Promise<void> {
  const store = openSqliteStore({ path: join(dir, 'store.db'), ids: cryptoIdSource(), groupCommitCallsMax: STORE_TUNING.groupCommitCallsMax });
  await store.migrate();
  await store.createTaskHub(hub, Date.now());
  let started = 0;
  let completed = 0;
  let pumping = false;
  let again = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const startMore = () => {
    while (started < n && started - completed < concurrency) void start(store, started++);
  };
  const pump = async () => {
    if (pumping) return void (again = true);
    pumping = true;
    do {
      again = false;
      const now = Date.now();
      const orchestrations = await store.claimOrchestrationWork(hub, { now, limit: 200, leaseMs, messagesMax: 100 });
      for (const item of orchestrations.items) {
        void completeOrchestration(store, item).then((finished) => {
          if (!finished) return;
          completed++;
          if (completed === n) resolveDone();
          startMore();
        });
      }
      const activities = await store.claimActivityWork(hub, { now, limit: 200, leaseMs });
      for (const item of activities.items) {
        const { instanceId, executionId, taskId } = item.task;
        const result = { instanceId, executionId, event: ev({ kind: 'taskCompleted', taskScheduledId: taskId, result: '"ok"' }), visibleAt: Date.now() };
        void store.completeActivityWork(hub, item.lease.token, result, Date.now());
      }
    } while (again);
    pumping = false;
  };
  store.subscribe((event) => {
    if (event.type === 'work') setImmediate(() => void pump());
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  startMore();
  await done;
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const counts = await store.countInstancesByStatus(hub, {});
  await store.close();
  if (counts.COMPLETED !== n) throw new Error(`expected ${n} completed instances, found ${JSON.stringify(counts)}`);
  const items = 3 * n;
  console.log(JSON.stringify({ n, concurrency, wallS: +wallS.toFixed(2), itemsPerS: Math.round(items / wallS), cpuMsPerItem: +(cpuMs / items).toFixed(4), userMs: Math.round(cpu.user / 1000), sysMs: Math.round(cpu.system / 1000) }));
  if (!flags.has('dir')) rmSync(dir, { recursive: true, force: true });
}

await main();

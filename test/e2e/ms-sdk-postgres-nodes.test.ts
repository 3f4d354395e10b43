/**
 * Several scheduler nodes over one PostgreSQL database, driven by `@microsoft/durabletask-js`:
 * clients and workers spread over the nodes, so work started through one node runs on workers
 * of another; a node killed with `kill -9` mid-run, whose leases expire and whose work the others
 * pick up; PostgreSQL itself restarted mid-run. Every orchestration must complete with the right
 * output and no activity result may be applied twice. Activities count their executions per
 * (instance, task) here, in the worker's process; an activity may run again only when its first
 * run was on the killed node's worker (its result could not be delivered: at-least-once).
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import { GrpcStatus, grpcCodeOf } from '../support/grpc-status.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  OrchestrationStatus, whenAll, type ActivityContext, type OrchestrationContext, type TaskHubGrpcClient, type TaskHubGrpcWorker,
} from '@microsoft/durabletask-js';
import { PostgresServer } from '../support/postgres-server.ts';
import { createMsClient, outputOf, startMsWorker, stopAll } from '../support/sdk-ms.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { eventually, mapLimit, sleep, uniqueId } from '../support/wait.ts';

const LEASE_MS = 3000;
let postgres: PostgresServer | undefined;
const servers: DtsServer[] = [];

before(async () => {
  postgres = await PostgresServer.start();
});
after(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
  await postgres?.dispose();
});

/** Executions per `<instance>/<task>`, and which worker ran them. */
const executions = new Map<string, string[]>();

function counted(worker: string, ctx: ActivityContext): void {
  const key = `${ctx.orchestrationId}/${ctx.taskId}`;
  executions.set(key, [...(executions.get(key) ?? []), worker]);
}

async function* fanOut(ctx: OrchestrationContext, n: number): AsyncGenerator<unknown, number> {
  const tasks = [];
  for (let i = 1; i <= 5; i++) tasks.push(ctx.callActivity<number, number>('square', n + i));
  const squares: number[] = yield whenAll(tasks);
  return squares.reduce((sum, x) => sum + x, 0);
}

async function* sequence(ctx: OrchestrationContext, n: number): AsyncGenerator<unknown, number> {
  let value = n;
  for (let i = 0; i < 3; i++) value = yield ctx.callActivity<number, number>('addOne', value);
  return value;
}

function expected(kind: string, n: number): number {
  if (kind === 'sequence') return n + 3;
  let sum = 0;
  for (let i = 1; i <= 5; i++) sum += (n + i) * (n + i);
  return sum;
}

async function startWorker(server: DtsServer, name: string): Promise<TaskHubGrpcWorker> {
  return startMsWorker(server.grpcAddress, (w) => {
    w.addNamedOrchestrator('fanOut', fanOut);
    w.addNamedOrchestrator('sequence', sequence);
    w.addNamedActivity('square', (ctx: ActivityContext, x: number) => {
      counted(name, ctx);
      return x * x;
    });
    w.addNamedActivity('addOne', async (ctx: ActivityContext, x: number) => {
      counted(name, ctx);
      await sleep(5);
      return x + 1;
    });
  });
}

async function startNodes(count: number): Promise<{ url: string; nodes: DtsServer[] }> {
  if (postgres === undefined) throw new Error('PostgreSQL did not start');
  const url = await postgres.createDatabase('nodes');
  const nodes = await Promise.all(Array.from({ length: count }, () => DtsServer.start({ extraArgs: ['--store', url, '--lease-ms', String(LEASE_MS)] })));
  servers.push(...nodes);
  return { url, nodes };
}

/** Polls with retries: a node or the database may be away for a moment. */
async function waitAllDone(clients: TaskHubGrpcClient[], ids: readonly string[], timeoutMs: number): Promise<Map<string, { status: number; output: unknown }>> {
  const done = new Map<string, { status: number; output: unknown }>();
  await mapLimit(ids, 25, async (id, i) => {
    const client = clients[i % clients.length] as TaskHubGrpcClient;
    await eventually(`${id} to finish`, async () => {
      const state = await client.getOrchestrationState(id, true);
      if (state === undefined || ![OrchestrationStatus.COMPLETED, OrchestrationStatus.FAILED, OrchestrationStatus.TERMINATED].includes(state.runtimeStatus)) {
        return undefined;
      }
      done.set(id, { status: state.runtimeStatus, output: outputOf(state) });
      return true;
    }, timeoutMs, 250);
  });
  return done;
}

/** `allowedRepeatsFrom`: the worker whose first runs may be repeated, or '*' for any. */
function checkResults(ids: readonly string[], done: Map<string, { status: number; output: unknown }>, allowedRepeatsFrom: string): void {
  const wrong = ids.filter((id) => {
    const [kind, n] = id.split('~') as [string, string];
    const result = done.get(id);
    return result?.status !== OrchestrationStatus.COMPLETED || result.output !== expected(kind.split('-')[0] as string, Number(n));
  });
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${ids.length} orchestrations ended wrong`);
  const repeated = [...executions].filter(([key, by]) => ids.some((id) => key.startsWith(`${id}/`)) && by.length > 1);
  const unexplained = repeated.filter(([, by]) => allowedRepeatsFrom !== '*' && by[0] !== allowedRepeatsFrom);
  assert.deepEqual(unexplained.slice(0, 10), [], 'an activity ran twice although its first run was on a live node');
}

function orchestrationIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${i % 2 === 0 ? 'fanOut' : 'sequence'}-${prefix}~${i}`);
}

test('three nodes, one database: 500 orchestrations spread over the nodes complete although one node is killed mid-run', { timeout: 240_000 }, withServerOutput(() => servers, async (t) => {
  const { nodes } = await startNodes(3);
  const names = ['node-a', 'node-b', 'node-c'];
  const workers = await Promise.all(nodes.map((node, i) => startWorker(node, names[i] as string)));
  const clients = nodes.map((node) => createMsClient(node.grpcAddress));
  try {
    const ids = orchestrationIds(uniqueId('n3'), 500);
    // Starts go round robin over the nodes, so most work runs on a node other than its starter's;
    // a start that meets the killed node goes to the next one.
    let killedA = false;
    const starting = mapLimit(ids, 30, async (id, i) => {
      const name = id.split('-')[0] as string;
      const first = killedA ? 1 + (i % 2) : i % 3;
      await (clients[first] as TaskHubGrpcClient).scheduleNewOrchestration(name, i, id).catch(async () => {
        // The start may have committed on the killed node before its answer was lost: then the
        // retry finds the instance already there, which is the outcome we wanted.
        try {
          await (clients[1 + (i % 2)] as TaskHubGrpcClient).scheduleNewOrchestration(name, i, id);
        } catch (error) {
          if (grpcCodeOf(error) !== GrpcStatus.ALREADY_EXISTS) throw error;
        }
      });
    });
    await eventually('a tenth of the activities to run', async () => (executions.size >= 200 ? true : undefined), 60_000, 5);
    const [killed] = nodes as [DtsServer];
    killedA = true;
    await killed.kill9();
    await starting;
    t.diagnostic(`node-a killed after ${executions.size} activity executions`);
    await stopAll(workers[0], clients[0]);
    const done = await waitAllDone(clients.slice(1), ids, 150_000);
    checkResults(ids, done, 'node-a');
    const remote = [...executions.values()].filter((by) => by[0] !== 'node-a').length;
    assert.ok(remote > 0, 'the surviving nodes ran work');
  } finally {
    await stopAll(...workers, ...clients);
  }
}));

test('PostgreSQL restarted mid-run: the nodes reconnect and every orchestration completes', { timeout: 180_000 }, withServerOutput(() => servers, async (t) => {
  const { nodes } = await startNodes(2);
  const workers = await Promise.all(nodes.map((node, i) => startWorker(node, `restart-${i}`)));
  const clients = nodes.map((node) => createMsClient(node.grpcAddress));
  try {
    const ids = orchestrationIds(uniqueId('pgr'), 150);
    const before = executions.size;
    await mapLimit(ids, 30, (id, i) => (clients[i % 2] as TaskHubGrpcClient).scheduleNewOrchestration(id.split('-')[0] as string, i, id));
    await eventually('the run to be under way', async () => (executions.size - before >= 100 ? true : undefined), 60_000, 20);
    await postgres?.restart(1000);
    t.diagnostic(`PostgreSQL restarted after ${executions.size - before} activity executions`);
    const done = await waitAllDone(clients, ids, 150_000);
    // An activity that ran while the database was away may run again (its result could not be stored).
    checkResults(ids, done, '*');
  } finally {
    await stopAll(...workers, ...clients);
  }
}));

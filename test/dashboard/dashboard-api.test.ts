/**
 * The dashboard's HTTP API against a real server with a real SDK worker: every endpoint once
 * on the happy path, and bad input answered 400 problem+json (never a crash, never a change).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OrchestrationStatus, type OrchestrationContext, type TaskHubGrpcClient, type TaskHubGrpcWorker } from '@microsoft/durabletask-js';
import { createMsClient, startMsWorker, stopAll, waitForDone } from '../support/sdk-ms.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { eventually } from '../support/wait.ts';
import { call } from './dashboard-support.ts';
import type { Json } from '../support/json.ts';

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;

async function* waiter(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const v: unknown = yield ctx.waitForExternalEvent('go');
  return v;
}

before(async () => {
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
  worker = await startMsWorker(server.grpcAddress, (w) => w.addOrchestrator(waiter));
});

after(async () => {
  await stopAll(worker, client);
  await server?.dispose();
});

const http = () => (server as DtsServer).httpAddress;
// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: () => Promise<void>) => void test(name, { timeout: 60_000 }, withServerOutput(() => [server], body));

function assertProblem(r: { status: number; headers: Headers; body: Json }, status: number, detail: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.match(r.body.detail, detail);
}

it('create, query with filters and paging, metadata, payloads, history', async () => {
  const created = await call(http(), 'POST', '/v1/taskhubs/orchestrations', { name: 'waiter', instanceId: 'api-1', input: { a: 1 }, tags: { team: 'blue' } });
  assert.equal(created.status, 201);
  assert.equal(created.body.instanceId, 'api-1');
  assert.equal(created.headers.get('location'), '/v1/taskhubs/orchestrations/api-1');
  for (let i = 2; i <= 5; i++) await call(http(), 'POST', '/v1/taskhubs/orchestrations', { name: 'waiter', instanceId: `api-${i}` });
  await eventually('all running', async () => {
    const r = await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { filter: { orchestrationId: 'api-', orchestrationStatus: ['RUNNING'] } });
    return r.body.totalCount === 5 ? true : undefined;
  });
  const page1 = await call(http(), 'POST', '/api/v1/taskhubs/orchestrations/query', { filter: { orchestrationId: 'api-' }, pagination: { count: 2 }, sort: [{ column: 'CREATED_AT', direction: 'ASCENDING_SORT' }] });
  assert.deepEqual(page1.body.orchestrations.map((o: Json) => o.instanceId), ['api-1', 'api-2']);
  assert.equal(page1.body.totalCount, 5);
  assert.equal(page1.body.trivia.running, 5);
  const page2 = await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { filter: { orchestrationId: 'api-' }, pagination: { count: 2, continuationToken: page1.body.continuationToken }, sort: [{ column: 'CREATED_AT', direction: 'ASCENDING_SORT' }] });
  assert.deepEqual(page2.body.orchestrations.map((o: Json) => o.instanceId), ['api-3', 'api-4']);
  const offset = await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { filter: { orchestrationId: 'api-' }, pagination: { count: 2, startIndex: 4 }, sort: [{ column: 'CREATED_AT', direction: 'ASCENDING_SORT' }] });
  assert.deepEqual(offset.body.orchestrations.map((o: Json) => o.instanceId), ['api-5']);
  const tagged = await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { filter: { tags: 'BLUE', name: 'wait' } });
  assert.deepEqual(tagged.body.orchestrations.map((o: Json) => o.instanceId), ['api-1']);
  const meta = await call(http(), 'GET', '/v1/taskhubs/orchestrations/api-1');
  assert.equal(meta.body.name, 'waiter');
  assert.deepEqual(meta.body.tags, { team: 'blue' });
  const payloads = await call(http(), 'GET', '/v1/taskhubs/orchestrations/api-1/payloads');
  assert.equal(payloads.body.input, '{"a":1}');
  const history = await call(http(), 'GET', `/v1/taskhubs/orchestrations/api-1/executions/${meta.body.executionId}/history`);
  assert.ok(history.body.some((e: Json) => e.kind === 'executionStarted'));
});

it('sort by last update, paging forward and back by token, and what the caller may do', async () => {
  const c = client as TaskHubGrpcClient;
  for (let i = 1; i <= 5; i++) await call(http(), 'POST', '/v1/taskhubs/orchestrations', { name: 'waiter', instanceId: `srt-${i}` });
  for (let i = 1; i <= 5; i++) await c.waitForOrchestrationStart(`srt-${i}`);
  const query = async (column: string, direction: string, pagination: Record<string, unknown> = {}) => {
    const r = await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { filter: { orchestrationId: 'srt-' }, pagination: { count: 2, ...pagination }, sort: [{ column, direction }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { ids: r.body.orchestrations.map((o: Json) => o.instanceId), next: r.body.continuationToken, previous: r.body.previousToken };
  };
  // The second one changes last: it is first by last update, newest first, and last oldest first.
  assert.equal((await call(http(), 'POST', '/v1/taskhubs/orchestrations/srt-2/history', { executionSuspended: { reason: 'move me' } })).status, 202);
  await eventually('suspended', async () => ((await c.getOrchestrationState('srt-2'))?.runtimeStatus === OrchestrationStatus.SUSPENDED ? true : undefined));
  assert.deepEqual((await query('LAST_UPDATED_AT', 'DESCENDING_SORT', { count: 1 })).ids, ['srt-2']);
  const oldest = await query('LAST_UPDATED_AT', 'ASCENDING_SORT', { count: 5 });
  assert.equal(oldest.ids.at(-1), 'srt-2');

  const p1 = await query('CREATED_AT', 'ASCENDING_SORT');
  assert.deepEqual([p1.ids, p1.previous], [['srt-1', 'srt-2'], null]);
  const p2 = await query('CREATED_AT', 'ASCENDING_SORT', { continuationToken: p1.next });
  const p3 = await query('CREATED_AT', 'ASCENDING_SORT', { continuationToken: p2.next });
  assert.deepEqual([p2.ids, p3.ids, p3.next], [['srt-3', 'srt-4'], ['srt-5'], null]);
  const back2 = await query('CREATED_AT', 'ASCENDING_SORT', { continuationToken: p3.previous });
  assert.deepEqual(back2.ids, p2.ids);
  const back1 = await query('CREATED_AT', 'ASCENDING_SORT', { continuationToken: back2.previous });
  assert.deepEqual([back1.ids, back1.previous], [p1.ids, null], 'nothing before the first page');
  assert.deepEqual((await query('CREATED_AT', 'ASCENDING_SORT', { continuationToken: back1.next })).ids, p2.ids);
  assertProblem(await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { pagination: { continuationToken: p1.next }, sort: [{ column: 'LAST_UPDATED_AT' }] }), 400, /another sort column/);
  assertProblem(await call(http(), 'POST', '/v1/taskhubs/orchestrations/query', { pagination: { continuationToken: p3.previous, startIndex: 1 } }), 400, /startIndex/);

  // Without --auth the caller may read and change every hub.
  assert.deepEqual((await call(http(), 'GET', '/v1/taskhubs/access')).body, { taskHub: 'default', read: true, write: true });
});

it('control events, batch events, force-terminate, restart, purge', async () => {
  const c = client as TaskHubGrpcClient;
  for (const id of ['ctl-1', 'ctl-2', 'ctl-3', 'ctl-4']) await call(http(), 'POST', '/v1/taskhubs/orchestrations', { name: 'waiter', instanceId: id });
  for (const id of ['ctl-1', 'ctl-2', 'ctl-3', 'ctl-4']) await c.waitForOrchestrationStart(id);
  assert.equal((await call(http(), 'POST', '/v1/taskhubs/orchestrations/ctl-1/history', { executionSuspended: { reason: 'pause' } })).status, 202);
  await eventually('suspended', async () => ((await c.getOrchestrationState('ctl-1'))?.runtimeStatus === OrchestrationStatus.SUSPENDED ? true : undefined));
  await call(http(), 'POST', '/v1/taskhubs/orchestrations/ctl-1/history', { executionResumed: {} });
  await call(http(), 'POST', '/v1/taskhubs/orchestrations/ctl-1/history', { eventRaised: { name: 'go', input: 42 } });
  const done = await waitForDone(c, 'ctl-1');
  assert.equal(done.serializedOutput, '42');
  const batch = await call(http(), 'POST', '/v1/taskhubs/orchestrations/addhistoryevents', { events: { 'ctl-2': { executionTerminated: { reason: 'bye' } }, 'nope': { eventRaised: { name: 'go' } } } });
  assert.deepEqual(batch.body.failedInstanceIds, ['nope']);
  assert.equal((await waitForDone(c, 'ctl-2')).runtimeStatus, OrchestrationStatus.TERMINATED);
  const forced = await call(http(), 'POST', '/v1/taskhubs/orchestrations/forceterminate', { InstanceIds: ['ctl-3'], Reason: 'now' });
  assert.equal(forced.status, 200);
  assert.equal((await waitForDone(c, 'ctl-3')).runtimeStatus, OrchestrationStatus.TERMINATED);
  const restarted = await call(http(), 'POST', '/v1/taskhubs/orchestrations/ctl-1/restart', { restartWithNewInstanceId: true });
  assert.notEqual(restarted.body.instanceId, 'ctl-1');
  const purged = await call(http(), 'DELETE', '/v1/taskhubs/orchestrations/purge', { instanceIds: ['ctl-2', 'ctl-3'] });
  assert.equal(purged.body.deletedInstanceCount, 2);
  assert.equal((await call(http(), 'DELETE', '/v1/taskhubs/orchestrations/ctl-1')).body.deletedInstanceCount, 1);
  assertProblem(await call(http(), 'GET', '/v1/taskhubs/orchestrations/ctl-1'), 404, /does not exist/);
});

it('entities, workers, metrics, hubs and ping', async () => {
  const entities = await call(http(), 'POST', '/v1/taskhubs/entities/query', {});
  assert.deepEqual(entities.body.entities, []);
  assertProblem(await call(http(), 'GET', '/v1/taskhubs/entities/@counter@x'), 404, /does not exist/);
  assert.equal((await call(http(), 'DELETE', '/v1/taskhubs/entities/@counter@x')).status, 202);
  const workers = await call(http(), 'GET', '/v1/taskhubs/workers');
  assert.equal(workers.body.workers.length, 1);
  assert.ok('max' in workers.body.workers[0].orchestrations);
  const hubs = await call(http(), 'GET', '/v1/taskhubs', undefined, null);
  assert.equal(hubs.body.taskHubs[0].taskHub, 'default');
  assert.equal((await call(http(), 'GET', '/v1/ping', undefined, null)).body.status, 'ok');
  const scale = await call(http(), 'GET', '/v1/scale', undefined, null);
  assert.equal(scale.body.taskHubs[0].hub, 'default');
  const ui = await call(http(), 'GET', '/hubs/default/orchestrations?status=RUNNING', undefined, null);
  assert.match(String(ui.body), /<div id="app">/);
  assert.equal((await call(http(), 'GET', '/healthz', undefined, null)).body.status, 'ok');
});

it('bad input is a 400 problem and changes nothing', async () => {
  const bad: [string, string, unknown, RegExp][] = [
    ['POST', '/v1/taskhubs/orchestrations', '{not json', /not valid JSON/],
    ['POST', '/v1/taskhubs/orchestrations', { instanceId: 'x' }, /name is required/],
    ['POST', '/v1/taskhubs/orchestrations', { name: 'waiter', tags: { a: 1 } }, /tags\.a/],
    ['POST', '/v1/taskhubs/orchestrations', { name: 'waiter', scheduledStartTimestamp: 'tomorrow' }, /ISO-8601/],
    ['POST', '/v1/taskhubs/orchestrations', { name: 'waiter', instanceId: 'a'.repeat(101) }, /longer than/],
    ['POST', '/v1/taskhubs/orchestrations/query', { filter: { orchestrationStatus: ['DONE'] } }, /orchestrationStatus/],
    ['POST', '/v1/taskhubs/orchestrations/query', { pagination: { count: 0 } }, /count/],
    ['POST', '/v1/taskhubs/orchestrations/query', { pagination: { continuationToken: 'garbage' } }, /continuationToken/],
    ['POST', '/v1/taskhubs/orchestrations/query', { sort: [{ column: 'NAME' }] }, /not supported/],
    ['POST', '/v1/taskhubs/orchestrations/query', { filter: { createdAt: { from: 'yesterday' } } }, /ISO-8601/],
    ['POST', '/v1/taskhubs/orchestrations/query', [1, 2], /JSON object/],
    ['POST', '/v1/taskhubs/orchestrations/api-1/history', { eventRaised: {} }, /name is required/],
    ['POST', '/v1/taskhubs/orchestrations/api-1/history', { executionExploded: {} }, /unknown control event/],
    ['POST', '/v1/taskhubs/orchestrations/api-1/history', { executionSuspended: {}, executionResumed: {} }, /exactly one/],
    ['POST', '/v1/taskhubs/orchestrations/api-1/restart', { restartWithNewInstanceId: 'yes' }, /true or false/],
    ['POST', '/v1/taskhubs/orchestrations/forceterminate', { InstanceIds: 'api-1' }, /array/],
    ['DELETE', '/v1/taskhubs/orchestrations/purge', { instanceIds: [] }, /1 to 500/],
    ['POST', '/v1/taskhubs/orchestrations/addhistoryevents', { events: { 'api-2': { eventRaised: {} } } }, /name is required/],
    ['DELETE', '/v1/taskhubs/entities/not-an-entity', undefined, /@name@key/],
    ['GET', '/v1/taskhubs/metrics?minutes=99', undefined, /minutes/],
  ];
  for (const [method, path, body, detail] of bad) assertProblem(await call(http(), method, path, body), 400, detail);
  assertProblem(await call(http(), 'GET', '/v1/taskhubs/workers', undefined, null), 400, /x-taskhub/);
  assertProblem(await call(http(), 'GET', '/v1/taskhubs/workers', undefined, 'ghost'), 404, /ghost/);
  const notAllowed = await call(http(), 'PUT', '/v1/taskhubs/orchestrations/query', {});
  assertProblem(notAllowed, 405, /not supported/);
  assert.equal(notAllowed.headers.get('allow'), 'GET, HEAD, POST, DELETE', 'the path is also orchestrations/{id}');
  // Nothing changed: api-2 still runs (the bad batch raised nothing), no 'x' was created.
  const state = await (client as TaskHubGrpcClient).getOrchestrationState('api-2');
  assert.equal(state?.runtimeStatus, OrchestrationStatus.RUNNING);
  assert.equal(await (client as TaskHubGrpcClient).getOrchestrationState('x'), undefined);
});

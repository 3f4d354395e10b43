/**
 * Scale signals end to end: a known backlog (orchestrations started, no worker) is reported
 * exactly as JSON, as Prometheus text and by the KEDA external scaler; the numbers drop to zero
 * once a worker drains it. Real server process, real SDK, real SQLite.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext, TaskHubGrpcClient, TaskHubGrpcWorker } from '@microsoft/durabletask-js';
import { createMsClient, startMsWorker, stopAll, waitForDone } from '../support/sdk-ms.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { eventually } from '../support/wait.ts';
import { call, kedaClient, type KedaClient } from './dashboard-support.ts';
import type { Json } from '../support/json.ts';
import type { ServiceError } from '@grpc/grpc-js';

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;
let keda: KedaClient | undefined;

before(async () => {
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
  keda = kedaClient(server.grpcAddress);
});

after(async () => {
  keda?.client.close();
  await stopAll(worker, client);
  await server?.dispose();
});

async function* hello(_ctx: OrchestrationContext, name: string): AsyncGenerator<unknown, string> {
  return `hello ${name}`;
}

const META = { taskhubName: 'default', workItemType: 'Orchestration', maxConcurrentWorkItemsCount: '2' };

test('a backlog of 7 orchestrations is exact in JSON, Prometheus and KEDA, then drains to zero', { timeout: 90_000 }, withServerOutput(() => [server], async () => {
  const s = server as DtsServer;
  const c = client as TaskHubGrpcClient;
  const k = keda as KedaClient;
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push(await c.scheduleNewOrchestration('hello', `n${i}`));

  const json = await eventually('pending = 7', async () => {
    const r = await call(s.httpAddress, 'GET', '/v1/taskhubs/metrics');
    return r.body?.orchestration?.pending === 7 ? r.body : undefined;
  });
  assert.equal(json.orchestration.active, 0);
  assert.equal(json.activity.pending, 0);
  assert.equal(json.entity.pending, 0);
  assert.ok(json.orchestration.oldestPendingAgeMs >= 0);
  assert.equal(json.orchestration.workers, 0);

  const prom = await call(s.httpAddress, 'GET', '/metrics', undefined, null);
  assert.equal(prom.status, 200);
  assert.match(prom.headers.get('content-type') ?? '', /text\/plain/);
  assert.ok(prom.body.includes('dts_work_items_pending{scheduler="default",taskhub="default",work_item_type="orchestration"} 7'), prom.body.slice(0, 2000));
  assert.ok(prom.body.includes('dts_work_items_active{scheduler="default",taskhub="default",work_item_type="orchestration"} 0'));
  assert.ok(prom.body.includes('dts_work_items_pending{scheduler="default",taskhub="default",work_item_type="activity"} 0'));
  assert.match(prom.body, /dts_store_call_duration_seconds_bucket\{le="0.001",method="createInstance",outcome="ok"\} \d+/);
  assert.match(prom.body, /dts_process_resident_memory_bytes \d+/);

  assert.equal(await k.isActive(META), true);
  const spec = await k.getMetricSpec(META);
  assert.deepEqual(spec.metricSpecs, [{ metricName: 'dts-default-orchestration', targetSize: 2, targetSizeFloat: 2 }]);
  const metrics = await k.getMetrics(META, 'dts-default-orchestration');
  assert.deepEqual(metrics.metricValues, [{ metricName: 'dts-default-orchestration', metricValue: 7, metricValueFloat: 7 }]);
  const activities = await k.getMetrics({ ...META, workItemType: 'Activity' });
  assert.equal(activities.metricValues[0].metricValue, 0);
  await assert.rejects(k.getMetrics({ ...META, workItemType: 'Timer' }), (e: ServiceError) => e.code === 3 && /workItemType/.test(e.details));
  await assert.rejects(k.getMetrics({ ...META, maxConcurrentWorkItemsCount: '0' }), (e: ServiceError) => e.code === 3);
  await assert.rejects(k.isActive({ taskhubName: 'nope' }), (e: ServiceError) => e.code === 5);
  await assert.rejects(k.isActive({}), (e: ServiceError) => e.code === 3 && /taskhubName/.test(e.details));

  // StreamIsActive answers at once with the current state.
  const stream = (k.client as Json).StreamIsActive({ name: 'workers', namespace: 'default', scalerMetadata: META });
  const first = await new Promise<Json>((resolve, reject) => stream.once('data', resolve).once('error', reject));
  stream.cancel();
  stream.on('error', () => {});
  assert.equal(first.result, true);

  worker = await startMsWorker(s.grpcAddress, (w) => w.addOrchestrator(hello));
  for (const id of ids) await waitForDone(c, id);
  await eventually('pending = 0', async () => {
    const r = await call(s.httpAddress, 'GET', '/v1/taskhubs/metrics');
    return r.body?.orchestration?.pending === 0 && r.body.orchestration.active === 0 ? true : undefined;
  });
  const drained = await call(s.httpAddress, 'GET', '/v1/taskhubs/metrics');
  assert.equal(drained.body.orchestration.workers, 1);
  assert.ok(drained.body.throughput.orchestration.length > 0);
  const prom2 = await call(s.httpAddress, 'GET', '/metrics', undefined, null);
  assert.ok(prom2.body.includes('dts_work_items_pending{scheduler="default",taskhub="default",work_item_type="orchestration"} 0'));
  assert.match(prom2.body, /dts_work_items_dispatched_total\{scheduler="default",taskhub="default",work_item_type="orchestration"\} ([7-9]|\d\d+)/);
  assert.equal((await k.getMetrics(META)).metricValues[0].metricValue, 0);
  assert.equal(await k.isActive(META), false);
}));

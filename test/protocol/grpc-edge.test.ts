/**
 * The gRPC edge of a server without --auth, on the wire (a bare HTTP/2 client): what one message
 * may cost before it is decoded (the 28 MB of empty actions, a million tags, each call's own
 * maximum size), nesting and time ranges, gRPC framing oddities, streams that fail and must end
 * with their status, KEDA reaching only its own scheduler's hubs, and task hubs made or removed
 * over gRPC being the control plane's hubs. After everything the server still answers Hello.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { bytesField, stringField } from '../../bench/driver/proto-wire.ts';
import { proto, type pb } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader, type RawSidecarClient } from '../support/raw-client.ts';
import { assertStatus, frame, RawGrpc, SIDECAR, type RawAnswer } from '../support/raw-http2.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { uniqueId } from '../support/wait.ts';
import { emptyActions, failedActivity, failureChain, manyTags, residentMb, scaledObjectRef, time } from '../support/wire-requests.ts';

const KEDA = '/externalscaler.ExternalScaler/';
const SCHEDULERS = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers';
const Code = { OK: 0, INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, INTERNAL: 13 } as const;

let server: DtsServer;
let raw: RawGrpc;
let client: RawSidecarClient;

before(async () => {
  server = await DtsServer.start({ extraArgs: ['--scheduler-ports', '0'] });
  raw = RawGrpc.connect(server.grpcAddress);
  client = rawClient(server.grpcAddress);
});

after(async () => {
  raw?.close();
  client?.close();
  await server?.dispose();
});

function test(name: string, body: () => Promise<void>): void {
  it(name, { timeout: 120_000 }, withServerOutput(() => [server], body));
}

async function rest(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`http://${server.httpAddress}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await res.arrayBuffer();
  return res.status;
}

describe('what one message may cost', () => {
  test('CompleteOrchestratorTask of 14 million empty actions (28 MB) is refused at once; memory stays bounded', async () => {
    const answer = await raw.call(`${SIDECAR}CompleteOrchestratorTask`, frame(emptyActions(14_000_000)), { timeoutMs: 10_000 });
    assertStatus(answer, Code.RESOURCE_EXHAUSTED, /^OrchestratorResponse\.actions has more than 100000 entries; the maximum is 100000$/, '28 MB of empty actions');
    const { peak } = residentMb(server.pid!);
    assert.ok(peak < 600, `the server's peak RSS reached ${peak.toFixed(0)} MB`);
  });

  test('StartInstance with a million tags is refused at the 65th, and nothing is created', async () => {
    const id = uniqueId('tags');
    const answer = await raw.call(`${SIDECAR}StartInstance`, frame(manyTags(id, 1_000_000)), { timeoutMs: 10_000 });
    assertStatus(answer, Code.INVALID_ARGUMENT, /^CreateInstanceRequest\.tags has more than 64 entries; the maximum is 64$/, 'a million tags');
    assert.equal((await call(client.getInstance, client, new proto.GetInstanceRequest().setInstanceid(id))).getExists(), false);
    assert.ok(residentMb(server.pid!).peak < 600);
  });

  test('each call takes at most its own maximum, refused as soon as the message prefix declares more', async () => {
    // GetInstance carries no payload: its maximum is the envelope (ids, names, tags at their limits).
    const declared = Buffer.from([0, 0, 0x10, 0, 0]);
    const answer = await raw.call(`${SIDECAR}GetInstance`, declared, { keepOpen: true, timeoutMs: 5000 });
    assertStatus(answer, Code.RESOURCE_EXHAUSTED, /GetInstance request message is 1048576 bytes; the maximum for this call is 286720 bytes/, 'a 1 MB GetInstance');
    // StartInstance carries one payload: the envelope plus --payload-bytes-max (16 MiB).
    const start = await raw.call(`${SIDECAR}StartInstance`, Buffer.from([0, 0x02, 0, 0, 0]), { keepOpen: true, timeoutMs: 5000 });
    assertStatus(start, Code.RESOURCE_EXHAUSTED, /maximum for this call is 17063936 bytes/, 'a 32 MiB StartInstance');
  });
});

describe('nesting and time ranges', () => {
  test('failure details nested 3,000 deep are refused; 32 levels are taken and reach the orchestration', async () => {
    const id = uniqueId('nest');
    const worker = new WorkItemReader(client);
    try {
      await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid(id).setName('Orch'));
      const first = await worker.nextFor(id);
      const schedule = new proto.OrchestratorAction().setId(0).setScheduletask(new proto.ScheduleTaskAction().setName('Act'));
      const response = new proto.OrchestratorResponse().setInstanceid(id).setCompletiontoken(first.getCompletiontoken());
      response.addActions(schedule);
      await call(client.completeOrchestratorTask, client, response);
      const activity = await worker.nextFor(id);
      const token = activity.getCompletiontoken();
      const deep = await raw.call(`${SIDECAR}CompleteActivityTask`, frame(failedActivity(id, 0, failureChain(3000), token)));
      assertStatus(deep, Code.INVALID_ARGUMENT, /^ActivityResponse\.failureDetails\.innerFailure\(x32\) nests failure details \(innerFailure\) more than 32 levels deep; the maximum is 32$/, '3,000 levels');
      const taken = await raw.call(`${SIDECAR}CompleteActivityTask`, frame(failedActivity(id, 0, failureChain(32), token)));
      assertStatus(taken, Code.OK, /OK/, '32 levels');
      const next = await worker.nextFor(id);
      const failed = next.getOrchestratorrequest()!.getNeweventsList().find((e) => e.hasTaskfailed())!;
      let depth = 0;
      for (let f: pb.TaskFailureDetails | undefined = failed.getTaskfailed()!.getFailuredetails(); f !== undefined; f = f.getInnerfailure()) depth++;
      assert.equal(depth, 32, 'the whole chain reached the next work item');
    } finally {
      worker.close();
    }
  });

  test('every Timestamp and Duration out of range is INVALID_ARGUMENT, in every request that carries one', async () => {
    const id = uniqueId('time');
    const start = (t: Buffer) => Buffer.concat([stringField(1, id), stringField(2, 'Orch'), bytesField(5, t)]);
    const timer = (t: Buffer) => bytesField(2, bytesField(4, bytesField(1, t)));
    const query = (t: Buffer) => bytesField(1, bytesField(2, t));
    const signal = (t: Buffer) => Buffer.concat([stringField(1, '@counter@x'), stringField(2, 'add'), bytesField(5, t)]);
    const purge = (t: Buffer) => bytesField(2, bytesField(4, t));
    const cases: [string, Buffer, RegExp][] = [
      ['StartInstance', start(time(1e15, 0)), /^CreateInstanceRequest\.scheduledStartTimestamp has seconds 1000000000000000; a Timestamp lies from 0001-01-01 to 9999-12-31/],
      ['StartInstance', start(time(0, -1)), /^CreateInstanceRequest\.scheduledStartTimestamp has nanos -1/],
      ['StartInstance', start(time(0, 1e9)), /^CreateInstanceRequest\.scheduledStartTimestamp has nanos 1000000000/],
      ['CompleteOrchestratorTask', timer(time(-1e13, 0)), /^OrchestratorResponse\.actions\.createTimer\.fireAt has seconds -10000000000000/],
      ['QueryInstances', query(time(253_402_300_800, 0)), /^QueryInstancesRequest\.query\.createdTimeFrom has seconds 253402300800/],
      ['SignalEntity', signal(time(-62_135_596_801, 0)), /^SignalEntityRequest\.scheduledTime has seconds -62135596801/],
      ['PurgeInstances', purge(time(1, -1)), /^PurgeInstancesRequest\.purgeInstanceFilter\.timeout has nanos -1; a Duration's nanos/],
      ['ListInstanceIds', bytesField(3, time(1e12, 0)), /^ListInstanceIdsRequest\.completedTimeTo has seconds 1000000000000/],
    ];
    for (const [method, body, details] of cases) assertStatus(await raw.call(`${SIDECAR}${method}`, frame(body)), Code.INVALID_ARGUMENT, details, method);
    assert.equal((await call(client.getInstance, client, new proto.GetInstanceRequest().setInstanceid(id))).getExists(), false, 'nothing was started');
    assertStatus(await raw.call(`${SIDECAR}StartInstance`, frame(start(time(253_402_300_799, 999_999_999)))), Code.OK, /OK/, 'the last second of 9999');
  });
});

describe('gRPC framing', () => {
  test('a message with the Compressed-Flag but no grpc-encoding is INTERNAL; with grpc-encoding: gzip it is read', async () => {
    assertStatus(await raw.call(`${SIDECAR}Hello`, frame(new Uint8Array(0), 1)), Code.INTERNAL, /Compressed-Flag set but the request declares no grpc-encoding/, 'flag without encoding');
    const gzipped = await raw.call(`${SIDECAR}Hello`, frame(gzipSync(new Uint8Array(0)), 1), { headers: { 'grpc-encoding': 'gzip' } });
    assertStatus(gzipped, Code.OK, /OK/, 'gzip');
  });

  test('a unary request cut short, one without its message and one with two are INTERNAL, not UNIMPLEMENTED', async () => {
    const message = new proto.GetInstanceRequest().setInstanceid('x').serializeBinary();
    const whole = frame(message);
    assertStatus(await raw.call(`${SIDECAR}GetInstance`, whole.subarray(0, whole.length - 1)), Code.INTERNAL, /GetInstance request ended after 2 of the 3 bytes of a message/, 'cut short');
    assertStatus(await raw.call(`${SIDECAR}GetInstance`, whole.subarray(0, 3)), Code.INTERNAL, /ended after 3 of the 5 bytes of a message prefix/, 'prefix cut short');
    assertStatus(await raw.call(`${SIDECAR}GetInstance`, []), Code.INTERNAL, /GetInstance request ended without its message/, 'no message');
    assertStatus(await raw.call(`${SIDECAR}GetInstance`, [whole, whole]), Code.INTERNAL, /takes 1 request message; a further one arrived/, 'two messages');
  });

  test('streams that fail end at once with their status: GetWorkItems, StreamInstanceHistory, StreamIsActive', async () => {
    const options = { timeoutMs: 5000 };
    const unknownHub = { ...options, headers: { taskhub: 'no-such-hub' } };
    const cases: [string, RawAnswer, number, RegExp][] = [
      ['GetWorkItems, undecodable', await raw.call(`${SIDECAR}GetWorkItems`, frame(Buffer.from([0x12, 0x05])), options), Code.INVALID_ARGUMENT, /GetWorkItemsRequest has field 2 declaring 5 bytes/],
      ['GetWorkItems, unknown hub', await raw.call(`${SIDECAR}GetWorkItems`, frame(new Uint8Array(0)), unknownHub), Code.NOT_FOUND, /Task hub not found: 'no-such-hub'/],
      ['GetWorkItems, bad filters', await raw.call(`${SIDECAR}GetWorkItems`, frame(bytesField(11, Buffer.from([0x0a, 0x00, 0x0a]))), options), Code.INVALID_ARGUMENT, /workItemFilters/],
      ['StreamInstanceHistory, unknown hub', await raw.call(`${SIDECAR}StreamInstanceHistory`, frame(stringField(1, 'x')), unknownHub), Code.NOT_FOUND, /Task hub not found/],
      ['StreamInstanceHistory, undecodable', await raw.call(`${SIDECAR}StreamInstanceHistory`, frame(Buffer.from([0x0a, 0x09, 0x41])), options), Code.INVALID_ARGUMENT, /field 1 declaring 9 bytes/],
      ['StreamIsActive, unknown hub', await raw.call(`${KEDA}StreamIsActive`, frame(scaledObjectRef({ taskhubName: 'no-such-hub' })), options), Code.NOT_FOUND, /no-such-hub/],
      ['StreamIsActive, no hub named', await raw.call(`${KEDA}StreamIsActive`, frame(scaledObjectRef({})), options), Code.INVALID_ARGUMENT, /taskhubName is required/],
    ];
    for (const [what, answer, code, details] of cases) assertStatus(answer, code, details, what);
  });
});

describe('task hubs and schedulers', () => {
  test('KEDA reaches only the hubs of the scheduler whose endpoint it came to, past that scheduler\'s allowlist only', async () => {
    const put = await fetch(`http://${server.httpAddress}${SCHEDULERS}/walled`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'local', properties: { ipAllowlist: ['10.0.0.0/8'], sku: { name: 'Dedicated', capacity: 1 } } }),
    });
    const walled = (await put.json()) as { properties: { endpoint: string } };
    assert.equal(put.status, 201);
    assert.equal(await rest('PUT', `${SCHEDULERS}/walled/taskHubs/hub-one`, {}), 201);
    for (const name of ['default/default/walled/hub-one', 'DEFAULT/default/walled/hub-one']) {
      const metrics = Buffer.concat([bytesField(1, scaledObjectRef({ taskhubName: name })), stringField(2, 'm')]);
      assertStatus(await raw.call(`${KEDA}GetMetrics`, frame(metrics)), Code.INVALID_ARGUMENT, /must be the name of a task hub of this endpoint's scheduler/, `GetMetrics ${name}`);
      assertStatus(await raw.call(`${KEDA}IsActive`, frame(scaledObjectRef({ taskhubName: name }))), Code.INVALID_ARGUMENT, /another scheduler's hubs are served by its own endpoint/, `IsActive ${name}`);
    }
    const own = RawGrpc.connect(`127.0.0.1:${new URL(walled.properties.endpoint).port}`);
    try {
      assertStatus(await own.call(`${KEDA}IsActive`, frame(scaledObjectRef({ taskhubName: 'hub-one' }))), Code.PERMISSION_DENIED, /127\.0\.0\.1.*not in the IP allowlist of scheduler 'walled'/, 'its own endpoint');
    } finally {
      own.close();
    }
    assertStatus(await raw.call(`${KEDA}IsActive`, frame(scaledObjectRef({ taskhubName: 'default' }))), Code.OK, /OK/, 'the default hub');
  });

  test('a hub made or removed over gRPC is the control plane\'s hub too, and the other way round', async () => {
    const hubPath = (hub: string) => `${SCHEDULERS}/default/taskHubs/${hub}`;
    const getInstance = (hub: string) => raw.call(`${SIDECAR}GetInstance`, frame(stringField(1, 'x')), { headers: { taskhub: hub } });
    assertStatus(await raw.call(`${SIDECAR}CreateTaskHub`, frame(new Uint8Array(0)), { headers: { taskhub: 'grpc-made' } }), Code.OK, /OK/, 'CreateTaskHub');
    assert.equal(await rest('GET', hubPath('grpc-made')), 200, 'the control plane lists a hub made over gRPC');
    assertStatus(await raw.call(`${SIDECAR}DeleteTaskHub`, frame(new Uint8Array(0)), { headers: { taskhub: 'grpc-made' } }), Code.OK, /OK/, 'DeleteTaskHub');
    assert.equal(await rest('GET', hubPath('grpc-made')), 404, 'the control plane no longer lists a hub removed over gRPC');
    assertStatus(await getInstance('grpc-made'), Code.NOT_FOUND, /Task hub not found/, 'the removed hub');
    assert.equal(await rest('PUT', hubPath('rest-made'), {}), 201);
    assertStatus(await getInstance('rest-made'), Code.OK, /OK/, 'a hub made over REST');
    assert.equal(await rest('DELETE', hubPath('rest-made')), 200);
    assertStatus(await getInstance('rest-made'), Code.NOT_FOUND, /Task hub not found/, 'a hub removed over REST');
    assertStatus(await raw.call(`${SIDECAR}CreateTaskHub`, frame(new Uint8Array(0)), { headers: { taskhub: 'ab' } }), Code.INVALID_ARGUMENT, /3-64 letters/, 'the control plane\'s name rules');
  });
});

describe('afterwards', () => {
  test('the server still answers Hello', async () => {
    assertStatus(await raw.call(`${SIDECAR}Hello`, frame(new Uint8Array(0))), Code.OK, /OK/, 'Hello');
  });
});

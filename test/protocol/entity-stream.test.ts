/**
 * Entity work on the wire, driven by a bare client: which streams get entity work. A stream that
 * declares nothing (as both JS SDKs do) is sent one capability probe and, if it stays silent
 * (as `@dapr/durabletask-js` does), never receives real entity work; a stream that declares an
 * entity limit, that comes from gRPC for Python, or that answers the probe, does. Also: a batch result covering fewer
 * operations than were sent leaves the rest queued.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { proto, StringValue, type pb } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader, type RawSidecarClient } from '../support/raw-client.ts';
import { DtsServer } from '../support/server-process.ts';
import { sleep, uniqueId } from '../support/wait.ts';

type Unary<Req, Res> = RawSidecarClient['completeActivityTask'] & ((req: Req, md: never, cb: (e: unknown, r: Res) => void) => void);
interface EntityRpcs {
  signalEntity: Unary<pb.SignalEntityRequest, pb.SignalEntityResponse>;
  getEntity: Unary<pb.GetEntityRequest, pb.GetEntityResponse>;
  completeEntityTask: Unary<pb.EntityBatchResult, pb.CompleteTaskResponse>;
}

let server: DtsServer;
let client: RawSidecarClient;
let rpc: EntityRpcs;

before(async () => {
  server = await DtsServer.start();
  client = rawClient(server.grpcAddress);
  rpc = client as unknown as EntityRpcs;
});

after(async () => {
  client?.close();
  await server?.dispose();
});

function signal(instanceId: string, name: string, input: string): Promise<unknown> {
  const req = new proto.SignalEntityRequest().setInstanceid(instanceId).setName(name).setRequestid(uniqueId('r')).setInput(new StringValue().setValue(input));
  return call(rpc.signalEntity as never, client, req);
}

function completeBatch(item: pb.WorkItem, results: number, state: string | undefined): Promise<unknown> {
  const result = new proto.EntityBatchResult().setCompletiontoken(item.getCompletiontoken());
  result.setResultsList(Array.from({ length: results }, () => new proto.OperationResult().setSuccess(new proto.OperationResultSuccess())));
  if (state !== undefined) result.setEntitystate(new StringValue().setValue(state));
  return call(rpc.completeEntityTask as never, client, result);
}

async function stateOf(instanceId: string): Promise<string | undefined> {
  const res = (await call(rpc.getEntity as never, client, new proto.GetEntityRequest().setInstanceid(instanceId).setIncludestate(true))) as pb.GetEntityResponse;
  return res.getExists() ? res.getEntity()?.getSerializedstate()?.getValue() : undefined;
}

function operationsOf(item: pb.WorkItem): string[] {
  return (item.getEntityrequestv2()?.getOperationrequestsList() ?? []).map((e) => e.getEntityoperationsignaled()?.getOperation() ?? '?');
}

it('a silent undeclared stream gets one probe and no entity work; a declared stream gets the work', async () => {
  const silent = new WorkItemReader(client);
  const entity = `@counter@${uniqueId('k')}`;
  try {
    await sleep(200);
    await signal(entity, 'add', '5');
    const probe = await silent.next();
    assert.ok(probe.hasEntityrequestv2(), 'the probe is an entityRequestV2');
    assert.match(probe.getEntityrequestv2()!.getInstanceid(), /^@dts-capability-probe@/);
    assert.equal(probe.getEntityrequestv2()!.getOperationrequestsList().length, 0, 'the probe carries no operation');
    await sleep(500);
    assert.equal(silent.pending, 0, 'no entity work for a stream that did not answer');

    const declared = new WorkItemReader(client, new proto.GetWorkItemsRequest().setMaxconcurrententityworkitems(1));
    try {
      const item = await declared.next();
      assert.equal(item.getEntityrequestv2()?.getInstanceid(), entity);
      assert.deepEqual(operationsOf(item), ['add']);
      assert.equal(item.getEntityrequestv2()?.hasEntitystate(), false, 'a new entity has no state');
      await completeBatch(item, 1, '5');
      assert.equal(await stateOf(entity), '5');
      assert.equal(silent.pending, 0);
    } finally {
      declared.close();
    }
  } finally {
    silent.close();
  }
});

it('a stream from gRPC for Python that declares only orchestration and activity limits gets entity work, unprobed', async () => {
  // durabletask-python's worker handles entities but declares no entity limit; any other stream
  // declaring only those limits does not host entities.
  const limits = () => new proto.GetWorkItemsRequest().setMaxconcurrentorchestrationworkitems(8).setMaxconcurrentactivityworkitems(8);
  const other = new WorkItemReader(client, limits());
  const pythonClient = rawClient(server.grpcAddress, undefined, { 'grpc.primary_user_agent': 'grpc-python/1.85.3' });
  const entity = `@counter@${uniqueId('py')}`;
  try {
    await sleep(200);
    await signal(entity, 'add', '2');
    const python = new WorkItemReader(pythonClient, limits());
    try {
      const item = await python.next();
      assert.equal(item.getEntityrequestv2()?.getInstanceid(), entity, 'real entity work, no probe first');
      await completeBatch(item, 1, '2');
      assert.equal(await stateOf(entity), '2');
      assert.equal(other.pending, 0, 'the other stream got neither work nor a probe');
    } finally {
      python.close();
    }
  } finally {
    other.close();
    pythonClient.close();
  }
});

it('a stream that answers the probe gets entity work; a partial result leaves the rest queued', async () => {
  const worker = new WorkItemReader(client);
  const entity = `@counter@${uniqueId('p')}`;
  try {
    await sleep(200);
    for (const n of ['1', '2', '3']) await signal(entity, `op${n}`, n);
    const probe = await worker.next();
    assert.match(probe.getEntityrequestv2()?.getInstanceid() ?? '', /^@dts-capability-probe@/);
    await completeBatch(probe, 0, undefined);
    const first = await worker.next();
    assert.equal(first.getEntityrequestv2()?.getInstanceid(), entity);
    assert.deepEqual(operationsOf(first), ['op1', 'op2', 'op3']);
    await completeBatch(first, 2, '"after two"');
    const rest = await worker.next();
    assert.deepEqual(operationsOf(rest), ['op3'], 'the operation without a result is delivered again');
    assert.equal(rest.getEntityrequestv2()?.getEntitystate()?.getValue(), '"after two"');
    await completeBatch(rest, 1, '"after three"');
    assert.equal(await stateOf(entity), '"after three"');
  } finally {
    worker.close();
  }
});

/**
 * How the server learns, without sending the worker anything, whether a stream that declared
 * nothing takes entity work (src/engine/entity-support.ts), driven by a bare client: a stream
 * that echoes completion tokens (as `@microsoft/durabletask-js` does) gets entity work without
 * a probe, one that does not (as `@dapr/durabletask-js`) gets neither; while a stream known to
 * take entities is connected, nobody is probed; and work-item filters that name entities take
 * exactly those. Each test has its own server, so no entity work is left over between them.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { proto, StringValue, type pb } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader, type RawSidecarClient } from '../support/raw-client.ts';
import { DtsServer } from '../support/server-process.ts';
import { sleep, uniqueId } from '../support/wait.ts';

type Unary<Req, Res> = (req: Req, md: never, cb: (e: unknown, r: Res) => void) => void;
interface EntityRpcs {
  signalEntity: Unary<pb.SignalEntityRequest, pb.SignalEntityResponse>;
  completeEntityTask: Unary<pb.EntityBatchResult, pb.CompleteTaskResponse>;
}

/** Long enough for a wrongly sent probe or batch to arrive; only waiting can show that none did. */
const quietMs = 1_000;

let server: DtsServer;
let client: RawSidecarClient;
const readers: WorkItemReader[] = [];

beforeEach(async () => {
  server = await DtsServer.start();
  client = rawClient(server.grpcAddress);
});

afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  client?.close();
  await server?.dispose();
});

function reader(request = new proto.GetWorkItemsRequest()): WorkItemReader {
  const r = new WorkItemReader(client, request);
  readers.push(r);
  return r;
}

function signal(instanceId: string): Promise<unknown> {
  const req = new proto.SignalEntityRequest().setInstanceid(instanceId).setName('add').setRequestid(uniqueId('r')).setInput(new StringValue().setValue('1'));
  return call((client as unknown as EntityRpcs).signalEntity as never, client, req);
}

function completeBatch(item: pb.WorkItem): Promise<unknown> {
  const result = new proto.EntityBatchResult().setCompletiontoken(item.getCompletiontoken());
  result.setResultsList([new proto.OperationResult().setSuccess(new proto.OperationResultSuccess())]);
  return call((client as unknown as EntityRpcs).completeEntityTask as never, client, result);
}

/** Runs one orchestration on `worker` to completion, echoing the completion token or not. */
async function runOrchestration(worker: WorkItemReader, echoToken: boolean): Promise<void> {
  const id = uniqueId('orch');
  await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid(id).setName('Orch'));
  const item = await worker.next();
  assert.equal(item.getOrchestratorrequest()?.getInstanceid(), id);
  const done = new proto.OrchestratorAction()
    .setId(0)
    .setCompleteorchestration(new proto.CompleteOrchestrationAction().setOrchestrationstatus(proto.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
  const response = new proto.OrchestratorResponse().setInstanceid(id).setActionsList([done]);
  if (echoToken) response.setCompletiontoken(item.getCompletiontoken());
  await call(client.completeOrchestratorTask, client, response);
}

function entityIdOf(item: pb.WorkItem): string | undefined {
  return item.getEntityrequestv2()?.getInstanceid();
}

it('an undeclared stream that echoes completion tokens gets entity work, never a probe', async () => {
  const worker = reader();
  await runOrchestration(worker, true);
  const entity = `@counter@${uniqueId('k')}`;
  await signal(entity);
  const item = await worker.next();
  assert.equal(entityIdOf(item), entity, 'real entity work first, no probe');
  await completeBatch(item);
});

it('an undeclared stream that completes without tokens is neither probed nor given entity work', async () => {
  const dapr = reader();
  await runOrchestration(dapr, false);
  const entity = `@counter@${uniqueId('k')}`;
  await signal(entity);
  await sleep(quietMs);
  assert.equal(dapr.pending, 0, 'no probe and no entity work');
  const declared = reader(new proto.GetWorkItemsRequest().setMaxconcurrententityworkitems(4));
  assert.equal(entityIdOf(await declared.next()), entity, 'a stream that declares entities gets the work');
  assert.equal(dapr.pending, 0);
});

it('while a stream known to take entities is connected, undeclared streams are not probed; the work waits for it', async () => {
  const host = reader(new proto.GetWorkItemsRequest().setMaxconcurrententityworkitems(1));
  const undeclared = reader();
  const [first, second] = [`@counter@${uniqueId('a')}`, `@counter@${uniqueId('b')}`];
  await signal(first);
  await signal(second);
  const held = await host.next();
  await sleep(quietMs);
  assert.equal(undeclared.pending, 0, 'the busy host keeps the undeclared stream from being probed');
  await completeBatch(held);
  const next = await host.next();
  assert.deepEqual([entityIdOf(held), entityIdOf(next)].sort(), [first, second].sort());
  assert.equal(undeclared.pending, 0);
});

it('work-item filters that name entities take exactly those entities', async () => {
  const filters = new proto.WorkItemFilters().setEntitiesList([new proto.EntityFilter().setName('counter')]);
  const counterHost = reader(new proto.GetWorkItemsRequest().setWorkitemfilters(filters));
  const [counter, other] = [`@counter@${uniqueId('c')}`, `@other@${uniqueId('o')}`];
  await signal(other);
  await signal(counter);
  const item = await counterHost.next();
  assert.equal(entityIdOf(item), counter);
  await completeBatch(item);
  await sleep(quietMs);
  assert.equal(counterHost.pending, 0, 'the filtered stream never gets the entity it did not name');
  const any = reader(new proto.GetWorkItemsRequest().setMaxconcurrententityworkitems(4));
  assert.equal(entityIdOf(await any.next()), other);
});

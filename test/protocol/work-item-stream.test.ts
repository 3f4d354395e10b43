/**
 * The work-item stream on the wire, driven by a bare client: declared caps, completion tokens,
 * stale completions, chunked responses, abandon, streams that close with work in flight, and
 * requests that cannot be decoded.
 */
import assert from 'node:assert/strict';
import { Metadata } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { proto, StringValue, Timestamp, type pb } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader, type RawSidecarClient } from '../support/raw-client.ts';
import { DtsServer } from '../support/server-process.ts';
import { assertGrpcStatus, GrpcStatus } from '../support/grpc-status.ts';
import { uniqueId } from '../support/wait.ts';

let server: DtsServer;
let client: RawSidecarClient;

before(async () => {
  server = await DtsServer.start();
  client = rawClient(server.grpcAddress);
});

after(async () => {
  client?.close();
  await server?.dispose();
});

async function start(name = 'Orch'): Promise<string> {
  const id = uniqueId('raw');
  await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid(id).setName(name));
  return id;
}

function scheduleTasks(ids: number[], name = 'Act'): pb.OrchestratorAction[] {
  return ids.map((id) => new proto.OrchestratorAction().setId(id).setScheduletask(new proto.ScheduleTaskAction().setName(name)));
}

function complete(item: pb.WorkItem, actions: pb.OrchestratorAction[], partial = false): Promise<unknown> {
  const request = item.getOrchestratorrequest()!;
  const response = new proto.OrchestratorResponse()
    .setInstanceid(request.getInstanceid())
    .setCompletiontoken(item.getCompletiontoken())
    .setActionsList(actions)
    .setIspartial(partial);
  return call(client.completeOrchestratorTask, client, response);
}

function completeActivity(item: pb.WorkItem, result: string, token = item.getCompletiontoken()): Promise<unknown> {
  const activity = item.getActivityrequest()!;
  const response = new proto.ActivityResponse()
    .setInstanceid(activity.getOrchestrationinstance()!.getInstanceid())
    .setTaskid(activity.getTaskid())
    .setResult(new StringValue().setValue(result))
    .setCompletiontoken(token);
  return call(client.completeActivityTask, client, response);
}

function finish(id: number): pb.OrchestratorAction {
  return new proto.OrchestratorAction()
    .setId(id)
    .setCompleteorchestration(new proto.CompleteOrchestrationAction().setOrchestrationstatus(proto.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
}

describe('work-item stream', () => {
  it('puts OrchestratorStarted first, gives every item a fresh token, and confirms actions by their id', async () => {
    const reader = new WorkItemReader(client);
    try {
      const id = await start();
      const first = await reader.nextFor(id);
      const request = first.getOrchestratorrequest()!;
      assert.equal(request.getNeweventsList()[0]?.hasOrchestratorstarted(), true);
      assert.equal(request.getNeweventsList()[1]?.hasExecutionstarted(), true);
      assert.ok(request.getExecutionid()?.getValue());
      await complete(first, scheduleTasks([7]));
      const activity = await reader.nextFor(id);
      assert.equal(activity.getActivityrequest()?.getTaskid(), 7);
      assert.notEqual(activity.getCompletiontoken(), first.getCompletiontoken());
      await completeActivity(activity, '"done"');
      const secondItem = await reader.nextFor(id);
      const second = secondItem.getOrchestratorrequest()!;
      const past = second.getPasteventsList();
      const scheduled = past.find((e) => e.hasTaskscheduled());
      assert.equal(scheduled?.getEventid(), 7);
      const completed = second.getNeweventsList().find((e) => e.hasTaskcompleted());
      assert.equal(completed?.getTaskcompleted()?.getTaskscheduledid(), 7);
      assert.equal(second.getNeweventsList()[0]?.hasOrchestratorstarted(), true);
      await complete(secondItem, [finish(0)]);
    } finally {
      reader.close();
    }
  });

  it('respects maxConcurrentActivityWorkItems and sends more as items complete', async () => {
    const capped = new WorkItemReader(client, new proto.GetWorkItemsRequest().setMaxconcurrentactivityworkitems(2));
    try {
      const id = await start();
      const first = await capped.nextFor(id);
      await complete(first, scheduleTasks([1, 2, 3, 4, 5]));
      const a = await capped.nextFor(id);
      const b = await capped.nextFor(id);
      // A third activity must not arrive while two are in flight.
      await assert.rejects(capped.next(500), /no work item arrived/);
      await completeActivity(a, '1');
      const c = await capped.nextFor(id);
      assert.ok(c.hasActivityrequest());
      await completeActivity(b, '2');
      await completeActivity(c, '3');
    } finally {
      capped.close();
    }
  });

  it('rejects a completion with an unknown or already used token and changes nothing', async () => {
    const reader = new WorkItemReader(client);
    try {
      const id = await start();
      await complete(await reader.nextFor(id), scheduleTasks([1]));
      const activity = await reader.nextFor(id);
      await assertGrpcStatus(completeActivity(activity, '"x"', 'not-a-token'), GrpcStatus.NOT_FOUND, 'unknown token');
      await completeActivity(activity, '"first"');
      await assertGrpcStatus(completeActivity(activity, '"second"'), GrpcStatus.NOT_FOUND, 'token used twice');
      const next = (await reader.nextFor(id)).getOrchestratorrequest()!;
      const results = next.getNeweventsList().filter((e) => e.hasTaskcompleted());
      assert.deepEqual(results.map((e) => e.getTaskcompleted()?.getResult()?.getValue()), ['"first"']);
    } finally {
      reader.close();
    }
  });

  it('accumulates deprecated chunked responses until the last chunk', async () => {
    const reader = new WorkItemReader(client);
    try {
      const id = await start();
      const item = await reader.nextFor(id);
      await complete(item, scheduleTasks([1, 2]), true);
      await complete(item, scheduleTasks([3]));
      const taskIds = [];
      for (let i = 0; i < 3; i++) taskIds.push((await reader.nextFor(id)).getActivityrequest()?.getTaskid());
      assert.deepEqual(taskIds.sort(), [1, 2, 3]);
    } finally {
      reader.close();
    }
  });

  it('hands the work of a closed stream to another stream at once', async () => {
    const first = new WorkItemReader(client);
    const id = await start();
    await first.nextFor(id);
    const second = new WorkItemReader(client);
    try {
      first.close();
      const again = await second.nextFor(id);
      assert.ok(again.hasOrchestratorrequest());
      await complete(again, [finish(0)]);
      const state = await call(client.getInstance, client, new proto.GetInstanceRequest().setInstanceid(id));
      assert.equal(state.getOrchestrationstate()?.getOrchestrationstatus(), proto.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    } finally {
      second.close();
    }
  });

  it('redelivers an abandoned orchestration work item after a back-off', async () => {
    const reader = new WorkItemReader(client);
    try {
      const id = await start();
      const item = await reader.nextFor(id);
      await call(client.abandonTaskOrchestratorWorkItem, client, new proto.AbandonOrchestrationTaskRequest().setCompletiontoken(item.getCompletiontoken()));
      const again = await reader.nextFor(id);
      assert.notEqual(again.getCompletiontoken(), item.getCompletiontoken());
      await complete(again, [finish(0)]);
    } finally {
      reader.close();
    }
  });

  it('sends a large history by StreamInstanceHistory to a worker that declared HISTORY_STREAMING', async () => {
    const streaming = new proto.GetWorkItemsRequest().setCapabilitiesList([proto.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING]);
    const reader = new WorkItemReader(client, streaming);
    try {
      const id = await start();
      // 1,100 timers far in the future make a history longer than the streaming threshold.
      const fireAt = new Timestamp().setSeconds(Math.floor(Date.now() / 1000) + 86_400);
      const timers = Array.from({ length: 1100 }, (_, i) => new proto.OrchestratorAction().setId(i).setCreatetimer(new proto.CreateTimerAction().setFireat(fireAt)));
      await complete(await reader.nextFor(id), timers);
      await call(client.raiseEvent, client, new proto.RaiseEventRequest().setInstanceid(id).setName('go'));
      const second = (await reader.nextFor(id)).getOrchestratorrequest()!;
      assert.equal(second.getRequireshistorystreaming(), true);
      assert.equal(second.getPasteventsList().length, 0);
      assert.ok(second.getNeweventsList().some((e) => e.hasEventraised()));
      const events: pb.HistoryEvent[] = [];
      const history = client.streamInstanceHistory(new proto.StreamInstanceHistoryRequest().setInstanceid(id).setForworkitemprocessing(true), new Metadata());
      for await (const chunk of history as AsyncIterable<pb.HistoryChunk>) events.push(...chunk.getEventsList());
      // OrchestratorStarted, ExecutionStarted and one TimerCreated per timer.
      assert.equal(events.length, 1102);
      assert.equal(events.filter((e) => e.hasTimercreated()).length, 1100);
    } finally {
      reader.close();
    }
  });

  it('answers INVALID_ARGUMENT to bytes that are not a protocol message', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const request = new Promise((resolve, reject) =>
      client.makeUnaryRequest(
        '/TaskHubSidecarService/StartInstance',
        (b: Buffer) => b,
        (b: Buffer) => b,
        garbage,
        new Metadata(),
        (error, value) => (error ? reject(error) : resolve(value)),
      ),
    );
    await assertGrpcStatus(request, GrpcStatus.INVALID_ARGUMENT, 'garbage bytes');
  });
});

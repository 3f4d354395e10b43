/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: work-item
 * filters. Two workers declare different orchestrations and activities and each receives only
 * its own (both register every function, tagging results with the worker's name, so a
 * misrouted item would show); work nobody declared waits, PENDING, until a matching worker
 * connects. Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  OrchestrationStatus,
  TaskHubGrpcWorker,
  type ActivityContext,
  type OrchestrationContext,
  type TaskHubGrpcClient,
  type WorkItemFilters,
} from "@microsoft/durabletask-js";
import { createMsClient, outputOf, RecordingLogger, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { sleep, uniqueId } from "../support/wait.ts";

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
const workers: TaskHubGrpcWorker[] = [];

function it(name: string, body: (c: TaskHubGrpcClient) => Promise<void>, timeoutMs = 60_000): void {
  test(name, { timeout: timeoutMs }, withServerOutput(() => [server], async () => {
    assert.ok(client, "the client was not created (server failed to start?)");
    await body(client);
  }));
}

/** A worker that can run everything, tags every result with `tag`, and declares `filters`. */
async function startTaggedWorker(tag: string, filters: WorkItemFilters): Promise<TaskHubGrpcWorker> {
  const activity = (name: string) => async (_ctx: ActivityContext, input: string) => `${name}@${tag}(${input})`;
  const orchestrator = (activityName: string) =>
    async function* (ctx: OrchestrationContext, input: string): AsyncGenerator<unknown, unknown> {
      const result: unknown = yield ctx.callActivity(activityName, input);
      return { orchestrator: tag, result };
    };
  const worker = new TaskHubGrpcWorker({
    hostAddress: server!.grpcAddress,
    logger: new RecordingLogger(),
    shutdownTimeoutMs: 2_000,
    workItemFilters: filters,
  });
  for (const kind of ["A", "B", "C"]) {
    worker.addNamedOrchestrator(`orch${kind}`, orchestrator(`act${kind}`));
    worker.addNamedActivity(`act${kind}`, activity(`act${kind}`));
  }
  await worker.start();
  workers.push(worker);
  return worker;
}

it("two workers with filters each receive only the orchestrations and activities they declared", async (c) => {
  await startTaggedWorker("A", { orchestrations: [{ name: "orchA" }], activities: [{ name: "actA" }] });
  await startTaggedWorker("B", { orchestrations: [{ name: "orchB" }], activities: [{ name: "actB" }] });
  const ids = [];
  for (let i = 0; i < 6; i++) {
    ids.push(["A", await c.scheduleNewOrchestration("orchA", `a${i}`)] as const);
    ids.push(["B", await c.scheduleNewOrchestration("orchB", `b${i}`)] as const);
  }
  for (const [tag, id] of ids) {
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    const output = outputOf(state) as { orchestrator: string; result: string };
    assert.equal(output.orchestrator, tag, `orch${tag} ran on worker ${output.orchestrator}`);
    assert.match(output.result, new RegExp(`^act${tag}@${tag}\\(`), `act${tag} ran elsewhere: ${output.result}`);
  }
});

it("work no connected worker declared stays PENDING until a matching worker connects", async (c) => {
  const id = await c.scheduleNewOrchestration("orchC", "c1", uniqueId("pending-c"));
  // A negative check: nothing may run it meanwhile, so only waiting can show that.
  await sleep(1_500);
  assert.equal((await c.getOrchestrationState(id))?.runtimeStatus, OrchestrationStatus.PENDING);
  await startTaggedWorker("C", { orchestrations: [{ name: "orchC" }], activities: [{ name: "actC" }] });
  const state = await waitForDone(c, id);
  assert.deepEqual(outputOf(state), { orchestrator: "C", result: "actC@C(c1)" });
});

before(async () => {
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
});

after(async () => {
  await stopAll(...workers, client);
  await server?.dispose();
});

/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: versioned
 * work-item filters, beyond the SDK catalogue's `work-item-filters` (names only). An activity
 * or sub-orchestration scheduled without a version is matched with the version of the
 * orchestration that scheduled it, as the Azure service does: this SDK leaves the version empty,
 * so without that rule a worker whose filters list only "3.0.0" would never get them.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { OrchestrationStatus, TaskHubGrpcWorker, type ActivityContext, type OrchestrationContext, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { createMsClient, outputOf, RecordingLogger, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { uniqueId } from "../support/wait.ts";

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;

async function* versionedChild(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  return { childVersion: ctx.version, fromActivity: yield ctx.callActivity("versionedActivity", "child") };
}

async function* versionedParent(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  // Neither call names a version.
  const activity: unknown = yield ctx.callActivity("versionedActivity", "parent");
  const child: unknown = yield ctx.callSubOrchestrator("versionedChild", undefined, { instanceId: `${ctx.instanceId}-child` });
  return { version: ctx.version, activity, child };
}

const versionedActivity = (_ctx: ActivityContext, from: string): string => `activity for ${from}`;

before(async () => {
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
  worker = new TaskHubGrpcWorker({
    hostAddress: server.grpcAddress,
    logger: new RecordingLogger(),
    shutdownTimeoutMs: 2_000,
    workItemFilters: {
      orchestrations: [{ name: "versionedParent", versions: ["3.0.0"] }, { name: "versionedChild", versions: ["3.0.0"] }],
      activities: [{ name: "versionedActivity", versions: ["3.0.0"] }],
    },
  });
  worker.addNamedOrchestrator("versionedParent", versionedParent);
  worker.addNamedOrchestrator("versionedChild", versionedChild);
  worker.addNamedActivity("versionedActivity", versionedActivity);
  await worker.start();
});

after(async () => {
  await stopAll(worker, client);
  await server?.dispose();
});

test("an unversioned activity and sub-orchestration of a 3.0.0 orchestration reach a worker that filters on 3.0.0", { timeout: 60_000 }, withServerOutput(() => [server], async () => {
  assert.ok(client, "the client was not created (server failed to start?)");
  const id = await client.scheduleNewOrchestration("versionedParent", undefined, { instanceId: uniqueId("versioned"), version: "3.0.0" });
  const state = await waitForDone(client, id, 30);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // The child keeps the version it was started with (none): the parent's is used for matching only.
  assert.deepEqual(outputOf(state), { version: "3.0.0", activity: "activity for parent", child: { childVersion: "", fromActivity: "activity for child" } });
}));

/**
 * End to end with `@microsoft/durabletask-js`: a worker killed (SIGKILL, a child process) while it
 * holds an entity batch that runs inside an orchestration's critical section. The server must
 * take the batch back when the stream drops, dispatch it again to the next worker, keep the
 * orchestration's lock (it still legitimately holds it) and release it when the orchestration
 * ends; afterwards the entity serves anyone again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EntityInstanceId, OrchestrationStatus, type TaskHubGrpcClient, type TaskHubGrpcWorker } from "@microsoft/durabletask-js";
import { ChildHandle } from "../support/child-process.ts";
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import { eventually, uniqueId } from "../support/wait.ts";
import { registerEntities } from "./fixtures/ms-entities.ts";

let server: DtsServer | undefined;

before(async () => {
  server = await DtsServer.start();
});

after(async () => {
  await server?.dispose();
});

test("a worker killed holding an entity batch: the batch runs on the next worker and no lock leaks", { timeout: 120_000 }, withServerOutput(() => [server], async () => {
  const s = server;
  assert.ok(s, "the server did not start");
  const fixture = join(repoRoot, "test", "e2e", "fixtures", "ms-blocking-entity-worker.ts");
  const child = new ChildHandle(process.execPath, ["--import", "tsx", fixture, s.grpcAddress], {
    cwd: repoRoot,
    label: "ms blocking entity worker",
    echo: process.env["E2E_SDK_LOGS"] === "1",
  });
  let client: TaskHubGrpcClient | undefined;
  let second: TaskHubGrpcWorker | undefined;
  try {
    await child.waitForLine(/^worker-started$/, 30_000);
    client = createMsClient(s.grpcAddress);
    const key = uniqueId("killed");
    const counter = new EntityInstanceId("counter", key);
    const id = await client.scheduleNewOrchestration("lockAndAddOrchestrator", key);
    await child.waitForLine(new RegExp(`^entity-operation @counter@${key} add$`), 30_000);
    assert.equal((await client.getEntity(counter, false))?.lockedBy, id, "the orchestration holds the lock during the call");
    const exit = await child.kill9();
    assert.equal(exit.signal, "SIGKILL");

    second = await startMsWorker(s.grpcAddress, registerEntities);
    const state = await waitForDone(client, id, 60);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(outputOf(state), 1, "the operation ran exactly once to completion");
    const c = client;
    await eventually("the lock to be released", async () => ((await c.getEntity(counter, false))?.lockedBy === undefined ? true : undefined), 30_000, 50);

    await client.signalEntity(counter, "add", 10);
    await eventually("the entity to serve a new signal", async () => ((await c.getEntity<number>(counter))?.state === 11 ? true : undefined), 30_000, 50);
    const again = await client.scheduleNewOrchestration("lockAndAddOrchestrator", key);
    assert.equal(outputOf(await waitForDone(client, again, 60)), 12, "a new critical section gets the lock");
  } finally {
    await child.kill9();
    await stopAll(second, client);
  }
}));

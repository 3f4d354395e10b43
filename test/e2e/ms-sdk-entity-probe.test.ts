/**
 * End to end with `@microsoft/durabletask-js`: a worker that uses no entities never sees the
 * entity capability probe, or any entity work, in its log (src/engine/entity-support.ts): not
 * when it connects to a server without entity work, and not while another worker, which names
 * its entities in work-item filters, runs the entity work of the hub.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EntityInstanceId, OrchestrationStatus, TaskEntity, TaskHubGrpcWorker, type Logger, type OrchestrationContext, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { createMsClient, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { eventually, sleep, uniqueId } from "../support/wait.ts";

/** Every line the SDK logs, at every level: what a user of the worker would see. */
class FullLog implements Logger {
  readonly lines: string[] = [];
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
}

class Counter extends TaskEntity<number> {
  add(amount: number): number {
    this.state += amount;
    return this.state;
  }
  protected override initializeState(): number {
    return 0;
  }
}

async function* plain(_ctx: OrchestrationContext, input: string): AsyncGenerator<never, string> {
  return input;
}

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
const workers: TaskHubGrpcWorker[] = [];

before(async () => {
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
});

after(async () => {
  await stopAll(...workers, client);
  await server?.dispose();
});

async function connectedWorkers(): Promise<number> {
  const res = await fetch(`http://${server!.httpAddress}/v1/taskhubs/workers`, { headers: { "x-taskhub": "default" } });
  return ((await res.json()) as { workers: unknown[] }).workers.length;
}

function worker(logger: Logger, register: (w: TaskHubGrpcWorker) => void, auto: boolean): TaskHubGrpcWorker {
  const w = new TaskHubGrpcWorker({ hostAddress: server!.grpcAddress, logger, shutdownTimeoutMs: 2_000, ...(auto ? { workItemFilters: "auto" as const } : {}) });
  register(w);
  workers.push(w);
  return w;
}

test("a worker without entities sees no probe and no entity work, at connect or while another worker hosts the entities", { timeout: 60_000 }, withServerOutput(() => [server], async () => {
  assert.ok(client, "the client was not created (server failed to start?)");
  const log = new FullLog();
  await worker(log, (w) => w.addNamedOrchestrator("plain", plain), false).start();
  const id = await client.scheduleNewOrchestration("plain", "x", uniqueId("no-entities"));
  assert.equal((await waitForDone(client, id)).runtimeStatus, OrchestrationStatus.COMPLETED);
  // A negative check: only waiting shows that no probe followed the connect.
  await sleep(1_000);

  await worker(new FullLog(), (w) => w.addNamedEntity("counter", () => new Counter()), true).start();
  // The SDK's start() returns before its stream is open: wait until the server has both streams.
  await eventually("both workers to be connected", async () => ((await connectedWorkers()) === 2 ? true : undefined), 30_000, 50);
  const counter = new EntityInstanceId("counter", uniqueId("k"));
  for (let i = 0; i < 20; i++) await client.signalEntity(counter, "add", 1);
  await eventually("the hosted counter to reach 20", async () => ((await client!.getEntity<number>(counter))?.state === 20 ? true : undefined), 30_000, 50);
  const second = await client.scheduleNewOrchestration("plain", "y", uniqueId("no-entities"));
  assert.equal((await waitForDone(client, second)).runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.deepEqual(log.lines.filter((l) => /dts-capability-probe|[Ee]ntity/.test(l)), [], "nothing about entities in the log of the worker without entities");
}));

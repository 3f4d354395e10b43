/**
 * An app with `@microsoft/durabletask-js` against a scheduler and task hub made with the `dts`
 * CLI, at the endpoint the CLI printed (`--query properties.endpoint --output tsv`), with the
 * `taskhub` header from a metadataGenerator. Also: one scheduler's work is invisible through
 * another's endpoint, the endpoint keeps its port across a restart, and a deleted hub is
 * NOT_FOUND on the data plane. Loads only the Microsoft SDK.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import type { ActivityContext, OrchestrationContext, TaskHubGrpcWorker } from "@microsoft/durabletask-js";
import { OrchestrationStatus } from "@microsoft/durabletask-js";
import { dtsOk } from "../support/dts-cli.ts";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { uniqueId } from "../support/wait.ts";

let server: DtsServer | undefined;
const workers: TaskHubGrpcWorker[] = [];

/** A port that was free a moment ago: the start of the scheduler port range. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  const first = await freePort();
  server = await DtsServer.start({ extraArgs: ["--scheduler-ports", `${first}-${Math.min(first + 20, 65535)}`] });
});
after(async () => {
  await stopAll(...workers);
  await server?.dispose();
});

function it(name: string, body: () => Promise<void>): void {
  test(name, { timeout: 90_000 }, withServerOutput(() => [server], body));
}

function greet(_ctx: ActivityContext, name: string): string {
  return `Hello, ${name}!`;
}

async function* greetings(ctx: OrchestrationContext, cities: string[]): AsyncGenerator<unknown, string[]> {
  const out: string[] = [];
  for (const city of cities) out.push(yield ctx.callActivity(greet, city));
  return out;
}

const http = () => (server as DtsServer).httpAddress;

async function makeSchedulerWithHub(group: string, scheduler: string, hub: string): Promise<string> {
  await dtsOk(http(), ["group", "create", "--name", group, "--location", "westus", "-o", "none"]);
  await dtsOk(http(), ["durabletask", "scheduler", "create", "--name", scheduler, "--resource-group", group, "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "dedicated", "--sku-capacity", "1", "-o", "none"]);
  await dtsOk(http(), ["durabletask", "taskhub", "create", "--resource-group", group, "--scheduler-name", scheduler, "--name", hub, "-o", "none"]);
  const endpoint = await dtsOk(http(), ["durabletask", "scheduler", "show", "--resource-group", group, "--name", scheduler, "--query", "properties.endpoint", "--output", "tsv"]);
  return endpoint.trim();
}

async function runGreetings(hostAddress: string, taskHub: string): Promise<string> {
  const worker = await startMsWorker(hostAddress, (w) => {
    w.addOrchestrator(greetings);
    w.addActivity(greet);
  }, { taskHub });
  workers.push(worker);
  const client = createMsClient(hostAddress, { taskHub });
  try {
    const id = await client.scheduleNewOrchestration(greetings, ["Tokyo", "Seattle"], uniqueId("sched"));
    const state = await waitForDone(client, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(outputOf(state), ["Hello, Tokyo!", "Hello, Seattle!"]);
    return id;
  } finally {
    await stopAll(worker, client);
  }
}

it("an orchestration runs on a CLI-made task hub at the endpoint the CLI printed, and only there", async () => {
  const endpoint = await makeSchedulerWithHub("rg-app", "app-scheduler", "app-hub");
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  const hostAddress = endpoint.replace(/^http:\/\//, "");
  assert.notEqual(hostAddress, (server as DtsServer).grpcAddress);
  const id = await runGreetings(hostAddress, "app-hub");

  const sameHubName = await makeSchedulerWithHub("rg-other", "other-scheduler", "app-hub");
  const other = createMsClient(sameHubName.replace(/^http:\/\//, ""), { taskHub: "app-hub" });
  const main = createMsClient((server as DtsServer).grpcAddress, { taskHub: "app-hub" });
  const noHeader = createMsClient(hostAddress);
  try {
    assert.equal(await other.getOrchestrationState(id, false), undefined, "another scheduler's hub of the same name does not see the instance");
    await assertGrpcStatus(main.getOrchestrationState(id, false), GrpcStatus.NOT_FOUND, "the main endpoint has no hub 'app-hub'");
    await assertGrpcStatus(noHeader.getOrchestrationState(id, false), GrpcStatus.NOT_FOUND, "without a header the scheduler's 'default' hub is addressed");
  } finally {
    await stopAll(other, main, noHeader);
  }
});

it("the endpoint keeps its port across a restart, and a deleted hub is NOT_FOUND on the data plane", async () => {
  const endpoint = await makeSchedulerWithHub("rg-restart", "restart-scheduler", "restart-hub");
  await (server as DtsServer).restart();
  const after = await dtsOk(http(), ["scheduler", "show", "-g", "rg-restart", "-n", "restart-scheduler", "--query", "properties.endpoint", "-o", "tsv"]);
  assert.equal(after.trim(), endpoint);
  const hostAddress = endpoint.replace(/^http:\/\//, "");
  await runGreetings(hostAddress, "restart-hub");

  await dtsOk(http(), ["taskhub", "delete", "-g", "rg-restart", "-s", "restart-scheduler", "-n", "restart-hub", "--yes"]);
  const client = createMsClient(hostAddress, { taskHub: "restart-hub" });
  try {
    const message = await assertGrpcStatus(client.getOrchestrationState("anything", false), GrpcStatus.NOT_FOUND, "deleted hub");
    assert.match(message, /Task hub not found/);
  } finally {
    await stopAll(client);
  }
});

/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: the
 * management RPCs beyond the SDK catalogue's (test/sdk/catalogue.json: query-paging, purges,
 * restart, history). Queries with every filter and paging over 250 instances, paging while
 * instances are created, listInstanceIds, purge by batch (bare client) and recursively,
 * SkipGracefulOrchestrationTerminations and task hub creation/deletion (bare client).
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  OrchestrationStatus,
  type ActivityContext,
  type OrchestrationContext,
  type OrchestrationState,
  type TaskHubGrpcClient,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { rawClient, type RawSidecarClient } from "../support/raw-client.ts";
import { createTaskHub, deleteTaskHub, getInstanceStatus, purgeBatch, skipGracefulTerminations } from "../support/raw-management.ts";
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { eventually, mapLimit, uniqueId } from "../support/wait.ts";

let server: DtsServer | undefined;
let worker: TaskHubGrpcWorker | undefined;
let client: TaskHubGrpcClient | undefined;
let raw: RawSidecarClient | undefined;

function it(name: string, body: (c: TaskHubGrpcClient, r: RawSidecarClient) => Promise<void>, timeoutMs = 90_000): void {
  test(name, { timeout: timeoutMs }, withServerOutput(() => [server], async () => {
    assert.ok(client && raw, "the clients were not created (server failed to start?)");
    await body(client, raw);
  }));
}

const greet = async (_ctx: ActivityContext, name: string): Promise<string> => `Hello, ${name}!`;

async function* hello(ctx: OrchestrationContext, name: string): AsyncGenerator<unknown, unknown> {
  return yield ctx.callActivity(greet, name);
}

async function* parent(ctx: OrchestrationContext, childId: string): AsyncGenerator<unknown, unknown> {
  return yield ctx.callSubOrchestrator(hello, "child", { instanceId: childId });
}

async function* waitForever(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  return yield ctx.waitForExternalEvent("never");
}

async function* parentOfWaiter(ctx: OrchestrationContext, childId: string): AsyncGenerator<unknown, unknown> {
  return yield ctx.callSubOrchestrator(waitForever, undefined, { instanceId: childId });
}

async function runAll(c: TaskHubGrpcClient, ids: readonly string[], input = "x"): Promise<OrchestrationState[]> {
  await mapLimit(ids, 25, (id) => c.scheduleNewOrchestration(hello, input, id));
  return mapLimit(ids, 25, (id) => waitForDone(c, id));
}

async function firstPage(c: TaskHubGrpcClient, filter: Parameters<TaskHubGrpcClient["getAllInstances"]>[0]): Promise<readonly OrchestrationState[]> {
  for await (const page of c.getAllInstances(filter).asPages()) return page.values;
  return [];
}

async function collect(c: TaskHubGrpcClient, filter: Parameters<TaskHubGrpcClient["getAllInstances"]>[0]): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of c.getAllInstances(filter).asPages()) {
    pages += 1;
    assert.ok(page.values.length <= (filter?.pageSize ?? 100), `a page of ${page.values.length} exceeds the page size`);
    ids.push(...page.values.map((s) => s.instanceId));
  }
  return { ids, pages };
}

it("getAllInstances: prefix, statuses, created window, payloads and paging over 250 instances", async (c) => {
  const prefix = uniqueId("q");
  const ids = Array.from({ length: 250 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
  const states = await runAll(c, ids);
  const all = await collect(c, { instanceIdPrefix: prefix, pageSize: 40 });
  assert.equal(all.pages, 7);
  assert.equal(new Set(all.ids).size, 250, "no instance repeated or missing");
  assert.deepEqual([...all.ids].sort(), ids);
  assert.equal((await collect(c, { instanceIdPrefix: prefix, statuses: [OrchestrationStatus.COMPLETED], pageSize: 100 })).ids.length, 250);
  assert.deepEqual((await collect(c, { instanceIdPrefix: prefix, statuses: [OrchestrationStatus.RUNNING, OrchestrationStatus.FAILED] })).ids, []);

  const created = states.map((s) => s.createdAt.getTime()).sort((a, b) => a - b);
  const from = new Date(created[50] as number);
  const to = new Date(created[200] as number);
  const expected = states.filter((s) => s.createdAt >= from && s.createdAt < to).map((s) => s.instanceId).sort();
  const windowed = await collect(c, { instanceIdPrefix: prefix, createdFrom: from, createdTo: to, pageSize: 33 });
  assert.deepEqual([...windowed.ids].sort(), expected);

  const [first] = await firstPage(c, { instanceIdPrefix: ids[7], fetchInputsAndOutputs: true });
  assert.equal(first?.instanceId, ids[7]);
  assert.equal(first?.serializedInput, JSON.stringify("x"));
  assert.equal(first?.serializedOutput, JSON.stringify("Hello, x!"));
  const [bare] = await firstPage(c, { instanceIdPrefix: ids[7] });
  assert.equal(bare?.serializedInput, undefined, "payloads only when fetchInputsAndOutputs");
}, 180_000);

it("getAllInstances: paging stays exact while new instances are created between pages", async (c) => {
  const prefix = uniqueId("stable");
  await runAll(c, Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`));
  const seen: string[] = [];
  let n = 0;
  for await (const page of c.getAllInstances({ instanceIdPrefix: prefix, pageSize: 7 }).asPages()) {
    seen.push(...page.values.map((s) => s.instanceId));
    await c.scheduleNewOrchestration(hello, "late", `${prefix}-late-${n++}`);
  }
  assert.equal(new Set(seen).size, seen.length, "no repeats");
  for (let i = 0; i < 30; i++) assert.ok(seen.includes(`${prefix}-${i}`), `${prefix}-${i} was skipped`);
});

it("getAllInstances: a token the server did not issue is INVALID_ARGUMENT", async (c) => {
  await assertGrpcStatus(firstPage(c, { continuationToken: "not-a-token" }), GrpcStatus.INVALID_ARGUMENT, "bad token");
});

it("listInstanceIds: completion-time key-set paging with status and time filters", async (c) => {
  const before = new Date(Date.now() - 1);
  const prefix = uniqueId("list");
  const ids = Array.from({ length: 12 }, (_, i) => `${prefix}-${i}`);
  await runAll(c, ids);
  const seen: string[] = [];
  let key: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await c.listInstanceIds({ runtimeStatus: [OrchestrationStatus.COMPLETED], completedTimeFrom: before, pageSize: 5, ...(key === undefined ? {} : { lastInstanceKey: key }) });
    assert.ok(page.values.length <= 5);
    seen.push(...page.values);
    if (!page.hasMoreResults) break;
    key = page.continuationToken;
  }
  for (const id of ids) assert.ok(seen.includes(id), `${id} missing`);
  assert.equal(new Set(seen).size, seen.length);
  const failedOnly = await c.listInstanceIds({ runtimeStatus: [OrchestrationStatus.FAILED], completedTimeFrom: before });
  assert.ok(!failedOnly.values.some((id) => id.startsWith(prefix)));
  const future = await c.listInstanceIds({ completedTimeFrom: new Date(Date.now() + 3_600_000) });
  assert.deepEqual(future.values, []);
  assert.equal(future.hasMoreResults, false);
});

it("purge by instance batch (bare client): finished ones purged, more than 500 ids is INVALID_ARGUMENT", async (c, r) => {
  const prefix = uniqueId("batch");
  const ids = Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`);
  await runAll(c, ids);
  const res = await purgeBatch(r, [...ids, `${prefix}-unknown`]);
  assert.equal(res.getDeletedinstancecount(), 5);
  assert.equal(res.getIscomplete()?.getValue(), true);
  for (const id of ids) assert.equal(await c.getOrchestrationState(id), undefined);
  await assertGrpcStatus(purgeBatch(r, Array.from({ length: 501 }, (_, i) => `x-${i}`)), GrpcStatus.INVALID_ARGUMENT, "501 ids");
});

it("purgeOrchestration recursive: the sub-orchestration goes too; without recursive it stays", async (c) => {
  const [p1, c1, p2, c2] = [uniqueId("rp"), uniqueId("rc"), uniqueId("np"), uniqueId("nc")];
  await c.scheduleNewOrchestration(parent, c1, p1);
  await c.scheduleNewOrchestration(parent, c2, p2);
  assert.equal(outputOf(await waitForDone(c, p1)), "Hello, child!");
  await waitForDone(c, p2);
  assert.equal((await c.purgeOrchestration(p1, { recursive: true }))?.deletedInstanceCount, 2);
  assert.equal(await c.getOrchestrationState(c1), undefined);
  assert.equal((await c.purgeOrchestration(p2))?.deletedInstanceCount, 1);
  assert.equal((await c.getOrchestrationState(c2))?.runtimeStatus, OrchestrationStatus.COMPLETED);
});

it("SkipGracefulOrchestrationTerminations: running ones TERMINATED, parents told, others reported", async (c, r) => {
  const [p, child, done] = [uniqueId("skip-parent"), uniqueId("skip-child"), uniqueId("skip-done")];
  await c.scheduleNewOrchestration(parentOfWaiter, child, p);
  await runAll(c, [done]);
  await eventually("the child to run", async () => ((await c.getOrchestrationState(child))?.runtimeStatus === OrchestrationStatus.RUNNING ? true : undefined));
  const unterminated = await skipGracefulTerminations(r, [child, done, "no-such-instance"]);
  assert.deepEqual(unterminated.sort(), [done, "no-such-instance"].sort());
  assert.equal((await getInstanceStatus(r, child)).getOrchestrationstate()?.getOrchestrationstatus(), 5);
  const parentState = await waitForDone(c, p);
  assert.equal(parentState.runtimeStatus, OrchestrationStatus.FAILED, "the parent saw its child end");
});

it("CreateTaskHub and DeleteTaskHub (bare client): a new hub works, recreate empties it, delete removes it", async (c, r) => {
  const hub = uniqueId("hub").replace(/[^a-zA-Z0-9-]/g, "-").slice(0, 60);
  await assertGrpcStatus(getInstanceStatus(r, "x", hub), GrpcStatus.NOT_FOUND, "unknown hub");
  await createTaskHub(r, hub);
  await createTaskHub(r, hub);
  const hubClient = createMsClient(server!.grpcAddress, { taskHub: hub });
  try {
    const id = await hubClient.scheduleNewOrchestration("hello", "hub");
    assert.ok((await hubClient.getOrchestrationState(id)) !== undefined);
    assert.equal(await c.getOrchestrationState(id), undefined, "hubs are isolated");
    await createTaskHub(r, hub, true);
    assert.equal(await hubClient.getOrchestrationState(id), undefined, "recreateIfExists deletes the data");
    const again = await hubClient.scheduleNewOrchestration("hello", "hub");
    await deleteTaskHub(r, hub);
    await assertGrpcStatus(getInstanceStatus(r, again, hub), GrpcStatus.NOT_FOUND, "deleted hub");
    await createTaskHub(r, hub);
    assert.equal((await getInstanceStatus(r, again, hub)).getExists(), false, "delete removed the data");
  } finally {
    await stopAll(hubClient);
  }
});

before(async () => {
  server = await DtsServer.start();
  worker = await startMsWorker(server.grpcAddress, (w) => {
    w.addOrchestrator(hello);
    w.addOrchestrator(parent);
    w.addOrchestrator(waitForever);
    w.addOrchestrator(parentOfWaiter);
    w.addActivity(greet);
  });
  client = createMsClient(server.grpcAddress);
  raw = rawClient(server.grpcAddress);
});

after(async () => {
  raw?.close();
  await stopAll(worker, client);
  await server?.dispose();
});

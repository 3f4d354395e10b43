/**
 * Bad input and task hubs end to end with `@microsoft/durabletask-js` against the real
 * `dts serve` process: every instance-id and payload limit at and one past its maximum, empty
 * names, unknown task hubs and instances (each with its gRPC status code asserted), and the
 * isolation of task hubs selected with the `taskhub` metadata header.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  OrchestrationStatus,
  type OrchestrationContext,
  type TaskHubGrpcClient,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { uniqueId } from "../support/wait.ts";

const payloadBytesMax = 1024;

/** A JSON-encoded string input of exactly `bytes` UTF-8 bytes (the SDK JSON-encodes inputs). */
function stringOfEncodedBytes(bytes: number, filler = "x"): string {
  const fillerBytes = Buffer.byteLength(filler, "utf8");
  const body = bytes - 2; // the two quotes of the JSON string
  const value = filler.repeat(Math.floor(body / fillerBytes)) + "y".repeat(body % fillerBytes);
  assert.equal(Buffer.byteLength(JSON.stringify(value), "utf8"), bytes);
  return value;
}

async function* echoOrchestrator(_ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  return input;
}

async function* waitForGoOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const go: unknown = yield ctx.waitForExternalEvent("go");
  return go;
}

describe("limits and unknown names", () => {
  let server: DtsServer | undefined;
  let client: TaskHubGrpcClient | undefined;
  let worker: TaskHubGrpcWorker | undefined;

  before(async () => {
    server = await DtsServer.start({ payloadBytesMax });
    worker = await startMsWorker(server.grpcAddress, (w) => {
      w.addNamedOrchestrator("echoOrchestrator", echoOrchestrator);
      w.addNamedOrchestrator("waitForGoOrchestrator", waitForGoOrchestrator);
    });
    client = createMsClient(server.grpcAddress);
  });

  after(async () => {
    await stopAll(worker, client);
    await server?.dispose();
  });

  function it(name: string, body: (c: TaskHubGrpcClient, s: DtsServer) => Promise<void>): void {
    test(name, { timeout: 60_000 }, withServerOutput(() => [server], async () => {
      assert.ok(client && server, "the server did not start");
      await body(client, server);
    }));
  }

  it("an instance id of 100 characters is accepted", async (c) => {
    const id = `${uniqueId("ms-len")}-`.padEnd(100, "x");
    assert.equal(id.length, 100);
    assert.equal(await c.scheduleNewOrchestration("echoOrchestrator", 1, id), id);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(state.instanceId, id);
  });

  it("an instance id of 101 characters is INVALID_ARGUMENT", async (c) => {
    const id = `${uniqueId("ms-len")}-`.padEnd(101, "x");
    await assertGrpcStatus(c.scheduleNewOrchestration("echoOrchestrator", 1, id), GrpcStatus.INVALID_ARGUMENT, "101-char id");
    assert.equal(await c.getOrchestrationState(id.slice(0, 100)), undefined, "nothing was created under a truncated id");
  });

  it("a non-ASCII instance id is INVALID_ARGUMENT", async (c) => {
    const id = `${uniqueId("ms-ascii")}-héllo-世界`;
    await assertGrpcStatus(c.scheduleNewOrchestration("echoOrchestrator", 1, id), GrpcStatus.INVALID_ARGUMENT, "non-ASCII id");
  });

  it("an instance id with a control character is INVALID_ARGUMENT", async (c) => {
    const id = `${uniqueId("ms-ctrl")}\tx`;
    await assertGrpcStatus(c.scheduleNewOrchestration("echoOrchestrator", 1, id), GrpcStatus.INVALID_ARGUMENT, "id with a tab");
  });

  it("an instance id starting with '@' (reserved for entities) is INVALID_ARGUMENT", async (c) => {
    const id = `@${uniqueId("ms-at")}`;
    await assertGrpcStatus(c.scheduleNewOrchestration("echoOrchestrator", 1, id), GrpcStatus.INVALID_ARGUMENT, "id starting with @");
  });

  it("an empty instance id gets a generated one", async (c) => {
    const id = await c.scheduleNewOrchestration("echoOrchestrator", "generated", "");
    assert.ok(id.length > 0 && id.length <= 100, `generated id: ${JSON.stringify(id)}`);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(outputOf(state), "generated");
  });

  it("an empty orchestration name is INVALID_ARGUMENT", async (c) => {
    await assertGrpcStatus(c.scheduleNewOrchestration("", 1, uniqueId("ms-noname")), GrpcStatus.INVALID_ARGUMENT, "empty name");
  });

  it("an input of exactly --payload-bytes-max bytes is accepted and round-trips", async (c) => {
    const id = uniqueId("ms-payload-max");
    const input = stringOfEncodedBytes(payloadBytesMax);
    await c.scheduleNewOrchestration("echoOrchestrator", input, id);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(outputOf(state), input);
  });

  it("an input one byte past --payload-bytes-max is RESOURCE_EXHAUSTED", async (c) => {
    const id = uniqueId("ms-payload-over");
    const input = stringOfEncodedBytes(payloadBytesMax + 1);
    await assertGrpcStatus(c.scheduleNewOrchestration("echoOrchestrator", input, id), GrpcStatus.RESOURCE_EXHAUSTED, "input past the max");
    assert.equal(await c.getOrchestrationState(id), undefined, "no instance was created");
  });

  it("the payload limit counts UTF-8 bytes, not characters", async (c) => {
    const atMax = stringOfEncodedBytes(payloadBytesMax, "é");
    const overMax = stringOfEncodedBytes(payloadBytesMax + 1, "é");
    const okId = uniqueId("ms-bytes-ok");
    await c.scheduleNewOrchestration("echoOrchestrator", atMax, okId);
    const state = await waitForDone(c, okId);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(outputOf(state), atMax, "non-ASCII text round-trips unchanged");
    await assertGrpcStatus(
      c.scheduleNewOrchestration("echoOrchestrator", overMax, uniqueId("ms-bytes-over")),
      GrpcStatus.RESOURCE_EXHAUSTED,
      "multi-byte input past the max",
    );
  });

  it("event data past --payload-bytes-max is RESOURCE_EXHAUSTED; at the max it is delivered", async (c) => {
    const id = uniqueId("ms-event-size");
    await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
    await assertGrpcStatus(
      c.raiseOrchestrationEvent(id, "go", stringOfEncodedBytes(payloadBytesMax + 1)),
      GrpcStatus.RESOURCE_EXHAUSTED,
      "event data past the max",
    );
    const atMax = stringOfEncodedBytes(payloadBytesMax);
    await c.raiseOrchestrationEvent(id, "go", atMax);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(outputOf(state), atMax, "only the event within the limit was delivered");
  });

  it("a termination output past --payload-bytes-max is RESOURCE_EXHAUSTED", async (c) => {
    const id = uniqueId("ms-term-size");
    await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
    await c.waitForOrchestrationStart(id, false, 30);
    await assertGrpcStatus(
      c.terminateOrchestration(id, stringOfEncodedBytes(payloadBytesMax + 1)),
      GrpcStatus.RESOURCE_EXHAUSTED,
      "termination output past the max",
    );
    assert.equal((await c.getOrchestrationState(id))?.runtimeStatus, OrchestrationStatus.RUNNING);
    await c.terminateOrchestration(id, "small");
    assert.equal((await waitForDone(c, id)).runtimeStatus, OrchestrationStatus.TERMINATED);
  });

  it("raising an event to an unknown instance is NOT_FOUND", async (c) => {
    await assertGrpcStatus(c.raiseOrchestrationEvent(uniqueId("ms-nobody"), "go", 1), GrpcStatus.NOT_FOUND, "raise to unknown");
  });

  it("an unknown task hub header is NOT_FOUND", async (_c, s) => {
    const stranger = createMsClient(s.grpcAddress, { taskHub: "no-such-hub" });
    try {
      await assertGrpcStatus(stranger.getOrchestrationState(uniqueId("ms-hub")), GrpcStatus.NOT_FOUND, "GetInstance in unknown hub");
      await assertGrpcStatus(
        stranger.scheduleNewOrchestration("echoOrchestrator", 1, uniqueId("ms-hub")),
        GrpcStatus.NOT_FOUND,
        "StartInstance in unknown hub",
      );
    } finally {
      await stopAll(stranger);
    }
  });

  it("the default hub can be named explicitly", async (c, s) => {
    const explicit = createMsClient(s.grpcAddress, { taskHub: "default" });
    try {
      const id = uniqueId("ms-default-hub");
      await explicit.scheduleNewOrchestration("echoOrchestrator", "explicit", id);
      // The plain client (no header) sees the same instance: both mean hub `default`.
      const state = await waitForDone(c, id);
      assert.equal(outputOf(state), "explicit");
    } finally {
      await stopAll(explicit);
    }
  });
});

describe("task hub isolation (--task-hubs a,b)", () => {
  let server: DtsServer | undefined;
  let clientA: TaskHubGrpcClient | undefined;
  let clientB: TaskHubGrpcClient | undefined;
  let workerA: TaskHubGrpcWorker | undefined;
  let workerB: TaskHubGrpcWorker | undefined;
  const seenBy = { a: new Set<string>(), b: new Set<string>() };

  function hubOrchestrator(hub: "a" | "b") {
    return async function* (ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
      seenBy[hub].add(ctx.instanceId);
      return { hub, input };
    };
  }

  before(async () => {
    server = await DtsServer.start({ taskHubs: ["a", "b"] });
    workerA = await startMsWorker(server.grpcAddress, (w) => w.addNamedOrchestrator("hubOrchestrator", hubOrchestrator("a")), { taskHub: "a" });
    workerB = await startMsWorker(server.grpcAddress, (w) => w.addNamedOrchestrator("hubOrchestrator", hubOrchestrator("b")), { taskHub: "b" });
    clientA = createMsClient(server.grpcAddress, { taskHub: "a" });
    clientB = createMsClient(server.grpcAddress, { taskHub: "b" });
  });

  after(async () => {
    await stopAll(workerA, workerB, clientA, clientB);
    await server?.dispose();
  });

  test("an instance started in hub a is invisible from hub b and runs on hub a's worker only", { timeout: 60_000 }, withServerOutput(() => [server], async () => {
    assert.ok(clientA && clientB, "the server did not start");
    const id = uniqueId("ms-hub-iso");
    await clientA.scheduleNewOrchestration("hubOrchestrator", "from a", id);
    const inA = await waitForDone(clientA, id);
    assert.equal(inA.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(inA.failureDetails));
    assert.deepEqual(outputOf(inA), { hub: "a", input: "from a" });
    assert.equal(await clientB.getOrchestrationState(id), undefined, "hub b does not see hub a's instance");
    assert.ok(seenBy.a.has(id));
    assert.ok(!seenBy.b.has(id), "hub b's worker never ran hub a's instance");

    // The same id in hub b is a different instance: no ALREADY_EXISTS, its own input and output.
    await clientB.scheduleNewOrchestration("hubOrchestrator", "from b", id);
    const inB = await waitForDone(clientB, id);
    assert.equal(inB.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(inB.failureDetails));
    assert.deepEqual(outputOf(inB), { hub: "b", input: "from b" });
    const stillA = await clientA.getOrchestrationState(id);
    assert.deepEqual(outputOf(stillA!), { hub: "a", input: "from a" }, "hub a's instance is untouched");
  }));

  test("a hub not in --task-hubs is NOT_FOUND", { timeout: 60_000 }, withServerOutput(() => [server], async () => {
    assert.ok(server, "the server did not start");
    const stranger = createMsClient(server.grpcAddress, { taskHub: "c" });
    try {
      await assertGrpcStatus(stranger.getOrchestrationState(uniqueId("ms-hub-c")), GrpcStatus.NOT_FOUND, "GetInstance in hub c");
    } finally {
      await stopAll(stranger);
    }
  }));
});

describe("dynamic task hubs (--dynamic-task-hubs)", () => {
  let server: DtsServer | undefined;

  before(async () => {
    server = await DtsServer.start({ dynamicTaskHubs: true });
  });

  after(async () => {
    await server?.dispose();
  });

  test("an unknown hub is created on first use and stays isolated", { timeout: 60_000 }, withServerOutput(() => [server], async () => {
    assert.ok(server, "the server did not start");
    const fresh = createMsClient(server.grpcAddress, { taskHub: "fresh-hub" });
    const other = createMsClient(server.grpcAddress);
    try {
      const id = uniqueId("ms-dyn");
      assert.equal(await fresh.scheduleNewOrchestration("echoOrchestrator", 1, id), id);
      const state = await fresh.getOrchestrationState(id);
      assert.ok(state, "the instance exists in the new hub");
      assert.equal(state.runtimeStatus, OrchestrationStatus.PENDING, "no worker: still pending");
      assert.equal(await other.getOrchestrationState(id), undefined, "the default hub does not see it");
    } finally {
      await stopAll(fresh, other);
    }
  }));
});

/**
 * End to end with `@microsoft/durabletask-js`: durable entities driven by the client, beyond the
 * SDK catalogue's entity scenarios (test/sdk/catalogue.json). Entity metadata, a missing entity,
 * queries with and without state and by modification time, scheduled signals, FIFO order under
 * concurrent clients and bad ids.
 * The worker connects with an empty GetWorkItemsRequest, as the SDK does out of the box, so
 * these tests also prove the server's entity capability probe (src/engine/entity-support.ts).
 */
import assert from "node:assert/strict";
import { EntityInstanceId, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { createMsClient, msHarness, stopAll } from "../support/sdk-ms.ts";
import { eventually, uniqueId } from "../support/wait.ts";
import { registerEntities } from "./fixtures/ms-entities.ts";

const harness = msHarness(registerEntities);
const { it } = harness;

/** Waits until the entity's state satisfies `accept`, and returns the state. */
async function stateOf<T>(c: TaskHubGrpcClient, id: EntityInstanceId, accept: (state: T) => boolean, what: string): Promise<T> {
  return eventually(what, async () => {
    const entity = await c.getEntity<T>(id);
    return entity !== undefined && entity.state !== undefined && accept(entity.state) ? entity.state : undefined;
  }, 30_000, 50);
}

it("a signalled counter keeps its state, and getEntity reports it with metadata", async (c) => {
  const id = new EntityInstanceId("Counter", uniqueId("k"));
  const before = Date.now();
  await c.signalEntity(id, "add", 5);
  await c.signalEntity(id, "add", 7);
  assert.equal(await stateOf<number>(c, id, (s) => s === 12, "the counter to reach 12"), 12);
  const entity = await c.getEntity<number>(id);
  assert.ok(entity);
  assert.equal(entity.id.toString(), `@counter@${id.key}`, "the name is lower-cased, the key kept");
  assert.equal(entity.backlogQueueSize, 0);
  assert.equal(entity.lockedBy, undefined);
  assert.ok(entity.lastModifiedTime.getTime() >= before - 1000, "lastModifiedTime is recent");
  const withoutState = await c.getEntity(id, false);
  assert.ok(withoutState);
  assert.equal(withoutState.includesState, false, "no state when it is not asked for");
});

it("a missing entity is undefined, not an error", async (c) => {
  assert.equal(await c.getEntity(new EntityInstanceId("counter", uniqueId("never"))), undefined);
});

it("queries page through entities by prefix, with and without state", async (c) => {
  const prefix = uniqueId("q").toLowerCase();
  const total = 25;
  await Promise.all(Array.from({ length: total }, (_, i) => c.signalEntity(new EntityInstanceId("counter", `${prefix}-${String(i).padStart(2, "0")}`), "add", i)));
  await eventually("all entities to exist", async () => {
    let n = 0;
    for await (const _ of c.getEntities({ instanceIdStartsWith: `@counter@${prefix}`, includeState: false })) n++;
    return n === total ? true : undefined;
  }, 30_000, 100);
  const pages = c.getEntities({ instanceIdStartsWith: `counter@${prefix}`, pageSize: 10 }).asPages();
  const sizes: number[] = [];
  const keys: string[] = [];
  for await (const page of pages) {
    sizes.push(page.values.length);
    for (const e of page.values) {
      keys.push(e.id.key);
      assert.equal(e.state, Number(e.id.key.slice(-2)), "state is included by default");
    }
  }
  assert.deepEqual(sizes, [10, 10, 5]);
  assert.deepEqual(keys, [...keys].sort(), "pages come in instance id order");
  assert.equal(new Set(keys).size, total);
  for await (const e of c.getEntities({ instanceIdStartsWith: `@counter@${prefix}`, includeState: false })) {
    assert.equal(e.includesState, false);
  }
  const future = new Date(Date.now() + 3_600_000);
  let inFuture = 0;
  for await (const _ of c.getEntities({ instanceIdStartsWith: `@counter@${prefix}`, lastModifiedFrom: future })) inFuture++;
  assert.equal(inFuture, 0, "lastModifiedFrom filters");
});

it("a scheduled signal is delivered at its time, not before", async (c) => {
  const id = new EntityInstanceId("counter", uniqueId("s"));
  const at = new Date(Date.now() + 1500);
  await c.signalEntity(id, "add", 1, { signalTime: at });
  const early = await c.getEntity(id);
  assert.equal(early, undefined, "nothing ran before the scheduled time");
  await stateOf<number>(c, id, (s) => s === 1, "the scheduled signal");
  assert.ok(Date.now() >= at.getTime() - 50, "delivered no earlier than scheduled");
});

it("operations from concurrent clients run one at a time, each client's in order", async (c) => {
  const id = new EntityInstanceId("listkeeper", uniqueId("o"));
  const clients = [c, createMsClient(harness.server?.grpcAddress ?? ""), createMsClient(harness.server?.grpcAddress ?? "")];
  try {
    await Promise.all(clients.map(async (cl, n) => {
      for (let i = 0; i < 20; i++) await cl.signalEntity(id, "append", `${n}:${i}`);
    }));
  } finally {
    await stopAll(clients[1], clients[2]);
  }
  const list = await stateOf<string[]>(c, id, (s) => s.length === 60, "all 60 appends");
  for (let n = 0; n < 3; n++) {
    const mine = list.filter((x) => x.startsWith(`${n}:`)).map((x) => Number(x.split(":")[1]));
    assert.deepEqual(mine, Array.from({ length: 20 }, (_, i) => i), `client ${n}'s signals in order`);
  }
});

it("bad entity ids and page sizes are INVALID_ARGUMENT", async (c) => {
  const { grpcCodeOf, GrpcStatus } = await import("../support/grpc-status.ts");
  const tooLong = new EntityInstanceId("counter", "k".repeat(200));
  await assert.rejects(c.signalEntity(tooLong, "add", 1), (err) => grpcCodeOf(err) === GrpcStatus.INVALID_ARGUMENT);
  const pages = c.getEntities({ pageSize: 5000 })[Symbol.asyncIterator]();
  await assert.rejects(pages.next(), (err) => grpcCodeOf(err) === GrpcStatus.INVALID_ARGUMENT);
});

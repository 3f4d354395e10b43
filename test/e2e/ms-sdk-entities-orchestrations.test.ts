/**
 * End to end with `@microsoft/durabletask-js`: entities together with orchestrations, beyond the
 * SDK catalogue's `entity-call` and `entity-lock` (test/sdk/catalogue.json). Entity-to-entity
 * signals, an entity starting an orchestration, critical sections over one entity (with the
 * backlog) and over several, locks released when the holder ends, and CleanEntityStorage.
 */
import assert from "node:assert/strict";
import { EntityInstanceId, OrchestrationStatus, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { eventually, sleep, uniqueId } from "../support/wait.ts";
import { registerEntities } from "./fixtures/ms-entities.ts";

const { it } = msHarness(registerEntities);

async function stateOf<T>(c: TaskHubGrpcClient, id: EntityInstanceId, accept: (state: T) => boolean, what: string): Promise<T> {
  return eventually(what, async () => {
    const entity = await c.getEntity<T>(id);
    return entity !== undefined && entity.includesState && accept(entity.state as T) ? (entity.state as T) : undefined;
  }, 30_000, 50);
}

async function lockedBy(c: TaskHubGrpcClient, id: EntityInstanceId): Promise<string | undefined> {
  return (await c.getEntity(id, false))?.lockedBy;
}

it("an entity signals other entities", async (c) => {
  const targets = [uniqueId("t1"), uniqueId("t2")];
  const forwarder = new EntityInstanceId("forwarder", uniqueId("fw"));
  await c.signalEntity(forwarder, "forward", { amount: 3, targets });
  await c.signalEntity(forwarder, "forward", { amount: 2, targets });
  for (const key of targets) assert.equal(await stateOf<number>(c, new EntityInstanceId("counter", key), (s) => s === 5, `target ${key}`), 5);
  assert.equal(await stateOf<number>(c, forwarder, (s) => s === 5, "the forwarder"), 5);
});

it("an entity starts an orchestration", async (c) => {
  const orchestrationId = uniqueId("from-entity");
  await c.signalEntity(new EntityInstanceId("starter", uniqueId("st")), "start", orchestrationId);
  const state = await eventually("the orchestration to exist", async () => c.getOrchestrationState(orchestrationId), 30_000, 50);
  assert.equal(state.name, "greetOrchestrator");
  const done = await waitForDone(c, orchestrationId);
  assert.equal(outputOf(done), "hello from an entity");
});

it("a critical section over one entity: lockedBy names the holder, others wait until it ends", async (c) => {
  const key = uniqueId("lock1");
  const counter = new EntityInstanceId("counter", key);
  await c.signalEntity(counter, "add", 10);
  await stateOf<number>(c, counter, (s) => s === 10, "the counter at 10");
  const holder = await c.scheduleNewOrchestration("lockedTransferOrchestrator", [key]);
  await eventually("the lock to be taken", async () => ((await lockedBy(c, counter)) === holder ? true : undefined), 30_000, 50);
  await c.signalEntity(counter, "add", 100);
  await sleep(300);
  const whileLocked = await c.getEntity<number>(counter);
  assert.equal(whileLocked?.state, 10, "a signal from outside waits while the entity is locked");
  assert.equal(whileLocked?.backlogQueueSize, 1, "the waiting signal counts as backlog");
  await c.raiseOrchestrationEvent(holder, "go");
  const done = await waitForDone(c, holder);
  assert.equal(done.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(done.failureDetails));
  assert.deepEqual(outputOf(done), [10]);
  assert.equal(await stateOf<number>(c, counter, (s) => s === 111, "the queued signal after the unlock"), 111);
  assert.equal(await lockedBy(c, counter), undefined);
});

it("a critical section over several entities, and a second one that waits for it", async (c) => {
  const keys = [uniqueId("m1"), uniqueId("m2"), uniqueId("m3")];
  const ids = keys.map((k) => new EntityInstanceId("counter", k));
  const first = await c.scheduleNewOrchestration("lockedTransferOrchestrator", keys);
  for (const id of ids) await eventually("all locks held by the first", async () => ((await lockedBy(c, id)) === first ? true : undefined), 30_000, 50);
  const second = await c.scheduleNewOrchestration("lockedTransferOrchestrator", [keys[2] as string, keys[0] as string]);
  await sleep(300);
  assert.equal((await c.getOrchestrationState(second))?.runtimeStatus, OrchestrationStatus.RUNNING);
  for (const id of ids) assert.equal(await lockedBy(c, id), first, "the second waits for the first");
  await c.raiseOrchestrationEvent(first, "go");
  assert.deepEqual(outputOf(await waitForDone(c, first)), [0, 0, 0]);
  await eventually("the second to take its locks", async () => ((await lockedBy(c, ids[0] as EntityInstanceId)) === second ? true : undefined), 30_000, 50);
  await c.raiseOrchestrationEvent(second, "go");
  assert.deepEqual(outputOf(await waitForDone(c, second)), [1, 1], "the second saw the first's additions");
  assert.equal(await stateOf<number>(c, ids[1] as EntityInstanceId, (s) => s === 1, "middle counter"), 1);
  for (const id of ids) assert.equal(await lockedBy(c, id), undefined);
});

it("locks held by an orchestration that completes or is terminated are released", async (c) => {
  for (const end of ["complete", "terminate"] as const) {
    const keys = [uniqueId(`e-${end}-1`), uniqueId(`e-${end}-2`)];
    const ids = keys.map((k) => new EntityInstanceId("counter", k));
    const holder = await c.scheduleNewOrchestration("lockAndEndOrchestrator", keys);
    for (const id of ids) await eventually("the locks to be held", async () => ((await lockedBy(c, id)) === holder ? true : undefined), 30_000, 50);
    await c.signalEntity(ids[0] as EntityInstanceId, "add", 1);
    if (end === "complete") await c.raiseOrchestrationEvent(holder, "end");
    else await c.terminateOrchestration(holder, "stop");
    await waitForDone(c, holder);
    for (const id of ids) await eventually(`the lock to be released after ${end}`, async () => ((await lockedBy(c, id)) === undefined ? true : undefined), 30_000, 50);
    assert.equal(await stateOf<number>(c, ids[0] as EntityInstanceId, (s) => s === 1, "the waiting signal"), 1);
  }
});

it("cleanEntityStorage runs to the end and leaves healthy entities alone", async (c) => {
  const id = new EntityInstanceId("counter", uniqueId("clean"));
  await c.signalEntity(id, "add", 1);
  await stateOf<number>(c, id, (s) => s === 1, "the counter");
  const result = await c.cleanEntityStorage();
  assert.equal(result.continuationToken, undefined);
  assert.equal(result.orphanedLocksReleased, 0);
  assert.equal(result.emptyEntitiesRemoved, 0);
  assert.equal((await c.getEntity<number>(id))?.state, 1);
});

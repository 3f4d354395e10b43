/**
 * The client side of the entity scenarios and of `work-item-filters` (see scenarios.ts), over
 * `ScenarioClient.entities` and the driver's filtered workers. Imports no SDK.
 */
import { eventually, mapLimit, sleep } from "../../../support/wait.ts";
import type { EntityClient, ScenarioClient } from "./client.ts";
import { newId, type ScenarioEnv, type ScenarioFn } from "./scenarios.ts";

const waitMs = 60_000;
const pollMs = 50;

function entitiesOf(c: ScenarioClient): EntityClient {
  if (c.entities === undefined) throw new Error("this SDK's client has no entities");
  return c.entities;
}

/** Polls the entity until `accept` takes its state, and returns that state. */
async function stateWhen(e: EntityClient, entity: string, key: string, accept: (state: unknown) => boolean): Promise<unknown> {
  return eventually(`${entity}@${key} to reach the expected state`, async () => {
    const got = await e.get(entity, key, true);
    return got !== null && accept(got.state) ? { state: got.state } : undefined;
  }, waitMs, pollMs).then((found) => found.state);
}

async function finishedOutput(c: ScenarioClient, instanceId: string): Promise<{ status: string; output: unknown }> {
  const state = await c.waitForCompletion(instanceId, waitMs / 1000);
  if (state === null) throw new Error(`instance ${instanceId} does not exist`);
  return { status: state.status, output: state.output };
}

const nameOf = (state: unknown): unknown => (state as { name?: unknown } | null)?.name;

export const entityScenarios: Record<string, ScenarioFn> = {
  "entity-signal": async ({ client }, input) => {
    const e = entitiesOf(client);
    const key = newId("signal");
    for (const [operation, arg] of input.signals as [string, unknown][]) await e.signal(input.entity, key, operation, arg);
    return { state: await stateWhen(e, input.entity, key, (s) => s === 10) };
  },
  "entity-call": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("call") });
    const result = await finishedOutput(c, id);
    return { result, signaled: await stateWhen(entitiesOf(c), "counter", `${id}-signaled`, (s) => s === 40) };
  },
  "entity-lock": async ({ client: c }, input) => {
    const e = entitiesOf(c);
    const [k1, k2] = [newId("lock1"), newId("lock2")];
    await e.signal("counter", k1, "add", input.initial);
    await stateWhen(e, "counter", k1, (s) => s === input.initial);
    const holder = await c.start(input.orchestration, [k1, k2], { instanceId: newId("holder") });
    const lockedByHolder = await eventually("the lock to be taken", async () => ((await e.get("counter", k1, false))?.lockedBy === holder ? true : undefined), waitMs, pollMs);
    await e.signal("counter", k1, input.signalWhileLocked[0], input.signalWhileLocked[1]);
    // A negative check: only waiting shows that the signal does not run while the lock is held.
    await sleep(input.quietS * 1000);
    const stateWhileLocked = (await e.get("counter", k1, true))?.state;
    await c.raise(holder, input.event[0], input.event[1]);
    const result = await finishedOutput(c, holder);
    const finalState = await stateWhen(e, "counter", k1, (s) => s === 111);
    return { lockedByHolder, stateWhileLocked, result, finalState, lockedAfter: (await e.get("counter", k1, false))?.lockedBy ?? null };
  },
  "entity-state": async ({ client }, input) => {
    const e = entitiesOf(client);
    const key = newId("profile");
    await e.signal(input.entity, key, "set", input.first);
    const first = await stateWhen(e, input.entity, key, (s) => nameOf(s) === input.first.name);
    await e.signal(input.entity, key, input.failing[0], input.failing[1]);
    await e.signal(input.entity, key, "set", input.second);
    return { first, second: await stateWhen(e, input.entity, key, (s) => nameOf(s) === input.second.name) };
  },
  "entity-delete": async ({ client }, input) => {
    const e = entitiesOf(client);
    const key = newId("delete");
    await e.signal(input.entity, key, "add", 3);
    await stateWhen(e, input.entity, key, (s) => s === 3);
    await e.signal(input.entity, key, "delete");
    const deleted = await eventually("the entity to be deleted", async () => ((await e.get(input.entity, key, true)) === null ? { gone: null } : undefined), waitMs, pollMs);
    await e.signal(input.entity, key, "add", 2);
    return { deleted: deleted.gone, recreated: await stateWhen(e, input.entity, key, (s) => s === 2) };
  },
  "entity-query": async ({ client }, input) => {
    const e = entitiesOf(client);
    const prefix = newId("query").toLowerCase();
    const keys = Array.from({ length: input.count }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    await mapLimit(keys, 10, (key, i) => e.signal(input.entity, key, "add", i));
    const idPrefix = `@${input.entity}@${prefix}`;
    const walk = async () => {
      const pages: unknown[][] = [];
      for await (const page of e.query(idPrefix, input.pageSize)) pages.push(page.map((x) => x.state));
      return pages;
    };
    // Signals are processed in the background: wait until every entity exists with its state.
    const pages = await eventually("every entity to exist", async () => {
      const got = await walk();
      return got.flat().length === input.count && got.flat().every((s, i) => s === i) ? got : undefined;
    }, waitMs, 100);
    return { count: pages.flat().length, pages: pages.length, largestPage: Math.max(...pages.map((p) => p.length)), states: pages.flat() };
  },
  "work-item-filters": async (env: ScenarioEnv, input) => {
    const start = env.startFilteredWorker;
    if (start === undefined) throw new Error("this SDK's worker has no work-item filters");
    const c = env.client;
    const stops: Array<() => Promise<void>> = [];
    try {
      for (const letter of ["A", "B"]) stops.push(await start(letter, { orchestrations: [`FilterOrch${letter}`], activities: [`FilterAct${letter}`] }));
      const outputs = async (letter: string) => {
        const ids = await mapLimit(Array.from({ length: input.perWorker }, () => newId(`filter-${letter}`)), 5, (id) => c.start(`FilterOrch${letter}`, "x", { instanceId: id }));
        return Promise.all(ids.map(async (id) => (await finishedOutput(c, id)).output));
      };
      const [a, b] = await Promise.all([outputs("A"), outputs("B")]);
      const pendingId = await c.start("FilterOrchC", "x", { instanceId: newId("filter-C") });
      // A negative check: nothing may run it until a matching worker connects.
      await sleep(input.quietS * 1000);
      const pendingC = (await c.state(pendingId, false))?.status;
      stops.push(await start("C", { orchestrations: ["FilterOrchC"], activities: ["FilterActC"] }));
      return { a, b, pendingC, c: (await finishedOutput(c, pendingId)).output };
    } finally {
      await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    }
  },
};

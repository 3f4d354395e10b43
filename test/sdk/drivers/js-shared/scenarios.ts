/**
 * The client side of every catalogue scenario (test/sdk/catalogue.json: each scenario's
 * `steps`), once for both JavaScript SDKs, over the `ScenarioClient` shape (client.ts). Each
 * returns the scenario's `observed` value. Instance ids are fresh per run, so scenarios can run
 * concurrently; keys and ids never appear in what is observed. Imports no SDK.
 */
import { randomUUID } from "node:crypto";
import { eventually, mapLimit, sleep } from "../../../support/wait.ts";
import type { ScenarioClient, State } from "./client.ts";

export interface FilteredWorkerSpec {
  readonly orchestrations: readonly string[];
  readonly activities: readonly string[];
}

export interface ScenarioEnv {
  readonly client: ScenarioClient;
  /** Starts a worker declaring `filters`, its functions tagged `tag`; resolves to its stop. */
  startFilteredWorker?(tag: string, filters: FilteredWorkerSpec): Promise<() => Promise<void>>;
}

// Scenario inputs are the catalogue's JSON, shaped as each scenario's steps say.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Input = any;
export type ScenarioFn = (env: ScenarioEnv, input: Input) => Promise<unknown>;

const waitS = 60;
const pollMs = 50;

export function newId(prefix: string): string {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

async function finish(c: ScenarioClient, instanceId: string, timeoutS = waitS): Promise<State> {
  const state = await c.waitForCompletion(instanceId, timeoutS);
  if (state === null) throw new Error(`instance ${instanceId} does not exist`);
  return state;
}

async function started(c: ScenarioClient, instanceId: string): Promise<void> {
  if ((await c.waitForStart(instanceId, waitS)) === null) throw new Error(`instance ${instanceId} does not exist`);
}

async function run(c: ScenarioClient, name: string, input?: unknown, prefix = name): Promise<State> {
  return finish(c, await c.start(name, input, { instanceId: newId(prefix) }));
}

function pick<K extends keyof State>(state: State | null, ...keys: K[]): Partial<Pick<State, K>> | null {
  if (state === null) return null;
  const out: Partial<Pick<State, K>> = {};
  for (const key of keys) out[key] = state[key];
  return out;
}

async function running(c: ScenarioClient, instanceId: string): Promise<void> {
  await eventually(`${instanceId} to be RUNNING`, async () => ((await c.state(instanceId, false))?.status === "RUNNING" ? true : undefined), waitS * 1000, pollMs);
}

/** Runs `body`, then its clean-up even when it failed (a terminate that may find nothing). */
async function withCleanup<T>(body: () => Promise<T>, cleanup: () => Promise<unknown>): Promise<T> {
  try {
    return await body();
  } finally {
    await cleanup().catch(() => undefined);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this SDK's client has no ${what}`);
  return value;
}

const orchestrationScenarios: Record<string, ScenarioFn> = {
  "empty-orchestration": async ({ client: c }, input) => ({
    echo: pick(await run(c, input.orchestration, input.value), "status", "name", "input", "output"),
    bare: pick(await run(c, input.orchestration), "status", "input", "output"),
  }),
  "activity-sequence": async ({ client: c }, input) => pick(await run(c, input.orchestration, input.names), "status", "output"),
  "fan-out-fan-in": async ({ client: c }, input) => pick(await run(c, input.orchestration, input.value), "status", "output"),
  "sub-orchestration": async ({ client: c }, input) => {
    const parent = await run(c, input.orchestration, input.value);
    return { parent: pick(parent, "status", "output"), child: pick(await c.state(`${parent.instanceId}-child`), "status", "name", "output") };
  },
  "sub-orchestration-fan-out": async ({ client: c }, input) => pick(await run(c, input.orchestration, input.value), "status", "output"),
  timer: async ({ client: c }, input) => pick(await run(c, input.orchestration, input.value), "status", "output"),
  "falsy-values": async ({ client: c }, input) => {
    const out: unknown[] = [];
    for (const value of input.values as unknown[]) out.push(pick(await run(c, input.orchestration, value), "status", "input", "output"));
    return out;
  },
  tags: async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, input.value, { instanceId: newId("tags"), tags: input.tags });
    return pick(await finish(c, id), "status", "tags");
  },
  "exists-false": async ({ client: c }, input) => {
    const id = newId("never-started");
    return {
      withPayloads: await c.state(id, true),
      withoutPayloads: await c.state(id, false),
      waitForCompletion: await c.waitForCompletion(id, input.waitTimeoutS),
    };
  },
};

const eventScenarios: Record<string, ScenarioFn> = {
  "external-events": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("events") });
    for (const [name, data] of input.events as [string, unknown][]) await c.raise(id, name, data);
    return pick(await finish(c, id), "status", "output");
  },
  "external-event-timeout-fires": async ({ client: c }, input) => {
    const result = await run(c, input.orchestration, input.value);
    await c.raise(result.instanceId, input.lateEvent[0], input.lateEvent[1]).catch(() => undefined);
    return { result: pick(result, "status", "output"), later: pick(await c.state(result.instanceId), "status", "output") };
  },
  "external-event-timeout-beaten": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, input.value, { instanceId: newId("approval") });
    await started(c, id);
    await c.raise(id, input.event[0], input.event[1]);
    return pick(await finish(c, id), "status", "output");
  },
  "suspend-resume": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("suspend") });
    await started(c, id);
    await c.suspend(id);
    const suspended = (await c.state(id, false))?.status;
    await c.raise(id, input.event[0], input.event[1]);
    // A negative check: only waiting shows that the event does not run a suspended instance.
    await sleep(input.quietS * 1000);
    const afterEvent = (await c.state(id, false))?.status;
    await c.resume(id);
    return { suspended, afterEvent, result: pick(await finish(c, id), "status", "output") };
  },
  "continue-as-new": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, input.value, { instanceId: newId("can") });
    for (const n of input.items as number[]) await c.raise(id, `item-${n}`, `e${n}`);
    return pick(await finish(c, id), "status", "input", "output");
  },
  "custom-status": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("custom") });
    const first = await eventually("a custom status", async () => {
      const state = await c.state(id, true);
      return state?.customStatus !== null ? state : undefined;
    }, waitS * 1000, pollMs);
    await c.raise(id, input.event[0], input.event[1]);
    return { running: pick(first, "status", "customStatus"), result: pick(await finish(c, id), "status", "customStatus", "output") };
  },
  "send-event": async ({ client: c }, input) => {
    const receiverId = await c.start(input.receiver, undefined, { instanceId: newId("receiver") });
    const senderId = await c.start(input.sender, { receiverId }, { instanceId: newId("sender") });
    return { sender: pick(await finish(c, senderId), "status", "output"), receiver: pick(await finish(c, receiverId), "status", "output") };
  },
};

const controlScenarios: Record<string, ScenarioFn> = {
  terminate: async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("terminate") });
    await started(c, id);
    await c.terminate(id, input.output, false);
    const result = pick(await finish(c, id), "status", "output");
    await c.terminate(id, input.again, false).catch(() => undefined);
    return { result, later: pick(await c.state(id), "status", "output") };
  },
  "terminate-recursive": async ({ client: c }, input) => {
    const root = await c.start(input.orchestration, undefined, { instanceId: newId("term-rec") });
    await running(c, `${root}-child-child`);
    await c.terminate(root, input.output, true);
    const recursive = {
      root: pick(await finish(c, root), "status", "output"),
      child: pick(await finish(c, `${root}-child`), "status"),
      grandchild: pick(await finish(c, `${root}-child-child`), "status"),
    };
    const parent = await c.start(input.flatOrchestration, undefined, { instanceId: newId("term-flat") });
    const child = `${parent}-child`;
    await running(c, child);
    await c.terminate(parent, input.flatOutput, false);
    const parentState = pick(await finish(c, parent), "status", "output");
    const childAfterTerminate = pick(await c.state(child, false), "status");
    await c.raise(child, input.release[0], input.release[1]);
    return { recursive, flat: { parent: parentState, childAfterTerminate, child: pick(await finish(c, child), "status", "output") } };
  },
  "already-exists": async ({ client: c }, input) => {
    const id = await c.start(input.orchestration, undefined, { instanceId: newId("dup") });
    return withCleanup(async () => {
      await started(c, id);
      const secondStart = await c.start(input.orchestration, undefined, { instanceId: id }).then(() => "OK", (err: unknown) => c.errorCode(err));
      return { secondStart, status: (await c.state(id, false))?.status };
    }, () => c.terminate(id, null, false));
  },
  "activity-failure": async ({ client: c }, input) => ({
    uncaught: pick(await run(c, input.failing, input.value), "status", "output", "failure"),
    caught: pick(await run(c, input.catching, input.value), "status", "output"),
  }),
  "nested-failure": async ({ client: c }, input) => {
    const parent = await run(c, input.orchestration, input.value);
    return { parent: pick(parent, "status", "failure"), child: pick(await c.state(`${parent.instanceId}-child`), "status", "failure") };
  },
  "retry-policy": async ({ client: c }, input) => ({
    recovers: pick(await run(c, input.orchestration, input.recovers), "status", "output"),
    givesUp: pick(await run(c, input.orchestration, input.givesUp), "status", "failure"),
  }),
};

const managementScenarios: Record<string, ScenarioFn> = {
  "query-paging": async ({ client: c }, input) => {
    const query = required(c.query, "instance query");
    const since = new Date(Date.now() - 5_000);
    const prefix = newId("query");
    const ids = Array.from({ length: input.count }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    await mapLimit(ids, 10, (id, i) => c.start(input.completed, i, { instanceId: id }));
    await mapLimit(ids, 10, (id) => finish(c, id));
    const runningId = await c.start(input.running, undefined, { instanceId: `${prefix}-running` });
    return withCleanup(async () => {
      await started(c, runningId);
      const strip = (s: State): string => s.instanceId.slice(prefix.length);
      const pages: State[][] = [];
      for await (const page of query({ prefix, pageSize: input.pageSize })) pages.push([...page]);
      const all = async (q: Parameters<typeof query>[0]): Promise<State[]> => {
        const out: State[] = [];
        for await (const page of query(q)) out.push(...page);
        return out;
      };
      const one = async (payloads: boolean) => pick((await all({ prefix: ids[input.payloadIndex] as string, payloads }))[0] ?? null, "input", "output");
      return {
        ids: pages.flat().map(strip).sort(),
        pages: pages.length,
        largestPage: Math.max(...pages.map((p) => p.length)),
        completed: (await all({ prefix, statuses: ["COMPLETED"] })).length,
        runningIds: (await all({ prefix, statuses: ["RUNNING"] })).map(strip),
        inWindow: (await all({ prefix, createdFrom: since, createdTo: new Date(Date.now() + 60_000) })).length,
        inFuture: (await all({ prefix, createdFrom: new Date(Date.now() + 60_000) })).length,
        withPayloads: await one(true),
        withoutPayloads: await one(false),
      };
    }, () => c.terminate(runningId, null, false));
  },
  "purge-by-id": async ({ client: c }, input) => {
    const done = await run(c, input.completed, "purge me");
    const live = await c.start(input.running, undefined, { instanceId: newId("purge-running") });
    return withCleanup(async () => {
      await started(c, live);
      const purgedCompleted = await c.purge(done.instanceId);
      const afterPurge = await c.state(done.instanceId);
      const purgedRunning = await c.purge(live);
      return { purgedCompleted, afterPurge, purgedRunning, runningStatus: (await c.state(live, false))?.status, purgedUnknown: await c.purge(newId("unknown")) };
    }, () => c.terminate(live, null, false));
  },
  "purge-by-filter": async ({ client: c }, input) => {
    const from = new Date();
    const done = await mapLimit(Array.from({ length: input.count }, (_, i) => i), 8, (i) => run(c, input.completed, i, "purge-filter"));
    const live = await c.start(input.running, undefined, { instanceId: newId("purge-filter-running") });
    return withCleanup(async () => {
      await started(c, live);
      const purged = await c.purgeByFilter({ createdFrom: from, createdTo: new Date(Date.now() + 1_000), statuses: input.statuses });
      const left = await Promise.all(done.map((s) => c.state(s.instanceId, false)));
      return { purged, remaining: left.filter((s) => s !== null).length, runningStatus: (await c.state(live, false))?.status };
    }, () => c.terminate(live, null, false));
  },
  restart: async ({ client: c }, input) => {
    const restart = required(c.restart, "restart");
    const first = await run(c, input.orchestration, input.value, "restart");
    const sameId = await restart(first.instanceId, false);
    const sameIdResult = pick(await finish(c, sameId), "status", "output");
    const newId_ = await restart(first.instanceId, true);
    const newIdResult = pick(await finish(c, newId_), "status", "output");
    const unknown = await restart(newId("unknown"), false).then(() => "OK", (err: unknown) => c.errorCode(err));
    const live = await c.start(input.running, undefined, { instanceId: newId("restart-live") });
    return withCleanup(async () => {
      await started(c, live);
      const runningCode = await restart(live, false).then(() => "OK", (err: unknown) => c.errorCode(err));
      return { sameId: sameId === first.instanceId, sameIdResult, newIdDiffers: newId_ !== first.instanceId, newIdResult, unknown, running: runningCode };
    }, () => c.terminate(live, null, false));
  },
  rewind: async ({ client: c }, input) => {
    const rewind = required(c.rewind, "rewind");
    const failed = await run(c, input.orchestration, undefined, "rewind");
    await rewind(failed.instanceId, input.reason);
    const rewound = pick(await finish(c, failed.instanceId), "status", "output");
    const parent = await run(c, input.parent, undefined, "rewind-parent");
    await rewind(parent.instanceId, input.reason);
    const parentRewound = pick(await finish(c, parent.instanceId), "status", "output");
    return { failed: failed.status, rewound, parentFailed: parent.status, parentRewound, child: (await c.state(`${parent.instanceId}-child`, false))?.status };
  },
  history: async ({ client: c }, input) => {
    const history = required(c.history, "history");
    const done = await run(c, input.orchestration);
    return { events: await history(done.instanceId), unknown: await history(newId("unknown")) };
  },
};

export const scenarios: Record<string, ScenarioFn> = {
  ...orchestrationScenarios,
  ...eventScenarios,
  ...controlScenarios,
  ...managementScenarios,
};

/**
 * The orchestrations and activities of the catalogue (test/sdk/README.md lists them), written
 * once for both JavaScript SDKs. Their contexts and tasks are taken by structure; what differs
 * between the SDKs (sub-orchestration options, retries, custom status, sendEvent, entities) is
 * passed in as an `OrchestrationSdk`. Entities are SDK classes, so each driver brings its own.
 * Imports no SDK (the two must never load in one process).
 */
import { emitEvent } from "./command-loop.ts";

export interface TaskLike {
  getResult(): unknown;
}

/** What the orchestrators use of the SDK's orchestration context. */
export interface OrchestrationCtx {
  readonly instanceId: string;
  readonly currentUtcDateTime: Date;
  callActivity(name: string, input?: unknown): TaskLike;
  waitForExternalEvent(name: string): TaskLike;
  createTimer(fireAt: Date | number): TaskLike;
  continueAsNew(input: unknown, saveEvents: boolean): void;
}

export interface RetrySpec {
  readonly maxAttempts: number;
  readonly firstRetryIntervalMs: number;
}

export interface OrchestrationEntities {
  call(ctx: OrchestrationCtx, entity: string, key: string, operation: string, input?: unknown): TaskLike;
  signal(ctx: OrchestrationCtx, entity: string, key: string, operation: string, input?: unknown): void;
  /** A task whose result is the lock, for `release`. */
  lock(ctx: OrchestrationCtx, entity: string, keys: readonly string[]): TaskLike;
  release(lock: unknown): void;
}

export interface OrchestrationSdk {
  whenAll(tasks: TaskLike[]): TaskLike;
  whenAny(tasks: TaskLike[]): TaskLike;
  callSubOrchestrator(ctx: OrchestrationCtx, name: string, input: unknown, instanceId?: string): TaskLike;
  setCustomStatus(ctx: OrchestrationCtx, value: unknown): void;
  /** The error type and message of a caught task failure. */
  failureOf(err: unknown): { errorType: string; message: string };
  callActivityWithRetry?(ctx: OrchestrationCtx, name: string, input: unknown, retry: RetrySpec): TaskLike;
  sendEvent?(ctx: OrchestrationCtx, instanceId: string, name: string, data: unknown): void;
  readonly entities?: OrchestrationEntities;
}

/** How this worker's functions behave: the filter functions' tag, and BlockingActivity's mode. */
export interface WorkerBehaviour {
  readonly tag: string;
  readonly blockingActivity: "block" | "return";
}

// The value a `yield` gives back is whatever the task produced; the SDKs type it as any too.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yielded = any;
export type Orchestrator = (ctx: OrchestrationCtx, input: Yielded) => AsyncGenerator<unknown, unknown, Yielded>;
export type Activity = (ctx: unknown, input: Yielded) => unknown;

export interface Registrar {
  orchestrator(name: string, fn: Orchestrator): void;
  activity(name: string, fn: Activity): void;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this SDK has no ${what}`);
  return value;
}

const flakyAttempts = new Map<string, number>();
const failedOnce = new Set<string>();

function activities(behaviour: WorkerBehaviour): Record<string, Activity> {
  return {
    Hello: (_ctx, name: string) => `Hello, ${name}!`,
    Square: (_ctx, n: number) => n * n,
    Echo: (_ctx, value: unknown) => value,
    Fail: (_ctx, input: { message: string }) => {
      throw new Error(input.message);
    },
    Flaky: (_ctx, input: { key: string; failures: number }) => {
      const attempt = (flakyAttempts.get(input.key) ?? 0) + 1;
      flakyAttempts.set(input.key, attempt);
      if (attempt <= input.failures) throw new Error(`attempt ${attempt} failed on purpose`);
      return attempt;
    },
    Steady: () => "steady",
    FailOnce: (_ctx, input: { key: string }) => {
      if (failedOnce.has(input.key)) return "ok";
      failedOnce.add(input.key);
      throw new Error("first run fails");
    },
    StepA: (_ctx, i: number) => i * 2,
    StepB: (_ctx, a: number) => a + 1,
    BlockingActivity: (_ctx, input: { instanceId: string; value: unknown }) => {
      if (behaviour.blockingActivity === "return") return `done:${String(input.value)}`;
      emitEvent("activity-started", { instanceId: input.instanceId });
      // Never settles: the activity runs until the process is killed.
      return new Promise<never>(() => {});
    },
    ...filterActivities(behaviour.tag),
  };
}

function filterActivities(tag: string): Record<string, Activity> {
  const out: Record<string, Activity> = {};
  for (const letter of ["A", "B", "C"]) out[`FilterAct${letter}`] = (_ctx, input: string) => `FilterAct${letter}@${tag}(${input})`;
  return out;
}

function filterOrchestrators(tag: string): Record<string, Orchestrator> {
  const out: Record<string, Orchestrator> = {};
  for (const letter of ["A", "B", "C"]) {
    out[`FilterOrch${letter}`] = async function* (ctx, input: string) {
      return { worker: tag, activity: yield ctx.callActivity(`FilterAct${letter}`, input) };
    };
  }
  return out;
}

function basicOrchestrators(sdk: OrchestrationSdk): Record<string, Orchestrator> {
  return {
    EmptyOrchestration: async function* (_ctx, input) {
      return input;
    },
    HelloOrchestration: async function* (ctx, name: string) {
      return yield ctx.callActivity("Hello", name);
    },
    ActivitySequence: async function* (ctx, names: string[]) {
      const out: unknown[] = [];
      for (const name of names) out.push(yield ctx.callActivity("Hello", name));
      return out;
    },
    FanOutFanIn: async function* (ctx, input: { count: number }) {
      const tasks = Array.from({ length: input.count }, (_, i) => ctx.callActivity("Square", i + 1));
      const squares: number[] = yield sdk.whenAll(tasks);
      return squares.reduce((a, b) => a + b, 0);
    },
    ChildOrchestration: async function* (ctx, n: number) {
      const squared: number = yield ctx.callActivity("Square", n);
      return squared + 1;
    },
    ParentOrchestration: async function* (ctx, n: number) {
      return { fromChild: yield sdk.callSubOrchestrator(ctx, "ChildOrchestration", n, `${ctx.instanceId}-child`) };
    },
    SubOrchestrationFanOut: async function* (ctx, input: { count: number }) {
      const tasks = Array.from({ length: input.count }, (_, i) => sdk.callSubOrchestrator(ctx, "ChildOrchestration", i + 1));
      const results: number[] = yield sdk.whenAll(tasks);
      return results.reduce((a, b) => a + b, 0);
    },
    Timer: async function* (ctx, input: { seconds: number }) {
      const before = ctx.currentUtcDateTime.getTime();
      yield ctx.createTimer(new Date(before + input.seconds * 1000));
      return { waitedMs: ctx.currentUtcDateTime.getTime() - before };
    },
    EchoThroughActivity: async function* (ctx, value: unknown) {
      return yield ctx.callActivity("Echo", value);
    },
    HistoryShape: async function* (ctx) {
      const a: unknown = yield ctx.callActivity("Hello", "a");
      yield ctx.createTimer(ctx.currentUtcDateTime);
      const b: unknown = yield sdk.callSubOrchestrator(ctx, "HelloOrchestration", "b");
      return [a, b];
    },
  };
}

function eventOrchestrators(sdk: OrchestrationSdk): Record<string, Orchestrator> {
  return {
    ExternalEvents: async function* (ctx) {
      const first: unknown = yield ctx.waitForExternalEvent("first");
      const second: unknown = yield ctx.waitForExternalEvent("second");
      const third: unknown = yield ctx.waitForExternalEvent("third");
      const items: unknown[] = [];
      for (let i = 0; i < 3; i += 1) items.push(yield ctx.waitForExternalEvent("item"));
      return { first, second, third, items };
    },
    EventWithTimeout: async function* (ctx, input: { timeoutS: number }) {
      const approval = ctx.waitForExternalEvent("Approval");
      const timeout = ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + input.timeoutS * 1000));
      const winner: TaskLike = yield sdk.whenAny([approval, timeout]);
      return winner === approval ? { approved: approval.getResult() } : "timed out";
    },
    WaitForever: async function* (ctx) {
      return yield ctx.waitForExternalEvent("never");
    },
    ParentOfWaiter: async function* (ctx) {
      return yield sdk.callSubOrchestrator(ctx, "WaitForever", null, `${ctx.instanceId}-child`);
    },
    Grandparent: async function* (ctx) {
      return yield sdk.callSubOrchestrator(ctx, "ParentOfWaiter", null, `${ctx.instanceId}-child`);
    },
    WaitForGo: async function* (ctx) {
      return { go: yield ctx.waitForExternalEvent("go") };
    },
    ContinueAsNew: async function* (ctx, state: { generation: number; generations: number; received: unknown[] }) {
      const item: unknown = yield ctx.waitForExternalEvent(`item-${state.generation}`);
      const echoed: unknown = yield ctx.callActivity("Echo", item);
      const next = { ...state, generation: state.generation + 1, received: [...state.received, echoed] };
      if (next.generation > state.generations) return next;
      ctx.continueAsNew(next, true);
      return undefined;
    },
    CustomStatus: async function* (ctx) {
      sdk.setCustomStatus(ctx, { stage: "waiting", progress: 0.5, tags: ["a", "b"] });
      const go: unknown = yield ctx.waitForExternalEvent("go");
      sdk.setCustomStatus(ctx, { stage: "done", go });
      return "finished";
    },
    Receiver: async function* (ctx) {
      return yield ctx.waitForExternalEvent("ping");
    },
    Sender: async function* (ctx, input: { receiverId: string }) {
      required(sdk.sendEvent, "sendEvent")(ctx, input.receiverId, "ping", { n: 42 });
      return "sent";
    },
  };
}

function failureOrchestrators(sdk: OrchestrationSdk): Record<string, Orchestrator> {
  return {
    FailingOrchestration: async function* (ctx, input: { message: string }) {
      yield ctx.callActivity("Fail", input);
      return "unreachable";
    },
    CatchingOrchestration: async function* (ctx, input: { message: string }) {
      try {
        yield ctx.callActivity("Fail", input);
        return "unreachable";
      } catch (err) {
        return { caught: true, ...sdk.failureOf(err) };
      }
    },
    FailingParent: async function* (ctx, input: { message: string }) {
      yield sdk.callSubOrchestrator(ctx, "FailingOrchestration", input, `${ctx.instanceId}-child`);
      return "unreachable";
    },
    RetryOrchestration: async function* (ctx, input: { failures: number; maxAttempts: number; firstRetryIntervalMs: number }) {
      const call = required(sdk.callActivityWithRetry, "retry policies");
      const attempt: unknown = yield call(ctx, "Flaky", { key: ctx.instanceId, failures: input.failures }, input);
      return { succeededOnAttempt: attempt };
    },
    RewindableOrchestration: async function* (ctx) {
      const steady: unknown = yield ctx.callActivity("Steady");
      const ok: unknown = yield ctx.callActivity("FailOnce", { key: ctx.instanceId });
      return [steady, ok];
    },
    RewindableParent: async function* (ctx) {
      return { fromChild: yield sdk.callSubOrchestrator(ctx, "RewindableOrchestration", null, `${ctx.instanceId}-child`) };
    },
    FaultOrchestration: async function* (ctx, i: number) {
      const a: number = yield ctx.callActivity("StepA", i);
      yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + 1000));
      const b: number = yield ctx.callActivity("StepB", a);
      return { i, b };
    },
    BlockingOrchestration: async function* (ctx, value: unknown) {
      return { first: yield ctx.callActivity("BlockingActivity", { instanceId: ctx.instanceId, value }) };
    },
  };
}

function entityOrchestrators(sdk: OrchestrationSdk): Record<string, Orchestrator> {
  if (sdk.entities === undefined) return {};
  const entities = sdk.entities;
  return {
    CallEntity: async function* (ctx) {
      const key = ctx.instanceId;
      const first: unknown = yield entities.call(ctx, "counter", key, "add", 4);
      entities.signal(ctx, "counter", `${key}-signaled`, "add", 40);
      const second: unknown = yield entities.call(ctx, "counter", key, "get");
      let failed: unknown = { caught: false };
      try {
        yield entities.call(ctx, "counter", key, "fail", "boom from entity");
      } catch (err) {
        failed = { caught: true, message: sdk.failureOf(err).message };
      }
      return { first, second, failed };
    },
    LockedTransfer: async function* (ctx, keys: string[]) {
      const lock: unknown = yield entities.lock(ctx, "counter", keys);
      const seen: unknown[] = [];
      for (const key of keys) seen.push(yield entities.call(ctx, "counter", key, "get"));
      yield ctx.waitForExternalEvent("go");
      for (const key of keys) yield entities.call(ctx, "counter", key, "add", 1);
      entities.release(lock);
      return seen;
    },
  };
}

/** Registers every catalogue and fault function (entities excepted) with `registrar`. */
export function registerFunctions(registrar: Registrar, sdk: OrchestrationSdk, behaviour: WorkerBehaviour): void {
  const orchestrators = {
    ...basicOrchestrators(sdk),
    ...eventOrchestrators(sdk),
    ...failureOrchestrators(sdk),
    ...entityOrchestrators(sdk),
    ...filterOrchestrators(behaviour.tag),
  };
  for (const [name, fn] of Object.entries(orchestrators)) registrar.orchestrator(name, fn);
  for (const [name, fn] of Object.entries(activities(behaviour))) registrar.activity(name, fn);
}

/**
 * OpenTelemetry traces end to end: the real server with `--otlp-endpoint` pointing at a small
 * OTLP/HTTP receiver (test/support/otlp-receiver.ts), `@microsoft/durabletask-js` running an
 * orchestration with activities and a sub-orchestration, and one whose activity fails. The
 * server is stopped before the spans are read: its batch processor flushes on shutdown.
 *
 * The tests run in order: the first with an SDK that does not trace (no tracer provider is
 * registered yet, so the client sends no trace context); the second registers one in this
 * process (the SDK finds it through the global OpenTelemetry API, which cannot be unset again
 * for the SDK's cached tracer) and checks that the SDK's spans and the server's form one trace;
 * the third checks that with tracing off nothing is exported and the SDK's own trace still
 * passes through.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext, type TaskHubGrpcClient, type TaskHubGrpcWorker } from "@microsoft/durabletask-js";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.ts";
import { createMsClient, startMsWorker, stopAll, waitForDone } from "../support/sdk-ms.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import { uniqueId } from "../support/wait.ts";

const KIND_INTERNAL = 1;
const KIND_SERVER = 2;
const KIND_CLIENT = 3;
const STATUS_ERROR = 2;
const packageVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

async function* tracedParent(ctx: OrchestrationContext, input: string): AsyncGenerator<unknown, unknown, unknown> {
  const greeting = yield ctx.callActivity("tracedHello", input);
  const fromChild = yield ctx.callSubOrchestrator("tracedChild", greeting, { instanceId: `${ctx.instanceId}-child` });
  return fromChild;
}

async function* tracedChild(ctx: OrchestrationContext, input: string): AsyncGenerator<unknown, unknown, unknown> {
  return yield ctx.callActivity("tracedHello", `${input}!`);
}

async function* tracedFailing(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown, unknown> {
  return yield ctx.callActivity("tracedBoom");
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("tracedParent", tracedParent);
  w.addNamedOrchestrator("tracedChild", tracedChild);
  w.addNamedOrchestrator("tracedFailing", tracedFailing);
  w.addNamedActivity("tracedHello", (_ctx: ActivityContext, input: string) => `hello ${input}`);
  w.addNamedActivity("tracedBoom", () => {
    throw new Error("the boom activity failed on purpose");
  });
}

interface Run {
  parentId: string;
  failingId: string;
}

/** Starts a server (with `args`, `env`), runs both orchestrations, stops everything; the receiver then holds what was exported. */
async function runScenario(args: readonly string[], env: Record<string, string> = {}): Promise<Run & { server: DtsServer }> {
  const server = await DtsServer.start({ extraArgs: args, env });
  let worker: TaskHubGrpcWorker | undefined;
  let client: TaskHubGrpcClient | undefined;
  let run: Run | undefined;
  try {
    await withServerOutput(() => [server], async () => {
      worker = await startMsWorker(server.grpcAddress, register);
      client = createMsClient(server.grpcAddress);
      const parentId = uniqueId("traced");
      const failingId = uniqueId("traced-failing");
      await client.scheduleNewOrchestration("tracedParent", "world", { instanceId: parentId });
      await client.scheduleNewOrchestration("tracedFailing", undefined, { instanceId: failingId });
      const done = await waitForDone(client, parentId);
      assert.equal(done.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(done.failureDetails));
      assert.equal(JSON.parse(done.serializedOutput ?? "null"), "hello hello world!");
      assert.equal((await waitForDone(client, failingId)).runtimeStatus, OrchestrationStatus.FAILED);
      run = { parentId, failingId };
    })(undefined);
  } finally {
    await stopAll(worker, client);
    const { exit } = await server.stop();
    assert.equal(exit.code, 0, `the server exits cleanly\n${server.describeOutput()}`);
  }
  assert.ok(run !== undefined);
  return { ...run, server };
}

function only(spans: readonly ReceivedSpan[], name: string, instanceId: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name && s.attributes["durabletask.task.instance_id"] === instanceId);
  assert.equal(found.length, 1, `one span ${name} of ${instanceId}; got ${found.length} of ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0]!;
}

function all(spans: readonly ReceivedSpan[], name: string, instanceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.name === name && s.attributes["durabletask.task.instance_id"] === instanceId);
}

function assertChild(child: ReceivedSpan, parent: { traceId: string; spanId: string }, what: string): void {
  assert.equal(child.traceId, parent.traceId, `${what}: same trace`);
  assert.equal(child.parentSpanId, parent.spanId, `${what}: parent span`);
}

test("without a client trace context: the server roots the trace, and the executions, episodes, activities and the sub-orchestration stay in it", async () => {
  const receiver = await OtlpReceiver.start();
  try {
    const { parentId, failingId } = await runScenario(["--otlp-endpoint", receiver.endpoint]);
    const spans = receiver.spans;
    assert.deepEqual(receiver.refused, []);
    for (const span of spans) {
      assert.equal(span.resource["service.name"], "durable-task-scheduler");
      assert.equal(span.resource["service.version"], packageVersion);
      assert.equal(span.attributes["durabletask.task_hub"], "default");
    }

    const root = only(spans, "create_orchestration:tracedParent", parentId);
    assert.equal(root.parentSpanId, "", "a root span");
    assert.equal(root.kind, KIND_SERVER);
    const execution = only(spans, "orchestration:tracedParent", parentId);
    assertChild(execution, root, "the execution");
    assert.equal(execution.kind, KIND_INTERNAL);
    assert.equal(execution.attributes["durabletask.type"], "orchestration");
    assert.equal(execution.attributes["durabletask.task.name"], "tracedParent");
    assert.equal(execution.attributes["durabletask.task.status"], "COMPLETED");
    assert.equal(typeof execution.attributes["durabletask.task.execution_id"], "string");
    assert.ok(execution.endMs >= execution.startMs);

    // Start, the activity's result, the child's result: three episodes at least.
    const episodes = all(spans, "orchestration:tracedParent:episode", parentId);
    assert.ok(episodes.length >= 3, `episodes: ${episodes.length}`);
    for (const episode of episodes) {
      assertChild(episode, execution, "an episode");
      assert.equal(episode.kind, KIND_CLIENT);
    }
    assert.equal(episodes.at(-1)?.attributes["durabletask.task.status"], "COMPLETED");
    assert.ok(execution.startMs <= Math.min(...episodes.map((e) => e.startMs)), "the execution's span starts at ExecutionStarted, before its episodes");
    assert.ok(execution.endMs >= Math.max(...episodes.map((e) => e.endMs)), "and ends with the last one");

    // The SDK continues the trace it finds in ExecutionStarted even without a tracer provider of
    // its own (the API's no-op tracer propagates contexts): its ScheduleTask and
    // CreateSubOrchestration actions name span ids of its own, which the server's spans take as parents.
    const activity = only(spans, "activity:tracedHello", parentId);
    assert.equal(activity.traceId, root.traceId);
    assert.notEqual(activity.parentSpanId, "");
    assert.equal(activity.kind, KIND_CLIENT);
    assert.equal(activity.attributes["durabletask.type"], "activity");
    assert.equal(typeof activity.attributes["durabletask.task.task_id"], "number");
    assert.equal(activity.statusCode, 0);

    const childExecution = only(spans, "orchestration:tracedChild", `${parentId}-child`);
    assert.equal(childExecution.traceId, root.traceId, "the sub-orchestration stays in the trace");
    assert.notEqual(childExecution.parentSpanId, "");
    assert.equal(spans.filter((s) => s.name === "create_orchestration:tracedChild").length, 0, "a sub-orchestration is no new root");
    assert.equal(only(spans, "activity:tracedHello", `${parentId}-child`).traceId, root.traceId);

    const failedActivity = only(spans, "activity:tracedBoom", failingId);
    assert.equal(failedActivity.statusCode, STATUS_ERROR);
    assert.match(failedActivity.statusMessage, /the boom activity failed on purpose/);
    const failedExecution = only(spans, "orchestration:tracedFailing", failingId);
    assert.equal(failedExecution.statusCode, STATUS_ERROR);
    assert.equal(failedExecution.attributes["durabletask.task.status"], "FAILED");
    assert.match(failedExecution.statusMessage, /boom/);
    assert.equal(all(spans, "orchestration:tracedFailing:episode", failingId).at(-1)?.statusCode, STATUS_ERROR);
    assert.equal(failedActivity.traceId, failedExecution.traceId);
  } finally {
    await receiver.close();
  }
});

// Registered by the second test, kept for the third (the SDK caches its tracer).
const sdkSpans = new InMemorySpanExporter();

function sdkSpan(name: string, instanceId: string): ReadableSpan {
  const found = sdkSpans.getFinishedSpans().filter((s) => s.name === name && s.attributes["durabletask.task.instance_id"] === instanceId);
  assert.ok(found.length >= 1, `the SDK exported ${name} of ${instanceId}; it has ${JSON.stringify(sdkSpans.getFinishedSpans().map((s) => s.name))}`);
  return found[0]!;
}

test("with the SDK tracing: the server's spans continue the client's trace, and the SDK's activity spans hang under the server's", async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] }));
  const receiver = await OtlpReceiver.start();
  try {
    const { parentId } = await runScenario(["--otlp-endpoint", receiver.endpoint]);
    const spans = receiver.spans;
    const clientSpan = sdkSpan("create_orchestration:tracedParent", parentId).spanContext();
    assert.equal(all(spans, "create_orchestration:tracedParent", parentId).length, 0, "the client's span is the root");
    const execution = only(spans, "orchestration:tracedParent", parentId);
    assertChild(execution, clientSpan, "the execution under the client's span");

    // The orchestrator's ScheduleTask named its own (client) span; the server's activity span is its child, the SDK's activity span the server's.
    const activity = only(spans, "activity:tracedHello", parentId);
    assert.equal(activity.traceId, clientSpan.traceId);
    assert.notEqual(activity.parentSpanId, execution.spanId, "the parent the orchestrator named");
    const sdkActivity = sdkSpan("activity:tracedHello", parentId);
    assert.equal(sdkActivity.spanContext().traceId, clientSpan.traceId);
    assert.equal(sdkActivity.parentSpanContext?.spanId, activity.spanId, "the SDK's activity span is a child of the server's");
    assert.equal(sdkActivity.attributes["durabletask.task.task_id"], activity.attributes["durabletask.task.task_id"]);

    const childExecution = only(spans, "orchestration:tracedChild", `${parentId}-child`);
    const sdkChild = sdkSpan("orchestration:tracedChild", `${parentId}-child`);
    assert.equal(childExecution.traceId, clientSpan.traceId);
    assert.equal(childExecution.parentSpanId, sdkChild.parentSpanContext?.spanId, "the server and the SDK name the same parent for the child");
  } finally {
    await receiver.close();
  }
});

test("with tracing off nothing is exported, even with the standard variables set, and the SDK's trace context still passes through", async () => {
  const receiver = await OtlpReceiver.start();
  try {
    const env = { OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const { parentId } = await runScenario([], env);
    assert.deepEqual(receiver.spans, []);
    assert.deepEqual(receiver.refused, []);
    const clientSpan = sdkSpan("create_orchestration:tracedParent", parentId).spanContext();
    assert.equal(sdkSpan("activity:tracedHello", parentId).spanContext().traceId, clientSpan.traceId, "the activity continues the client's trace");
    assert.equal(sdkSpan("orchestration:tracedChild", `${parentId}-child`).spanContext().traceId, clientSpan.traceId);
  } finally {
    await receiver.close();
  }
});

test("a collector that never answers holds the shutdown a few seconds at most, and the log says the last spans were dropped", async () => {
  const receiver = await OtlpReceiver.start({ hang: true });
  try {
    // The exporter itself would wait a minute for the answer.
    const { server } = await runScenario(["--otlp-endpoint", receiver.endpoint], { OTEL_EXPORTER_OTLP_TIMEOUT: "60000" });
    assert.ok(receiver.requests >= 1, "the server tried to export");
    assert.match(server.describeOutput(), /the trace collector did not take the last spans within 5000 ms; they are dropped/);
  } finally {
    await receiver.close();
  }
});

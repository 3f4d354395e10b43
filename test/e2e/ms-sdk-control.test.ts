/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: what the
 * SDK catalogue (test/sdk/catalogue.json) does not cover of steering orchestrations.
 * Continue-as-new while events of one name keep arriving during each generation's last
 * episode, so carried-over events and inbox events must keep their order.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext, type TaskHubGrpcWorker } from "@microsoft/durabletask-js";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { sleep, uniqueId } from "../support/wait.ts";

const { it } = msHarness(register);

interface CounterState {
  readonly generation: number;
  readonly received: readonly unknown[];
}

/**
 * One event per generation. The episode that continues as new takes a while (a real delay,
 * outside replay), so events raised at a steady pace arrive at the server while it runs, with
 * earlier events still buffered in the SDK (saveEvents = true carries those over).
 */
async function* slowContinueAsNewOrchestrator(ctx: OrchestrationContext, state: CounterState): AsyncGenerator<unknown, unknown> {
  const item: unknown = yield ctx.waitForExternalEvent("item");
  const echoed: unknown = yield ctx.callActivity("identity", item);
  const next: CounterState = { generation: state.generation + 1, received: [...state.received, echoed] };
  if (next.generation > 10) return next;
  if (!ctx.isReplaying) await sleep(150);
  ctx.continueAsNew(next, true);
  return undefined;
}

function identity(_ctx: ActivityContext, value: unknown): unknown {
  return value;
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("slowContinueAsNewOrchestrator", slowContinueAsNewOrchestrator);
  w.addNamedActivity("identity", identity);
}

it("continue-as-new while events keep arriving during each generation's last episode", async (c) => {
  const id = uniqueId("ms-can-steady");
  await c.scheduleNewOrchestration("slowContinueAsNewOrchestrator", { generation: 0, received: [] }, id);
  const raised = Array.from({ length: 11 }, (_, i) => `e${i}`);
  for (const item of raised) {
    await c.raiseOrchestrationEvent(id, "item", item);
    await sleep(40);
  }
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  const { generation, received } = outputOf(state) as CounterState;
  assert.equal(generation, 11);
  assert.deepEqual([...received].sort(), [...raised].sort(), "every raised event reached exactly one generation");
  assert.deepEqual(received, raised, "events kept the order they were raised in across continue-as-new");
});

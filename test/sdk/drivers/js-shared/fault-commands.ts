/**
 * The fault-support commands (`schedule`, `wait`; README.md) over a `ScenarioClient`, shared by
 * both JavaScript drivers. `wait` rides out a server that is down or restarting: UNAVAILABLE
 * is retried until the command's deadline, as an application would. Imports no SDK.
 */
import { mapLimit, sleep } from "../../../support/wait.ts";
import type { ScenarioClient } from "./client.ts";

const callsInFlightMax = 25;

/** Starts instances `<idPrefix><i>` of `orchestration` for 1 <= i <= count; the input is `input`, or `i` when absent. */
export async function scheduleMany(c: ScenarioClient, command: Record<string, unknown>): Promise<string[]> {
  const count = Number(command["count"]);
  const prefix = String(command["idPrefix"] ?? "fault-");
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  return mapLimit(ids, callsInFlightMax, (id, i) => c.start(String(command["orchestration"]), "input" in command ? command["input"] : i + 1, { instanceId: id }));
}

async function waitOne(c: ScenarioClient, id: string, deadline: number): Promise<{ id: string; status: string; output: unknown }> {
  for (;;) {
    const leftS = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    try {
      const state = await c.waitForCompletion(id, leftS);
      if (state === null) return { id, status: "NOT_FOUND", output: null };
      return { id, status: state.status, output: state.output };
    } catch (err) {
      const code = c.errorCode(err);
      if ((code !== "UNAVAILABLE" && code !== "DEADLINE_EXCEEDED" && code !== "CANCELLED") || Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}

export async function waitMany(c: ScenarioClient, command: Record<string, unknown>): Promise<unknown[]> {
  const deadline = Date.now() + Number(command["timeoutS"] ?? 120) * 1000;
  const ids = (command["ids"] as unknown[]).map(String);
  return mapLimit(ids, callsInFlightMax, (id) => waitOne(c, id, deadline));
}

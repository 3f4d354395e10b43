/**
 * `@dapr/durabletask-js`'s client adapted to the scenarios' `ScenarioClient` shape
 * (js-shared/client.ts). It has no tags, recursive terminate, queries, restart, rewind, history
 * or entities (see exclusions.json); those members are absent or refuse.
 */
import type { TaskHubGrpcClient } from "@dapr/durabletask-js";
import { PurgeInstanceCriteria } from "@dapr/durabletask-js/orchestration/orchestration-purge-criteria.js";
import { commonMembers, type ScenarioClient } from "../js-shared/client.ts";

export function scenarioClient(c: TaskHubGrpcClient): ScenarioClient {
  return {
    ...commonMembers(c, () => new PurgeInstanceCriteria()),
    start(name, input, options = {}) {
      if (options.tags !== undefined) throw new Error("@dapr/durabletask-js has no tags");
      return c.scheduleNewOrchestration(name, input, options.instanceId);
    },
    terminate(id, output, recursive) {
      if (recursive) throw new Error("@dapr/durabletask-js has no recursive terminate");
      return c.terminateOrchestration(id, output);
    },
  };
}

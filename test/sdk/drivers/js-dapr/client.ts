/**
 * `@dapr/durabletask-js`'s client adapted to the scenarios' `ScenarioClient` shape
 * (js-shared/client.ts). It has no tags, recursive terminate, queries, restart, rewind, history
 * or entities (see exclusions.json); those members are absent or refuse.
 */
import type { TaskHubGrpcClient } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { PurgeInstanceCriteria } from "@dapr/durabletask-js/orchestration/orchestration-purge-criteria.js";
import type { OrchestrationState } from "@dapr/durabletask-js/orchestration/orchestration-state.js";
import { decodePayload, grpcErrorCode, type ScenarioClient, type State } from "../js-shared/client.ts";

function toState(s: OrchestrationState | undefined): State | null {
  if (s === undefined) return null;
  const f = s.failureDetails;
  return {
    instanceId: s.instanceId,
    status: OrchestrationStatus[s.runtimeStatus],
    name: s.name,
    input: decodePayload(s.serializedInput),
    output: decodePayload(s.serializedOutput),
    customStatus: decodePayload(s.serializedCustomStatus),
    // This SDK's FailureDetails carries no inner failure.
    failure: f === undefined ? null : { errorType: f.errorType, message: f.message, inner: null },
    tags: null,
    createdAt: s.createdAt,
  };
}

const statusOf = (name: string): OrchestrationStatus => {
  const status = OrchestrationStatus[name as keyof typeof OrchestrationStatus];
  if (status === undefined) throw new Error(`unknown status ${name}`);
  return status;
};

export function scenarioClient(c: TaskHubGrpcClient): ScenarioClient {
  return {
    start(name, input, options = {}) {
      if (options.tags !== undefined) throw new Error("@dapr/durabletask-js has no tags");
      return c.scheduleNewOrchestration(name, input, options.instanceId);
    },
    state: async (id, payloads = true) => toState(await c.getOrchestrationState(id, payloads)),
    waitForStart: async (id, timeoutS) => toState(await c.waitForOrchestrationStart(id, false, timeoutS)),
    waitForCompletion: async (id, timeoutS) => toState(await c.waitForOrchestrationCompletion(id, true, timeoutS)),
    raise: (id, name, data) => c.raiseOrchestrationEvent(id, name, data),
    terminate(id, output, recursive) {
      if (recursive) throw new Error("@dapr/durabletask-js has no recursive terminate");
      return c.terminateOrchestration(id, output);
    },
    suspend: (id) => c.suspendOrchestration(id),
    resume: (id) => c.resumeOrchestration(id),
    purge: async (id) => (await c.purgeOrchestration(id))?.deletedInstanceCount ?? 0,
    async purgeByFilter(f) {
      const criteria = new PurgeInstanceCriteria();
      criteria.setCreatedTimeFrom(f.createdFrom);
      criteria.setCreatedTimeTo(f.createdTo);
      criteria.setRuntimeStatusList(f.statuses.map(statusOf));
      return (await c.purgeOrchestration(criteria))?.deletedInstanceCount ?? 0;
    },
    errorCode: grpcErrorCode,
  };
}

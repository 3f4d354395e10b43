/**
 * `@microsoft/durabletask-js`'s client adapted to the scenarios' `ScenarioClient` shape
 * (js-shared/client.ts): every member, entities included.
 */
import {
  EntityInstanceId,
  OrchestrationStatus,
  PurgeInstanceCriteria,
  terminateOptions,
  type OrchestrationState,
  type TaskHubGrpcClient,
} from "@microsoft/durabletask-js";
import { decodePayload, grpcErrorCode, type EntityClient, type InstanceQuery, type ScenarioClient, type State } from "../js-shared/client.ts";

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
    tags: s.tags ?? null,
    createdAt: s.createdAt,
  };
}

const statusOf = (name: string): OrchestrationStatus => {
  const status = OrchestrationStatus[name as keyof typeof OrchestrationStatus];
  if (status === undefined) throw new Error(`unknown status ${name}`);
  return status;
};

function entityClient(c: TaskHubGrpcClient): EntityClient {
  return {
    signal: (entity, key, operation, input) => c.signalEntity(new EntityInstanceId(entity, key), operation, input),
    async get(entity, key, includeState) {
      const e = await c.getEntity(new EntityInstanceId(entity, key), includeState);
      return e === undefined ? null : { state: e.includesState ? e.state : null, lockedBy: e.lockedBy ?? null };
    },
    async *query(prefix, pageSize) {
      for await (const page of c.getEntities({ instanceIdStartsWith: prefix, pageSize, includeState: true }).asPages()) {
        yield page.values.map((e) => ({ key: e.id.key, state: e.state, lockedBy: e.lockedBy ?? null }));
      }
    },
  };
}

async function* queryPages(c: TaskHubGrpcClient, q: InstanceQuery): AsyncIterable<State[]> {
  const filter = {
    instanceIdPrefix: q.prefix,
    fetchInputsAndOutputs: q.payloads ?? false,
    ...(q.statuses === undefined ? {} : { statuses: q.statuses.map(statusOf) }),
    ...(q.createdFrom === undefined ? {} : { createdFrom: q.createdFrom }),
    ...(q.createdTo === undefined ? {} : { createdTo: q.createdTo }),
    ...(q.pageSize === undefined ? {} : { pageSize: q.pageSize }),
  };
  for await (const page of c.getAllInstances(filter).asPages()) yield page.values.map((s) => toState(s) as State);
}

export function scenarioClient(c: TaskHubGrpcClient): ScenarioClient {
  return {
    start: (name, input, options = {}) =>
      c.scheduleNewOrchestration(name, input, {
        ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
        ...(options.tags === undefined ? {} : { tags: { ...options.tags } }),
      }),
    state: async (id, payloads = true) => toState(await c.getOrchestrationState(id, payloads)),
    waitForStart: async (id, timeoutS) => toState(await c.waitForOrchestrationStart(id, false, timeoutS)),
    waitForCompletion: async (id, timeoutS) => toState(await c.waitForOrchestrationCompletion(id, true, timeoutS)),
    raise: (id, name, data) => c.raiseOrchestrationEvent(id, name, data),
    terminate: (id, output, recursive) => c.terminateOrchestration(id, terminateOptions({ output, recursive })),
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
    query: (q) => queryPages(c, q),
    restart: (id, newInstanceId) => c.restartOrchestration(id, newInstanceId),
    rewind: (id, reason) => c.rewindInstance(id, reason),
    history: async (id) => (await c.getOrchestrationHistory(id)).map((e) => String(e.type)),
    entities: entityClient(c),
  };
}

/**
 * `@microsoft/durabletask-js`'s client adapted to the scenarios' `ScenarioClient` shape
 * (js-shared/client.ts): every member, entities included.
 */
import { EntityInstanceId, PurgeInstanceCriteria, terminateOptions, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { commonMembers, observeState, statusNumber, type EntityClient, type InstanceQuery, type ScenarioClient, type State } from "../js-shared/client.ts";

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
    ...(q.statuses === undefined ? {} : { statuses: q.statuses.map(statusNumber) }),
    ...(q.createdFrom === undefined ? {} : { createdFrom: q.createdFrom }),
    ...(q.createdTo === undefined ? {} : { createdTo: q.createdTo }),
    ...(q.pageSize === undefined ? {} : { pageSize: q.pageSize }),
  };
  for await (const page of c.getAllInstances(filter).asPages()) yield page.values.map((s) => observeState(s) as State);
}

export function scenarioClient(c: TaskHubGrpcClient): ScenarioClient {
  return {
    ...commonMembers(c, () => new PurgeInstanceCriteria()),
    start: (name, input, options = {}) =>
      c.scheduleNewOrchestration(name, input, {
        ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
        ...(options.tags === undefined ? {} : { tags: { ...options.tags } }),
      }),
    terminate: (id, output, recursive) => c.terminateOrchestration(id, terminateOptions({ output, recursive })),
    query: (q) => queryPages(c, q),
    restart: (id, newInstanceId) => c.restartOrchestration(id, newInstanceId),
    rewind: (id, reason) => c.rewindInstance(id, reason),
    history: async (id) => (await c.getOrchestrationHistory(id)).map((e) => String(e.type)),
    entities: entityClient(c),
  };
}

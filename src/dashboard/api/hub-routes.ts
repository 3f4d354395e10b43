/**
 * The dashboard API's routes for one task hub (below /v1/taskhubs, hub from `x-taskhub`): which
 * method and path call which handler of orchestration-routes.ts and entity-routes.ts, and
 * whether it reads the hub or changes it. Literal paths come before the `:id` paths they
 * would otherwise match (`orchestrations/purge` is not an instance).
 */
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import type { HttpMethod, Params } from '../../http/routes.ts';
import type { DashboardPermission } from './dashboard-access.ts';
import { hubAccess } from './access-routes.ts';
import * as ent from './entity-routes.ts';
import * as orch from './orchestration-routes.ts';
import * as v from './validate.ts';

export interface HubRequest {
  engine: Engine;
  hub: TaskHubName;
  params: Params;
  query: URLSearchParams;
  /** Reads the JSON body (http/json-body.ts). */
  body(): Promise<unknown>;
  /** Refuses with PERMISSION_DENIED unless the caller may change the hub (the actions' own check). */
  permitWrite(): Promise<void>;
}

export interface HubRoute {
  method: HttpMethod;
  path: string;
  permission: DashboardPermission;
  run(request: HubRequest): Promise<orch.Reply> | orch.Reply;
}

export function hubRoutes(): HubRoute[] {
  const id = (r: HubRequest) => r.params['id'] as string;
  const purgeBody = async (r: HubRequest) => orch.purge(r.engine, r.hub, v.stringList(v.object(await r.body(), 'body')['instanceIds'], 'instanceIds', orch.BATCH_MAX, 100));
  const route = (method: HttpMethod, path: string, run: HubRoute['run']): HubRoute => ({
    method, path, run, permission: method === 'GET' || (method === 'POST' && path.endsWith('/query')) ? 'read' : 'write',
  });
  return [
    route('POST', '/orchestrations/query', async (r) => orch.queryOrchestrations(r.engine, r.hub, await r.body())),
    route('POST', '/orchestrations', async (r) => orch.createOrchestration(r.engine, r.hub, await r.body())),
    route('POST', '/orchestrations/addhistoryevents', async (r) => orch.addHistoryEvents(r.engine, r.hub, await r.body())),
    route('POST', '/orchestrations/forceterminate', async (r) => orch.forceTerminate(r.engine, r.hub, await r.body())),
    route('DELETE', '/orchestrations/purge', purgeBody),
    route('POST', '/orchestrations/purge', purgeBody),
    route('GET', '/orchestrations/:id', (r) => orch.getOrchestration(r.engine, r.hub, id(r), false)),
    route('DELETE', '/orchestrations/:id', (r) => orch.purge(r.engine, r.hub, [id(r)])),
    route('GET', '/orchestrations/:id/payloads', (r) => orch.getOrchestration(r.engine, r.hub, id(r), true)),
    route('GET', '/orchestrations/:id/history', (r) => orch.history(r.engine, r.hub, id(r))),
    route('GET', '/orchestrations/:id/executions/:execution/history', (r) => orch.history(r.engine, r.hub, id(r))),
    route('POST', '/orchestrations/:id/restart', async (r) => orch.restart(r.engine, r.hub, id(r), await r.body())),
    route('POST', '/orchestrations/:id/history', async (r) => orch.controlEvent(r.engine, r.hub, id(r), await r.body())),
    route('POST', '/entities/query', async (r) => ent.queryEntities(r.engine, r.hub, await r.body())),
    route('GET', '/entities/:id', (r) => ent.getEntity(r.engine, r.hub, id(r), false)),
    route('GET', '/entities/:id/state', (r) => ent.getEntity(r.engine, r.hub, id(r), true)),
    route('DELETE', '/entities/:id', (r) => ent.deleteEntity(r.engine, r.hub, id(r))),
    route('GET', '/workers', (r) => ent.workers(r.engine, r.hub)),
    route('GET', '/metrics', (r) => ent.hubMetrics(r.engine, r.hub, r.query.get('minutes'))),
    // What the caller may do on the hub, so the UI offers only the actions the server allows.
    route('GET', '/access', (r) => hubAccess(r.hub, r.permitWrite)),
  ];
}

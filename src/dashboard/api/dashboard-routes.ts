/**
 * The dashboard on the HTTP edge: its JSON API under `/v1/...` (also `/api/v1/...`, the
 * emulator's path; request-target.ts), Prometheus text on `/metrics`, and the built UI on its
 * own routes only (`/`, `/hubs/...`, `/assets/...`). A request for a hub names it in
 * `x-taskhub` (or `?taskhub=`); the hub's scheduler allowlist is checked first, then the token,
 * then the role for the hub, then whether the hub exists, so a caller without a role there
 * learns nothing about it. Lists of hubs show only the hubs the caller may read. Errors are
 * problem+json (edge-app.ts).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AccessGate } from '../../auth/gate.ts';
import { isServerError, ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { splitHubName } from '../../engine/scheduler-key.ts';
import { authenticate } from '../../http/authenticate.ts';
import { remoteAddress, type EdgeContext, type EdgeEnv } from '../../http/edge-env.ts';
import { readJsonBody } from '../../http/json-body.ts';
import { decodeSegment, requestPath } from '../../http/request-target.ts';
import { jsonReply, mountRoutes, type Params, type Route } from '../../http/routes.ts';
import { dashboardAccess, type DashboardAccess } from './dashboard-access.ts';
import { hubRoutes, type HubRoute } from './hub-routes.ts';
import type { ServerMetrics } from './metrics.ts';
import { appPage, assetFile, dashboardRoot } from './static-files.ts';
import { taskHubOf } from './task-hub-header.ts';

const DASHBOARD_BODY_BYTES_MAX = 8 * 1024 * 1024;

export interface DashboardDeps {
  engine: Engine;
  metrics: ServerMetrics;
  gate: AccessGate;
}

interface HubAccess {
  engine: Engine;
  access: DashboardAccess;
  /** What a hub's routes run first: its scheduler's allowlist, then the token. */
  hubChecks: MiddlewareHandler<EdgeEnv>[];
}

export function mountDashboard(app: Hono<EdgeEnv>, { engine, metrics, gate }: DashboardDeps): void {
  const access = dashboardAccess(gate);
  const known = [authenticate(gate)];
  const hubs: HubAccess = { engine, access, hubChecks: [hubAddress(access), ...known] };
  const routes: Route[] = [
    { method: 'GET', path: '/v1/ping', handle: () => jsonReply(200, { status: 'ok' }) },
    { method: 'GET', path: '/v1/scale', before: known, handle: async (c) => jsonReply(200, { taskHubs: await engine.scaleSignals.hubs(await visibleHubs(hubs, c)) }) },
    { method: 'GET', path: '/v1/taskhubs', before: known, handle: async (c) => jsonReply(200, { taskHubs: await hubList(engine, await visibleHubs(hubs, c)) }) },
    { method: 'GET', path: '/metrics', before: known, handle: async (c) => {
      await access.permit(c.get('principal'), 'read', '*');
      return new Response(await metrics.registry.metrics(), { status: 200, headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' } });
    } },
    ...hubRoutes().map((route) => hubRoute(hubs, route)),
    ...uiRoutes(),
  ];
  mountRoutes(app, routes, () => {});
}

/** The allowlist of the hub's scheduler, before any token is looked at. */
function hubAddress(access: DashboardAccess): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    await access.checkAddress(taskHubOf(c), remoteAddress(c));
    await next();
  };
}

/** A route of one hub: the allowlist, the token, the role for the hub, the hub's existence, then the handler. */
function hubRoute({ engine, access, hubChecks }: HubAccess, { method, path, permission, run }: HubRoute): Route {
  return {
    method,
    path: `/v1/taskhubs${path}`,
    before: hubChecks,
    handle: async (c: EdgeContext, params: Params) => {
      const hub = taskHubOf(c);
      await access.permit(c.get('principal'), permission, hub);
      const { schedulerKey, hub: name } = splitHubName(hub);
      if (!engine.taskHubs.has(name, schedulerKey)) throw new ServerError('NOT_FOUND', `task hub '${hub}' does not exist`);
      const reply = await run({
        engine, hub, params, query: new URL(c.req.url).searchParams,
        body: () => readJsonBody(c.req.raw, DASHBOARD_BODY_BYTES_MAX),
        permitWrite: () => access.permit(c.get('principal'), 'write', hub),
      });
      return jsonReply(reply.status, reply.body, reply.headers);
    },
  };
}

/** The app's page on its own routes, and its assets; nothing else serves HTML. */
function uiRoutes(): Route[] {
  const root = dashboardRoot();
  const page = () => appPage(root) ?? notBuilt();
  const asset = (c: EdgeContext) => assetFile(root, decodeSegment(requestPath(c.req.url).slice('/assets/'.length))) ?? notFound(c);
  return [
    { method: 'GET', path: '/', handle: page },
    { method: 'GET', path: '/index.html', handle: page },
    { method: 'GET', path: '/hubs', handle: page },
    { method: 'GET', path: '/hubs/*', handle: page },
    { method: 'GET', path: '/assets/*', handle: asset },
  ];
}

function notBuilt(): never {
  throw new ServerError('NOT_FOUND', 'the dashboard is not built here (npm run build makes dist/dashboard)');
}

function notFound(c: EdgeContext): never {
  throw new ServerError('NOT_FOUND', `no dashboard asset at '${requestPath(c.req.url)}'`);
}

/**
 * The hubs the caller may read: each hub kept only when its scheduler admits the address and
 * the caller has a read role there; a hub refused for either is left out, not an error.
 */
async function visibleHubs({ engine, access }: HubAccess, c: EdgeContext): Promise<TaskHubName[]> {
  const visible: TaskHubName[] = [];
  for (const hub of engine.taskHubs.list()) {
    try {
      await access.checkAddress(hub, remoteAddress(c));
      await access.permit(c.get('principal'), 'read', hub);
      visible.push(hub);
    } catch (error) {
      if (!isServerError(error, 'PERMISSION_DENIED')) throw error;
    }
  }
  return visible;
}

async function hubList(engine: Engine, visible: readonly TaskHubName[]): Promise<unknown[]> {
  return Promise.all(
    [...visible].sort().map(async (taskHub) => {
      const { schedulerKey, hub } = splitHubName(taskHub);
      return { taskHub, scheduler: schedulerKey ?? 'default', hub, statusCounts: await engine.dashboard.counts(taskHub, {}) };
    }),
  );
}

/**
 * The dashboard on the HTTP port: its JSON API under `/v1/...` (and `/api/v1/...`, the
 * emulator's path), Prometheus text on `/metrics`, and the built UI (dist/dashboard) at `/`.
 * Every API call passes the `authorize` hook first (reads vs. writes, per task hub; lists of
 * hubs are filtered by it); with auth off only the schedulers' IP allowlists apply. Errors are
 * problem+json.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isServerError, ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { splitHubName } from '../../engine/scheduler-scope.ts';
import * as access from './access-routes.ts';
import * as ent from './entity-routes.ts';
import { allowAll, readJson, sendJson, sendProblem, type Authorize, type DashboardOperation } from './http-kit.ts';
import type { ServerMetrics } from './metrics.ts';
import * as orch from './orchestration-routes.ts';
import { serveStatic } from './static-files.ts';
import * as v from './validate.ts';

export interface DashboardDeps {
  engine: Engine;
  metrics: ServerMetrics;
  log: (message: string, error?: unknown) => void;
  authorize?: Authorize;
}

type Route = (ctx: { hub: TaskHubName; req: IncomingMessage; url: URL; parts: string[] }) => Promise<orch.Reply> | orch.Reply;

/** Returns a request handler; false when the path is not the dashboard's. */
export function dashboardHandler(deps: DashboardDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const authorize = deps.authorize ?? allowAll;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname.replace(/^\/api(?=\/v1\/)/, '');
    if (path === '/metrics') {
      void run(res, deps, async () => {
        await authorize(req, 'read', '*');
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(await deps.metrics.registry.metrics());
      });
      return true;
    }
    if (path.startsWith('/v1/')) {
      void run(res, deps, () => api(deps, authorize, req, res, url, path));
      return true;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(url.pathname, req, res);
    return false;
  };
}

async function run(res: ServerResponse, deps: DashboardDeps, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    sendProblem(res, error, deps.log);
  }
}

async function api(deps: DashboardDeps, authorize: Authorize, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  const parts = path.split('/').filter((s) => s !== '').slice(1).map(decode);
  const method = req.method ?? 'GET';
  const { engine } = deps;
  if (parts[0] === 'ping') return sendJson(res, 200, { status: 'ok' });
  if (parts[0] === 'scale' && parts.length === 1 && method === 'GET') {
    return sendJson(res, 200, { taskHubs: await engine.scaleSignals.hubs(await visibleHubs(engine, authorize, req)) });
  }
  if (parts[0] !== 'taskhubs') throw new ServerError('NOT_FOUND', `no dashboard API path ${path}`);
  if (parts.length === 1 && method === 'GET') {
    return sendJson(res, 200, { taskHubs: await hubList(engine, await visibleHubs(engine, authorize, req)) });
  }
  const route = match(engine, authorize, method, parts.slice(1));
  const operation: DashboardOperation = method === 'GET' || (method === 'POST' && /\/query$/.test(path)) ? 'read' : 'write';
  // Access first, existence second: a caller without a role learns nothing about which hubs exist.
  const hub = hubNameOf(req, url);
  await authorize(req, operation, hub);
  mustExist(engine, hub);
  const reply = await route({ hub, req, url, parts: parts.slice(1) });
  sendJson(res, reply.status, reply.body, reply.headers);
}

function match(engine: Engine, authorize: Authorize, method: string, p: string[]): Route {
  const b = p[1];
  const key = `${method} ${p.map((s, i) => (i === 0 || ['query', 'payloads', 'restart', 'history', 'state', 'addhistoryevents', 'forceterminate', 'purge', 'executions', 'delete'].includes(s) ? s : ':')).join('/')}`;
  const body = (ctx: { req: IncomingMessage }) => readJson(ctx.req);
  const table: Record<string, Route> = {
    'POST orchestrations/query': async ({ hub, req }) => orch.queryOrchestrations(engine, hub, await body({ req })),
    'POST orchestrations': async ({ hub, req }) => orch.createOrchestration(engine, hub, await body({ req })),
    'POST orchestrations/addhistoryevents': async ({ hub, req }) => orch.addHistoryEvents(engine, hub, await body({ req })),
    'POST orchestrations/forceterminate': async ({ hub, req }) => orch.forceTerminate(engine, hub, await body({ req })),
    'DELETE orchestrations/purge': async ({ hub, req }) => orch.purge(engine, hub, v.stringList(v.object(await body({ req }), 'body')['instanceIds'], 'instanceIds', orch.BATCH_MAX, 100)),
    'POST orchestrations/purge': async ({ hub, req }) => orch.purge(engine, hub, v.stringList(v.object(await body({ req }), 'body')['instanceIds'], 'instanceIds', orch.BATCH_MAX, 100)),
    'GET orchestrations/:': ({ hub }) => orch.getOrchestration(engine, hub, b as string, false),
    'DELETE orchestrations/:': ({ hub }) => orch.purge(engine, hub, [b as string]),
    'GET orchestrations/:/payloads': ({ hub }) => orch.getOrchestration(engine, hub, b as string, true),
    'GET orchestrations/:/history': ({ hub }) => orch.history(engine, hub, b as string),
    'GET orchestrations/:/executions/:/history': ({ hub }) => orch.history(engine, hub, b as string),
    'POST orchestrations/:/restart': async ({ hub, req }) => orch.restart(engine, hub, b as string, await body({ req })),
    'POST orchestrations/:/history': async ({ hub, req }) => orch.controlEvent(engine, hub, b as string, await body({ req })),
    'POST entities/query': async ({ hub, req }) => ent.queryEntities(engine, hub, await body({ req })),
    'GET entities/:': ({ hub }) => ent.getEntity(engine, hub, b as string, false),
    'GET entities/:/state': ({ hub }) => ent.getEntity(engine, hub, b as string, true),
    'DELETE entities/:': ({ hub }) => ent.deleteEntity(engine, hub, b as string),
    'GET workers': ({ hub }) => ent.workers(engine, hub),
    'GET metrics': ({ hub, url }) => ent.hubMetrics(engine, hub, url.searchParams.get('minutes')),
    // What the caller may do on the hub: the actions' own check, answered as a boolean.
    'GET access': ({ hub, req }) => access.hubAccess(hub, () => authorize(req, 'write', hub)),
  };
  const route = table[key];
  if (route === undefined) throw new ServerError('NOT_FOUND', `no dashboard API route for ${method} /v1/taskhubs/${p.join('/')}`);
  return route;
}

/** `x-taskhub` (or `?taskhub=`): a plain hub of the default scheduler, or `sub/rg/scheduler/hub`. */
function hubNameOf(req: IncomingMessage, url: URL): TaskHubName {
  const header = req.headers['x-taskhub'];
  const name = (typeof header === 'string' ? header : url.searchParams.get('taskhub') ?? '').trim();
  if (name === '') throw v.bad('the x-taskhub header is required');
  if (name.length > 400) throw v.bad('x-taskhub is too long');
  return name as TaskHubName;
}

function mustExist(engine: Engine, name: TaskHubName): void {
  const { scope, hub } = splitHubName(name);
  if (!engine.taskHubs.has(hub, scope)) throw new ServerError('NOT_FOUND', `task hub '${name}' does not exist`);
}

/**
 * The hubs the caller may read: a known caller (401 otherwise), then each hub kept only when
 * `authorize` lets it read there; a hub refused for role or address is left out, not an error.
 */
async function visibleHubs(engine: Engine, authorize: Authorize, req: IncomingMessage): Promise<TaskHubName[]> {
  await authorize(req, 'identify', '*');
  const visible: TaskHubName[] = [];
  for (const hub of engine.taskHubs.list()) {
    try {
      await authorize(req, 'read', hub);
      visible.push(hub);
    } catch (error) {
      if (!isServerError(error, 'PERMISSION_DENIED')) throw error;
    }
  }
  return visible;
}

async function hubList(engine: Engine, visible: readonly TaskHubName[]): Promise<unknown[]> {
  const hubs = [...visible].sort();
  return Promise.all(
    hubs.map(async (taskHub) => {
      const { scope, hub } = splitHubName(taskHub);
      return { taskHub, scheduler: scope ?? 'default', hub, statusCounts: await engine.dashboard.counts(taskHub, {}) };
    }),
  );
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw v.bad(`the path segment '${segment}' is not valid percent-encoding`);
  }
}

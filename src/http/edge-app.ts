/**
 * The HTTP edge: one Hono app for every route of the HTTP port. In front of all routes: the
 * request target is checked (request-target.ts), then the browser checks without --auth and the
 * JSON content type (request-guards.ts). Behind them: an error boundary around every handler and
 * middleware, mapping errors once per family (ARM JSON for the control plane, problem+json for
 * the dashboard API and /metrics; http-errors.ts), and a 404 or 405 for what no route takes.
 * The families mount their routes with `mountRoutes` (routes.ts).
 */
import { Hono } from 'hono';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import type { EdgeEnv, Log } from './edge-env.ts';
import { errorResponse, type ErrorFamily } from './http-errors.ts';
import { hostCheck, jsonContentType, originCheck, type AllowedHosts } from './request-guards.ts';
import { checkRequestTarget, requestPath, routingPath } from './request-target.ts';
import { allowedMethods, jsonReply, mountRoutes } from './routes.ts';

export interface EdgeOptions {
  log: Log;
  /** The server's version, in /healthz. */
  version: string;
  /** Whether the server can serve (the store commits), for /readyz; absent: always ready. */
  readiness?: () => Promise<{ ready: boolean; reason?: string }>;
  /** Without --auth: the Host names this server answers for; the Origin check applies too. */
  browserChecks?: { allowedHosts: AllowedHosts };
  /** Told every answer: the method, the route's path pattern ('unmatched' for none) and the status. */
  onAnswered?: (method: string, route: string, status: number) => void;
}

/** Liveness and readiness: they answer on any Host, so probes that address the pod by IP work. */
const HEALTH_PATH = '/healthz';
const READY_PATH = '/readyz';

export function createEdgeApp(options: EdgeOptions): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>({ getPath: (request) => routingPath(request.url) });
  const onAnswered = options.onAnswered;
  if (onAnswered !== undefined) {
    app.use('*', async (c, next) => {
      await next();
      onAnswered(c.req.method, c.get('route') ?? 'unmatched', c.res.status);
    });
  }
  app.use('*', async (c, next) => {
    checkRequestTarget(c.req.url);
    await next();
  });
  if (options.browserChecks !== undefined) {
    app.use('*', hostCheck(options.browserChecks.allowedHosts, [HEALTH_PATH, READY_PATH]));
    app.use('*', originCheck());
  }
  app.use('*', jsonContentType());
  mountRoutes(app, [
    { method: 'GET', path: HEALTH_PATH, handle: () => jsonReply(200, { status: 'ok', version: options.version }) },
    { method: 'GET', path: READY_PATH, handle: async () => {
      const state = (await options.readiness?.()) ?? { ready: true };
      return state.ready ? jsonReply(200, { status: 'ready' }) : jsonReply(503, { status: 'not ready', reason: state.reason });
    } },
  ], () => {});
  app.notFound((c) => errorResponse(familyOf(c.req.path), notRouted(app, c.req.method, c.req.path, requestPath(c.req.url)), options.log));
  app.onError((error, c) => errorResponse(familyOf(c.req.path), error, options.log));
  return app;
}

/** Which error body a path's answers use; `routing` is the lower-cased routing path. */
function familyOf(routing: string): ErrorFamily {
  return routing === '/metrics' || routing === '/v1' || routing.startsWith('/v1/') ? 'problem' : 'arm';
}

function notRouted(app: Hono<EdgeEnv>, method: string, routing: string, path: string): ServerError {
  const allowed = allowedMethods(app, routing);
  if (allowed.length === 0) return new ServerError('NOT_FOUND', `no resource or route at ${quote(path)}`);
  return new ServerError('METHOD_NOT_ALLOWED', `${quote(method)} is not supported on ${quote(path)}; use ${allowed.join(', ')}`, { details: { allow: allowed.join(', ') } });
}

/**
 * Routes of the HTTP edge on Hono: each route is a method and a path in canonical case whose
 * `:name` segments are parameters. Routing is case-insensitive (request-target.ts); a route's
 * parameters are taken from the request's own path by position, decoded once here, and checked
 * before the handler sees them: never a control character, and whatever the route's family
 * demands (a control-plane name, for one, never holds a '/'). A known path asked with a method
 * it does not take is a 405 naming the methods it does (edge-app.ts, through `allowedMethods`).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import type { EdgeContext, EdgeEnv } from './edge-env.ts';
import { decodeSegment, requestPath } from './request-target.ts';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'];

export type Params = Readonly<Record<string, string>>;

export interface Route {
  method: HttpMethod;
  /** Canonical case, e.g. `/subscriptions/:sub/resourceGroups/:rg`; parameters are whole segments. */
  path: string;
  /** Middleware that runs before this route's handler only, in order. */
  before?: readonly MiddlewareHandler<EdgeEnv>[];
  handle(c: EdgeContext, params: Params): Response | Promise<Response>;
}

/** Throws INVALID_ARGUMENT when a decoded parameter breaks the family's rule. */
export type ParamCheck = (name: string, value: string) => void;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function mountRoutes(app: Hono<EdgeEnv>, routes: readonly Route[], check: ParamCheck): void {
  for (const route of routes) {
    const positions = route.path.split('/').flatMap((segment, index) => (segment.startsWith(':') ? [{ name: segment.slice(1), index }] : []));
    const handler: MiddlewareHandler<EdgeEnv> = async (c) => route.handle(c, paramsOf(c, positions, check));
    const named: MiddlewareHandler<EdgeEnv> = async (c, next) => {
      c.set('route', route.path);
      await next();
    };
    app.on(route.method, [route.path.toLowerCase()], named, ...(route.before ?? []), handler);
  }
}

function paramsOf(c: EdgeContext, positions: readonly { name: string; index: number }[], check: ParamCheck): Params {
  const segments = requestPath(c.req.url).split('/');
  const params: Record<string, string> = {};
  for (const { name, index } of positions) {
    const value = decodeSegment(segments[index] ?? '');
    if (CONTROL_CHARACTERS.test(value)) throw new ServerError('INVALID_ARGUMENT', `the path segment ${quote(value)} (${name}) contains control characters`);
    check(name, value);
    params[name] = value;
  }
  return params;
}

/** The methods some route takes at this (routing) path, HEAD with GET; empty for an unknown path. */
export function allowedMethods(app: Hono<EdgeEnv>, routing: string): string[] {
  const allowed = METHODS.filter((method) => app.router.match(method, routing)[0].some(([[, route]]) => route.method !== 'ALL'));
  return allowed.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]));
}

/** A JSON answer; no body when `body` is undefined. */
export function jsonReply(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const init = { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } };
  return new Response(body === undefined ? null : JSON.stringify(body), init);
}

/**
 * The control plane's routes on the HTTP edge: ARM-shaped paths whose names are checked at the
 * edge (never a '/', a control character or more than 256 characters: a request that breaks
 * the rule is a 400 and never reaches the catalog), each route's access checked on the resource
 * it addresses before it runs, a bounded JSON body, and the answer as JSON with its etag.
 * Errors are ARM JSON (edge-app.ts). `api-version` and unknown query parameters are ignored.
 */
import type { Hono } from 'hono';
import type { Principal } from '../auth/decide.ts';
import type { AccessGate } from '../auth/gate.ts';
import type { Permission } from '../auth/roles.ts';
import { ServerError } from '../domain/errors.ts';
import { compact } from '../lib/compact.ts';
import { quote } from '../lib/quote.ts';
import { authenticate } from '../http/authenticate.ts';
import { remoteAddress, type EdgeContext, type EdgeEnv } from '../http/edge-env.ts';
import { readJsonBody } from '../http/json-body.ts';
import { jsonReply, mountRoutes, type HttpMethod, type Params } from '../http/routes.ts';
import { ANONYMOUS, type ControlRequest, type ControlResponse } from './context.ts';
import type { Actor } from './resources.ts';

/** Control-plane bodies are small documents; anything larger is refused unread. */
const CONTROL_BODY_BYTES_MAX = 1024 * 1024;
const NAME_LENGTH_MAX = 256;
const LABELS: Readonly<Record<string, string>> = { sub: 'subscription', rg: 'resource group', hub: 'task hub', policy: 'retention policy', assignment: 'role assignment' };

export interface ControlRoute {
  method: HttpMethod;
  /** Canonical case; `:name` segments are names (routes.ts). */
  path: string;
  /** Checked on `resource` before the route runs; 'public' routes take no token. Default: control.read for GET, control.write otherwise. */
  access?: Permission | 'public';
  /** The id of the resource the access is checked on; default: the path with its parameters. */
  resource?: (params: Params) => string;
  run(request: ControlRequest): Promise<ControlResponse>;
}

export function mountControlRoutes(app: Hono<EdgeEnv>, routes: readonly ControlRoute[], gate: AccessGate): void {
  const authenticated = [authenticate(gate)];
  mountRoutes(app, routes.map((route) => {
    const access = route.access ?? (route.method === 'GET' ? 'control.read' : 'control.write');
    return {
      method: route.method,
      path: route.path,
      before: access === 'public' ? [] : authenticated,
      handle: async (c: EdgeContext, params: Params) => {
        const principal = c.get('principal');
        const authorize = (permission: Permission, resourceId: string) => gate.permit(principal, permission, resourceId);
        if (access !== 'public') await authorize(access, (route.resource ?? ((p) => resourceIdOf(route.path, p)))(params));
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : await readJsonBody(c.req.raw, CONTROL_BODY_BYTES_MAX);
        const ifMatch = unquote(c.req.header('if-match'));
        const request: ControlRequest = compact({
          params, body, query: new URL(c.req.url).searchParams, header: (name) => c.req.header(name), address: remoteAddress(c), actor: actorOf(principal), authorize,
          ifMatch,
        });
        const response = await route.run(request);
        return jsonReply(response.status, response.body, response.etag === undefined ? {} : { etag: `"${response.etag}"` });
      },
    };
  }), checkName);
}

/** A path with its parameters filled in: the id of the resource it addresses. */
export function resourceIdOf(path: string, params: Params): string {
  return path.replace(/:([a-z]+)/g, (_, name: string) => params[name] ?? '');
}

function checkName(param: string, value: string): void {
  if (value.length === 0 || value.length > NAME_LENGTH_MAX || value.includes('/')) {
    throw new ServerError('INVALID_ARGUMENT', `the ${LABELS[param] ?? param} name ${quote(value)} is invalid: a name in a path has 1-${NAME_LENGTH_MAX} characters and no '/' (not even as %2F)`);
  }
}

function actorOf(principal: Principal | undefined): Actor {
  if (principal === undefined) return ANONYMOUS;
  return { name: principal.name, type: principal.kind === 'user' || principal.kind === 'external' ? 'User' : 'ManagedIdentity' };
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/**
 * Checks every request passes before it is routed. Without --auth anyone who can reach the port
 * may change state, so browsers are kept from lending that reach to other web sites: a request
 * whose Host is not a name of this server is refused (DNS rebinding), and so is a state-changing
 * request sent by a page of another origin (cross-site requests). With --auth a bearer token
 * guards every change, and browsers never attach one across origins. In every mode, a request
 * with a body must say the body is JSON (415): the routes take JSON only, and a browser cannot
 * send a cross-origin JSON body without asking first (CORS preflight, which is never granted).
 */
import type { MiddlewareHandler } from 'hono';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import type { EdgeEnv } from './edge-env.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Host names (no port) this server answers to, or 'any'. */
export type AllowedHosts = readonly string[] | 'any';

/** HOST_NOT_ALLOWED unless the Host header (and an absolute-form target's host) is allowed. */
export function hostCheck(allowed: AllowedHosts, exemptPaths: readonly string[]): MiddlewareHandler<EdgeEnv> {
  const names = allowed === 'any' ? undefined : new Set(allowed.map(normalHost));
  return async (c, next) => {
    if (names !== undefined && !exemptPaths.includes(c.req.path)) {
      for (const host of [c.req.header('host'), authorityOf(c.req.url)]) {
        if (host === undefined || names.has(normalHost(hostName(host)))) continue;
        // The names it does answer for are not listed: a page of a rebinding attacker would learn them.
        throw new ServerError('HOST_NOT_ALLOWED', `this server does not answer for the host ${quote(host)}; an operator adds the name with --allowed-hosts (DTS_ALLOWED_HOSTS)`);
      }
    }
    await next();
  };
}

/** ORIGIN_NOT_ALLOWED for a state-changing request whose Origin is present and not this server's. */
export function originCheck(): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && STATE_CHANGING.has(c.req.method)) {
      const own = `${c.req.url.slice(0, c.req.url.indexOf('://'))}://${c.req.header('host') ?? ''}`;
      if (originOf(origin) === undefined || originOf(origin) !== originOf(own)) {
        throw new ServerError('ORIGIN_NOT_ALLOWED', `this server runs without --auth, so it takes changes only from its own pages (origin ${quote(originOf(own) ?? own)}), not from a page of ${quote(origin)}`);
      }
    }
    await next();
  };
}

/** UNSUPPORTED_MEDIA_TYPE for a request that carries a body not declared as JSON. */
export function jsonContentType(): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    const hasBody = c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length') ?? 0) > 0;
    if (hasBody && STATE_CHANGING.has(c.req.method) && !isJson(c.req.header('content-type'))) {
      const given = c.req.header('content-type');
      throw new ServerError('UNSUPPORTED_MEDIA_TYPE', `the request body must be JSON: send Content-Type: application/json (${given === undefined ? 'none was sent' : `not ${quote(given)}`})`);
    }
    await next();
  };
}

function isJson(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

/** The name part of a Host value: `[::1]:8082` -> `::1`, `localhost:8082` -> `localhost`. */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') < 0 ? host.length : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function normalHost(name: string): string {
  return name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** `scheme://host[:port]` normalized (case, default port); undefined for 'null' (sandboxed frames, file:) and garbage. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The host[:port] of an absolute URL, as @hono/node-server built it (from the target or the Host header). */
function authorityOf(url: string): string {
  const start = url.indexOf('://') + 3;
  const end = url.indexOf('/', start);
  return url.slice(start, end < 0 ? url.length : end);
}

/**
 * What every handler of the HTTP edge can read from its Hono context: the Node request and
 * response (the @hono/node-server bindings) and the caller, set by the authentication
 * middleware (undefined without --auth, and on public routes).
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { Principal } from '../auth/decide.ts';

export interface EdgeEnv {
  Bindings: HttpBindings;
  /** `route`: the path pattern of the route that took the request (routes.ts), for metrics. */
  Variables: { principal: Principal | undefined; route: string | undefined };
}

export type EdgeContext = Context<EdgeEnv>;

export type { Logger as Log } from '../lib/logger.ts';

/** The peer address of the request, as the IP allowlists see it. */
export function remoteAddress(c: EdgeContext): string | undefined {
  return c.env.incoming.socket.remoteAddress;
}

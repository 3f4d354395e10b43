/**
 * Authentication as middleware: with --auth, the bearer token of the request is verified and
 * its principal put on the context (401 when it is missing or not valid); without, the
 * principal is undefined. What the principal may do is decided per route, on the
 * resource the route addresses (gate.permit).
 */
import type { MiddlewareHandler } from 'hono';
import type { AccessGate } from '../auth/gate.ts';
import { bearerOf } from '../auth/tokens.ts';
import type { EdgeEnv } from './edge-env.ts';

export function authenticate(gate: AccessGate): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    c.set('principal', await gate.authenticate(bearerOf(c.req.header('authorization'))));
    await next();
  };
}

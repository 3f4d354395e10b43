/**
 * Plumbing of the dashboard's HTTP API: bounded JSON bodies, problem+json errors (RFC 9457)
 * mapped once from catalogued error codes, and the `authorize` hook the identity layer fills.
 */
import { readJsonBody } from '../../control/read-json-body.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armCodeOf, toHttpError } from '../../control/http-status.ts';

export const DASHBOARD_BODY_BYTES_MAX = 8 * 1024 * 1024;

/**
 * What a request does, for access control: reading or changing the hub, or (with resource '*')
 * only showing who the caller is, for lists that are then filtered hub by hub.
 */
export type DashboardOperation = 'read' | 'write' | 'identify';

/**
 * Decides whether the request may do `operation` on `resource` (a data-plane task hub name, or
 * '*' for server-wide reads). Throws ServerError UNAUTHENTICATED or PERMISSION_DENIED to refuse.
 * The default allows everything (no catalog); main.ts passes dashboard-access.ts's otherwise.
 */
export type Authorize = (request: IncomingMessage, operation: DashboardOperation, resource: string) => void | Promise<void>;

export const allowAll: Authorize = () => {};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export function sendProblem(res: ServerResponse, error: unknown, log: (message: string, error?: unknown) => void): void {
  const failure = toHttpError(error, log);
  const body = {
    type: 'about:blank',
    title: failure.body.error.code,
    status: failure.status,
    detail: failure.body.error.message,
    code: failure.body.error.code,
  };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // RFC 6750: a 401 says which scheme the caller should retry with.
  const challenge: Record<string, string> = failure.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  res.writeHead(failure.status, { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store', ...challenge });
  res.end(JSON.stringify(body));
}

export function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, DASHBOARD_BODY_BYTES_MAX);
}

export { armCodeOf };

/**
 * The control plane's HTTP edge: reads a bounded JSON body, routes the request, and writes the
 * JSON answer, or an ARM error `{ "error": { "code", "message" } }` mapped once by
 * http-status.ts. `api-version` and other query parameters are accepted and ignored.
 */
import { readJsonBody } from './read-json-body.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toHttpError } from './http-status.ts';
import type { ControlRouter } from './router.ts';

/** Control-plane bodies are small documents; anything larger is refused unread. */
export const CONTROL_BODY_BYTES_MAX = 1024 * 1024;

export function isControlPath(url: string | undefined): boolean {
  return url !== undefined && /^\/subscriptions(\/|\?|$)/i.test(url);
}

export async function handleControlRequest(
  router: ControlRouter,
  req: IncomingMessage,
  res: ServerResponse,
  log: (message: string, error?: unknown) => void,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    const { handler, params } = router.match(req.method ?? 'GET', url.pathname);
    const body = await readJsonBody(req, CONTROL_BODY_BYTES_MAX);
    const ifMatch = unquote(req.headers['if-match']);
    const response = await handler({ params, body, ...(ifMatch === undefined ? {} : { ifMatch }) });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (response.etag !== undefined) headers['etag'] = `"${response.etag}"`;
    res.writeHead(response.status, headers).end(response.body === undefined ? undefined : JSON.stringify(response.body));
  } catch (error) {
    const failure = toHttpError(error, log);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (failure.requestId !== undefined) headers['x-ms-request-id'] = failure.requestId;
    if (!res.headersSent) res.writeHead(failure.status, headers).end(JSON.stringify(failure.body));
    else res.destroy();
  }
}

function unquote(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

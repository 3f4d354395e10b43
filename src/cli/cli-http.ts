/**
 * The CLI's HTTP client for the server's REST API: JSON in and out, the bearer token of the
 * sign-in, the server's CA (--ca-file; NODE_EXTRA_CA_CERTS works too), a timeout, and one-line
 * errors that say what to do: start the server, sign in, trust its CA, or use https.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { compact } from '../lib/compact.ts';
import type { Connection } from './cli-session.ts';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

export interface ControlClient {
  /**
   * `path` may carry a query string; ARM paths get the api-version, the dashboard API's `/v1/`
   * paths do not. `headers` adds request headers (the dashboard API's `x-taskhub`).
   */
  call(method: HttpMethod, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<unknown>;
}

/** An error reply of the server, one line: `(Code) message`. */
export class ServerReplyError extends Error {
  override name = 'ServerReplyError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const API_VERSION = '2025-11-01';
const TIMEOUT_MS = 60_000;
const REPLY_BYTES_MAX = 64 * 1024 * 1024;
const CERT_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export function httpClient(connection: Connection): ControlClient {
  const base = connection.server;
  const ca = connection.caFile === undefined ? undefined : [...rootCertificates, readFileSync(connection.caFile, 'utf8')];
  return {
    async call(method, path, body, extra = {}) {
      const query = path.startsWith('/v1/') ? '' : `${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
      const url = new URL(`${base}${path}${query}`);
      const headers: Record<string, string> = { accept: 'application/json', ...extra };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (connection.token !== undefined) headers['authorization'] = `Bearer ${connection.token}`;
      let reply: { status: number; text: string };
      try {
        reply = await send(url, method, headers, body === undefined ? undefined : JSON.stringify(body), ca);
      } catch (error) {
        throw new Error(unreachable(base, error));
      }
      let json: unknown;
      try {
        json = reply.text === '' ? undefined : (JSON.parse(reply.text) as unknown);
      } catch {
        throw new Error(`the server at ${base} answered ${reply.status} with a body that is not JSON; is --server the dts HTTP address?`);
      }
      if (reply.status >= 400) throw replyError(reply.status, json, connection);
      return json;
    },
  };
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, ca: string[] | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const options = compact({ method, headers, timeout: TIMEOUT_MS, ca });
    const onReply = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > REPLY_BYTES_MAX) res.destroy(new Error(`the reply is larger than ${REPLY_BYTES_MAX} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    };
    const req = url.protocol === 'https:' ? httpsRequest(url, options, onReply) : httpRequest(url, options, onReply);
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

function unreachable(base: string, error: unknown): string {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  if (CERT_ERRORS.test(code)) {
    return `the TLS certificate of ${base} is not trusted (${code}); pass the server's CA with --ca-file <data dir>/tls/ca.pem (or DTS_CA_FILE, or NODE_EXTRA_CA_CERTS)`;
  }
  const tlsHint = base.startsWith('http://') && /ECONNRESET|EPROTO|HPE_|socket hang up/i.test(`${code} ${(error as Error).message}`) ? `; if the server runs with TLS (--auth), use https://` : '';
  return `cannot reach the dts server at ${base} (${code}); start it with 'dts serve' or set --server / DTS_SERVER${tlsHint}`;
}

/** ARM's `{error: {code, message}}` or the dashboard API's problem+json `{code, detail}`. */
function replyError(status: number, json: unknown, connection: Connection): ServerReplyError {
  const reply = json as { error?: { code?: string; message?: string }; code?: string; detail?: string } | undefined;
  const code = reply?.error?.code ?? reply?.code ?? status;
  let message = `(${code}) ${reply?.error?.message ?? reply?.detail ?? `HTTP ${status}`}`;
  if (status === 401) {
    message += connection.token === undefined
      ? `. You are not signed in to ${connection.server}: run 'dts login --server ${connection.server} --username <user>'`
      : `. Run 'dts login' to sign in to ${connection.server} again`;
  } else if (status === 403) {
    message += `. Ask an Owner for a role assignment that covers it, or run 'dts login' as a user who has one`;
  }
  return new ServerReplyError(status, message);
}

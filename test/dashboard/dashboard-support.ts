/**
 * Helpers of the dashboard tests: JSON calls to the dashboard API of a real server (plain, or
 * over the TLS of an `--auth` server with a bearer token), and a KEDA external-scaler client
 * built from the same proto file the server serves.
 */
import { request as httpsRequest } from 'node:https';
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { Json } from '../support/json.ts';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Json;
}

export async function call(http: string, method: string, path: string, body?: unknown, hub: string | null = 'default'): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (hub !== null) headers['x-taskhub'] = hub;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://${http}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Prometheus text and HTML stay strings.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface SecureTarget {
  /** host:port of the HTTP listener. */
  http: string;
  /** The server's CA (its data dir's tls/ca.pem). */
  ca: Buffer;
}

/** One call over HTTPS trusting `target.ca`; `token` goes in `authorization: Bearer`. */
export function secureCall(target: SecureTarget, method: string, path: string, options: { body?: unknown; hub?: string | null; token?: string } = {}): Promise<ApiAnswer> {
  const { body, hub = 'default', token } = options;
  const headers: Record<string, string> = {};
  if (hub !== null) headers['x-taskhub'] = hub;
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const text = body === undefined ? undefined : JSON.stringify(body);
  if (text !== undefined) {
    headers['content-type'] = 'application/json';
    // Explicit: node sends a DELETE body unframed otherwise.
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, `https://${target.http}`), { method, ca: target.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          // Prometheus text stays a string.
        }
        const answer = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') answer.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: answer, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** Signs `username` in with POST /auth/login; the access token. */
export async function login(target: SecureTarget, username: string, password: string): Promise<string> {
  const answer = await secureCall(target, 'POST', '/auth/login', { body: { username, password }, hub: null });
  if (answer.status !== 200) throw new Error(`login of ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.accessToken as string;
}

type Unary = (request: unknown, callback: (error: ServiceError | null, response: Json) => void) => void;

export interface KedaClient {
  isActive(meta: Record<string, string>): Promise<boolean>;
  getMetricSpec(meta: Record<string, string>): Promise<Json>;
  getMetrics(meta: Record<string, string>, metricName?: string): Promise<Json>;
  client: Client;
}

export function kedaClient(grpcAddress: string): KedaClient {
  const path = fileURLToPath(new URL('../../proto/externalscaler.proto', import.meta.url));
  const pkg = loadPackageDefinition(loadSync(path, { keepCase: true, longs: Number, defaults: true })) as Json;
  const client = new pkg.externalscaler.ExternalScaler(grpcAddress, credentials.createInsecure()) as Client & Record<string, Unary>;
  const unary = (name: string, request: unknown) =>
    new Promise<Json>((resolve, reject) => (client[name] as Unary).call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
  const ref = (meta: Record<string, string>) => ({ name: 'workers', namespace: 'default', scalerMetadata: meta });
  return {
    client,
    isActive: async (meta) => (await unary('IsActive', ref(meta))).result as boolean,
    getMetricSpec: (meta) => unary('GetMetricSpec', ref(meta)),
    getMetrics: (meta, metricName = '') => unary('GetMetrics', { scaledObjectRef: ref(meta), metricName }),
  };
}

/**
 * Helpers of the dashboard tests: JSON calls to the dashboard API of a real server, and a KEDA
 * external-scaler client built from the same proto file the server serves.
 */
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
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

type Unary = (request: unknown, callback: (error: ServiceError | null, response: any) => void) => void;

export interface KedaClient {
  isActive(meta: Record<string, string>): Promise<boolean>;
  getMetricSpec(meta: Record<string, string>): Promise<any>;
  getMetrics(meta: Record<string, string>, metricName?: string): Promise<any>;
  client: Client;
}

export function kedaClient(grpcAddress: string): KedaClient {
  const path = fileURLToPath(new URL('../../proto/externalscaler.proto', import.meta.url));
  const pkg = loadPackageDefinition(loadSync(path, { keepCase: true, longs: Number, defaults: true })) as any;
  const client = new pkg.externalscaler.ExternalScaler(grpcAddress, credentials.createInsecure()) as Client & Record<string, Unary>;
  const unary = (name: string, request: unknown) =>
    new Promise<any>((resolve, reject) => (client[name] as Unary).call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
  const ref = (meta: Record<string, string>) => ({ name: 'workers', namespace: 'default', scalerMetadata: meta });
  return {
    client,
    isActive: async (meta) => (await unary('IsActive', ref(meta))).result as boolean,
    getMetricSpec: (meta) => unary('GetMetricSpec', ref(meta)),
    getMetrics: (meta, metricName = '') => unary('GetMetrics', { scaledObjectRef: ref(meta), metricName }),
  };
}

/**
 * A real server in this process (SQLite in memory, ephemeral ports) and a small JSON client for
 * the control plane's REST API. Schedulers get ephemeral data-plane ports.
 */
import { loadServeConfig } from '../../src/config/config.ts';
import { createServer, defaultDeps, type RunningServer } from '../../src/main.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import type { Json } from '../support/json.ts';

export interface Reply {
  status: number;
  body: Json;
  etag: string | null;
}

export class RestServer {
  readonly server: RunningServer;
  readonly base: string;

  private constructor(server: RunningServer) {
    this.server = server;
    this.base = `http://127.0.0.1:${server.httpPort}`;
  }

  static async start(extraArgs: string[] = []): Promise<RestServer> {
    const args = ['--store', 'sqlite::memory:', '--grpc-port', '0', '--http-port', '0', '--scheduler-ports', '0', ...extraArgs];
    const deps = defaultDeps(silentLogger);
    return new RestServer(await createServer(loadServeConfig(args, {}), deps));
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.base}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text), etag: res.headers.get('etag') };
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

export const SUB = '/subscriptions/default';
export const group = (rg: string) => `${SUB}/resourceGroups/${rg}`;
export const scheduler = (rg: string, name: string) => `${group(rg)}/providers/Microsoft.DurableTask/schedulers/${name}`;
export const hub = (rg: string, name: string, hubName: string) => `${scheduler(rg, name)}/taskHubs/${hubName}`;

export function schedulerBody(overrides: Record<string, unknown> = {}, properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { location: 'westus', properties: { ipAllowlist: ['0.0.0.0/0'], sku: { name: 'dedicated', capacity: 1 }, ...properties }, ...overrides };
}

/**
 * `--metrics-port`: /metrics alone, without sign-in, on 127.0.0.1 only, so Prometheus can
 * scrape a server that runs with --auth (where /metrics on the HTTP port needs a token). It
 * answers GET /metrics and nothing else (404), and never leaves the loopback interface.
 */
import { createServer, type Server } from 'node:http';

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function openMetricsListener(port: number, render: () => Promise<{ contentType: string; body: string }>): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only GET /metrics is served on this port\n');
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('the metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Composition of the HTTP edge, next to main.ts: one app for the HTTP port with the control
 * plane's routes, the dashboard's API, /metrics and UI, /healthz and /readyz, the browser checks
 * when the server runs without --auth, and the HTTP request metrics.
 */
import type { Hono } from 'hono';
import type { AuthWiring } from './auth-wiring.ts';
import type { ServerConfig } from './config/config.ts';
import type { ControlWiring } from './control-wiring.ts';
import { mountControlRoutes } from './control/control-http.ts';
import { mountDashboard } from './dashboard/api/dashboard-routes.ts';
import type { ServerMetrics } from './dashboard/api/metrics.ts';
import type { Engine } from './engine/engine.ts';
import { createEdgeApp } from './http/edge-app.ts';
import type { EdgeEnv, Log } from './http/edge-env.ts';

export interface HttpWiringInput {
  config: Readonly<ServerConfig>;
  engine: Engine;
  metrics: ServerMetrics;
  auth: AuthWiring;
  control: ControlWiring;
  log: Log;
  version: string;
  readiness: () => Promise<{ ready: boolean; reason?: string }>;
}

export function httpApp(input: HttpWiringInput): Hono<EdgeEnv> {
  const { config, auth, log } = input;
  const { metrics } = input;
  const app = createEdgeApp({
    log, version: input.version, readiness: input.readiness, onAnswered: (method, route, status) => metrics.observeHttp(method, route, status),
    ...(config.auth.enabled ? {} : { browserChecks: { allowedHosts: config.http.allowedHosts } }),
  });
  mountControlRoutes(app, input.control.routes, auth.gate);
  mountDashboard(app, { engine: input.engine, metrics, gate: auth.gate });
  return app;
}

/**
 * The server configuration: one schema, parsed once from flags and environment variables,
 * validated (unknown flags are refused), defaulted and frozen. Nothing else reads
 * `process.env`. Defaults mirror the DTS emulator so apps move over unchanged.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../domain/limits.ts';
import { closestMatch } from '../lib/closest-match.ts';
import type { FanInOptions } from '../engine/fan-in-coalescing.ts';
import { isValidTaskHubName } from '../domain/validate.ts';
import { AUTH_FLAGS, parseAuthConfig, type AuthConfig } from './auth-config.ts';
import { parseTraceConfig, TRACE_FLAGS, type TraceConfig } from './trace-config.ts';
import { LOG_LEVELS, type LogLevel } from '../lib/logger.ts';

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; connectionsMax: number };

/** Store settings without flags of their own; the backends require them (main.ts passes them in). */
export interface StoreTuning {
  /** SQLite: write calls committed together in one transaction (one fsync) at most. */
  groupCommitCallsMax: number;
  /** PostgreSQL: calls waiting for a pooled connection at most; more fail with UNAVAILABLE. */
  callsQueuedMax: number;
  /** PostgreSQL: milliseconds between safety polls that wake every hub, in case a notification was lost; 0 turns it off. */
  safetyPollMs: number;
}

export const STORE_TUNING: Readonly<StoreTuning> = { groupCommitCallsMax: 1000, callsQueuedMax: 10_000, safetyPollMs: 2000 };

/** How /readyz and gRPC health probe the store (health/readiness.ts). */
export interface ReadinessTuning {
  /** A probe write at most this often; checks in between answer the last state. */
  probeIntervalMs: number;
  /** A probe not committed within this fails. */
  probeTimeoutMs: number;
  /** Stays not ready this long after a store failure, even if a probe succeeds. */
  holdMs: number;
}

export const READINESS_TUNING: Readonly<ReadinessTuning> = { probeIntervalMs: 1000, probeTimeoutMs: 2000, holdMs: 5000 };

export interface ServerConfig {
  host: string;
  grpcPort: number;
  httpPort: number;
  store: StoreConfig;
  storeTuning: StoreTuning;
  readiness: ReadinessTuning;
  taskHubs: string[];
  defaultTaskHub: string;
  dynamicTaskHubs: boolean;
  limits: Limits;
  leaseMs: number;
  claimBatchSizeMax: number;
  messagesPerEpisodeMax: number;
  historyStreamingEventsMin: number;
  /** Task results for an orchestration with many tasks outstanding are delivered together (fan-in-coalescing.ts). */
  fanIn: FanInOptions;
  healthPingIntervalMs: number;
  /** Long-poll waiters re-read their instances this often when events cross processes (PostgreSQL): a lost notification delays a wait, never strands it. */
  waitRecheckMs: number;
  /** Items in flight per stream and kind when the worker declares no cap. */
  streamInFlightMaxDefault: { orchestration: number; activity: number; entity: number };
  /** A work-item stream the transport cannot write to for this long loses its work items back to the queue. */
  streamStallMs: number;
  abandonBackoff: { baseMs: number; maxMs: number };
  shutdownGraceMs: number;
  /** V8 grows the heap to this percentage above what survived the last full GC; 0: V8 decides. */
  heapGrowthPercent: number;
  control: ControlConfig;
  http: HttpConfig;
  auth: AuthConfig;
  /** OpenTelemetry traces; absent: off. */
  traces?: TraceConfig;
  /** `format` undefined: pretty on a terminal, JSON otherwise (the CLI decides). */
  log: { level: LogLevel; format: 'json' | 'pretty' | undefined };
  /** The loopback-only port that serves /metrics without sign-in; undefined: none. */
  metricsPort: number | undefined;
}

/** The HTTP edge. */
export interface HttpConfig {
  /** Without --auth: the Host names (no port) requests may address; 'any' turns the check off. */
  allowedHosts: readonly string[] | 'any';
}

/** The control plane: schedulers' endpoints and the retention job. */
export interface ControlConfig {
  /** Host name put into scheduler endpoints and dashboard URLs. */
  publicHost: string;
  /** Data-plane ports of further schedulers; `ephemeral` (flag value 0) binds any free port at each start. */
  schedulerPorts: { first: number; last: number } | 'ephemeral';
  retention: { intervalMs: number; batchSize: number; batchesPerSweepMax: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

interface FlagSpec {
  env?: string;
  boolean?: boolean;
  help: string;
}

export const SERVE_FLAGS: Record<string, FlagSpec> = {
  host: { env: 'DTS_HOST', help: 'address to listen on (default 127.0.0.1)' },
  'grpc-port': { env: 'DTS_GRPC_PORT', help: 'gRPC (data plane) port; 0 picks a free one (default 8080)' },
  'http-port': { env: 'DTS_HTTP_PORT', help: 'HTTP port for health and later the dashboard; 0 picks a free one (default 8082)' },
  'data-dir': { env: 'DTS_DATA_DIR', help: 'directory of the SQLite database (default ./data)' },
  store: { env: 'DTS_STORE', help: "store URL: 'sqlite:<file>', 'sqlite::memory:' or 'postgres://user:password@host:port/database' (overrides --data-dir)" },
  'store-connections': { env: 'DTS_STORE_CONNECTIONS', help: 'PostgreSQL connections of this node (default 20); nodes x (this + 1) must stay under the server\'s max_connections' },
  'task-hubs': { env: 'DTS_TASK_HUB_NAMES', help: "comma-separated task hubs that exist (default 'default')" },
  'dynamic-task-hubs': { env: 'DTS_USE_DYNAMIC_TASK_HUBS', boolean: true, help: 'create a task hub on its first use' },
  'payload-bytes-max': { env: 'DTS_PAYLOAD_BYTES_MAX', help: `largest input, output, event or custom status (default ${DEFAULT_LIMITS.payloadBytesMax})` },
  'lease-ms': { env: 'DTS_LEASE_MS', help: 'work-item lease duration; a silent worker loses its items after it (default 60000)' },
  'stream-stall-ms': { env: 'DTS_STREAM_STALL_MS', help: 'how long a worker\'s stream may stay unread before its work items go back to the queue (default 30000)' },
  'public-host': { env: 'DTS_PUBLIC_HOST', help: 'host name in scheduler endpoints and dashboard URLs (default: --host, or localhost for 0.0.0.0/::)' },
  'fan-in-window-ms': { env: 'DTS_FAN_IN_WINDOW_MS', help: 'longest wait of an activity or sub-orchestration result for an orchestration with 100 or more tasks outstanding, so that one episode takes many results (default 1000; 0 delivers each at once)' },
  'heap-growth-percent': { env: 'DTS_HEAP_GROWTH_PERCENT', help: 'heap room above the live data after a full GC, in percent (default 50; 0 lets V8 decide, which on a large machine grows the heap far beyond what is live)' },
  'scheduler-ports': { env: 'DTS_SCHEDULER_PORTS', help: "data-plane ports of schedulers other than 'default', as first-last; 0 = any free port, not stable (default 8100-8199)" },
  'log-level': { env: 'DTS_LOG_LEVEL', help: `least level logged: ${LOG_LEVELS.join(', ')} (default info)` },
  'log-format': { env: 'DTS_LOG_FORMAT', help: 'json (one object a line) or pretty; default pretty on a terminal, json otherwise' },
  'metrics-port': { env: 'DTS_METRICS_PORT', help: 'also serve /metrics, with no sign-in, on this port of 127.0.0.1 only (for Prometheus with --auth); 0 picks a free one' },
  'allowed-hosts': { env: 'DTS_ALLOWED_HOSTS', help: "without --auth: more comma-separated host names HTTP requests may address, beside --host, --public-host, localhost, 127.0.0.1 and ::1; '*' allows any" },
  ...AUTH_FLAGS,
  ...TRACE_FLAGS,
};

/**
 * Parses `serve` arguments and the environment into a frozen configuration. An error about a
 * value that came from the environment names the variable.
 */
export function loadServeConfig(args: readonly string[], env: Env): Readonly<ServerConfig> {
  const fromEnv = new Set<string>();
  const values = readFlags(args, env, fromEnv);
  try {
    return parseConfig(values, env);
  } catch (error) {
    const flag = error instanceof ConfigError ? /^--([a-z-]+)/.exec(error.message)?.[1] : undefined;
    if (flag === undefined || !fromEnv.has(flag)) throw error;
    throw new ConfigError(`environment variable ${SERVE_FLAGS[flag]?.env}: ${(error as Error).message}`);
  }
}

function parseConfig(values: Record<string, string | undefined>, env: Env): Readonly<ServerConfig> {
  const hubs = (values['task-hubs'] ?? 'default').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (hubs.length === 0) throw new ConfigError('--task-hubs must name at least one task hub');
  for (const hub of hubs) {
    if (!isValidTaskHubName(hub)) throw new ConfigError(`invalid task hub name '${hub}': use 1-64 letters, digits and '-'`);
  }
  const control = controlConfig(values);
  const config: ServerConfig = {
    host: values.host ?? '127.0.0.1',
    grpcPort: port(values['grpc-port'], 8080, 'grpc-port'),
    httpPort: port(values['http-port'], 8082, 'http-port'),
    store: storeConfig(values.store, values['data-dir'], values['store-connections']),
    storeTuning: { ...STORE_TUNING },
    readiness: { ...READINESS_TUNING },
    taskHubs: hubs,
    defaultTaskHub: hubs.includes('default') ? 'default' : (hubs[0] as string),
    dynamicTaskHubs: truthy(values['dynamic-task-hubs']),
    limits: { ...DEFAULT_LIMITS, payloadBytesMax: integer(values['payload-bytes-max'], DEFAULT_LIMITS.payloadBytesMax, 'payload-bytes-max', 1, 128 * 1024 * 1024) },
    leaseMs: integer(values['lease-ms'], 60_000, 'lease-ms', 1000, 3_600_000),
    claimBatchSizeMax: 200,
    messagesPerEpisodeMax: 1000,
    historyStreamingEventsMin: 1000,
    // 100 tasks out: a fan-out, not a sequence.
    fanIn: { outstandingMin: 100, windowMsMax: integer(values['fan-in-window-ms'], 1000, 'fan-in-window-ms', 0, 60_000), instancesMax: 10_000 },
    healthPingIntervalMs: 30_000,
    waitRecheckMs: 5000,
    // Orchestration items carry whole histories, activities are small; a fan-out runs in fewer,
    // larger episodes when more of its activities can be out at once.
    streamInFlightMaxDefault: { orchestration: 200, activity: 1000, entity: 200 },
    streamStallMs: integer(values['stream-stall-ms'], 30_000, 'stream-stall-ms', 100, 3_600_000),
    abandonBackoff: { baseMs: 1000, maxMs: 300_000 },
    shutdownGraceMs: 10_000,
    heapGrowthPercent: integer(values['heap-growth-percent'], 50, 'heap-growth-percent', 0, 1000),
    control,
    http: { allowedHosts: allowedHosts(values['allowed-hosts'], [values.host ?? '127.0.0.1', control.publicHost]) },
    auth: parseAuthConfig(values, values.host ?? '127.0.0.1', values['data-dir'] ?? 'data', (message) => new ConfigError(message)),
    log: { level: oneOf(values['log-level'], LOG_LEVELS, 'info', 'log-level'), format: values['log-format'] === undefined ? undefined : oneOf(values['log-format'], ['json', 'pretty'] as const, 'json', 'log-format') },
    metricsPort: values['metrics-port'] === undefined ? undefined : port(values['metrics-port'], 0, 'metrics-port'),
  };
  const traces = parseTraceConfig(values['otlp-endpoint'], env, (message) => new ConfigError(message));
  if (traces !== undefined) config.traces = traces;
  return deepFreeze(config);
}

function readFlags(args: readonly string[], env: Env, fromEnv: Set<string>): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    if (spec.env === undefined || env[spec.env] === undefined || env[spec.env] === '') continue;
    values[name] = env[spec.env];
    fromEnv.add(name);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = SERVE_FLAGS[rawName];
    if (spec === undefined) {
      const guess = closestMatch(rawName, Object.keys(SERVE_FLAGS));
      throw new ConfigError(`unknown flag --${rawName}${guess === undefined ? ';' : `; did you mean --${guess}?`} see 'dts serve --help'`);
    }
    fromEnv.delete(rawName);
    if (spec.boolean) {
      values[rawName] = inline ?? 'true';
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new ConfigError(`--${rawName} needs a value`);
    values[rawName] = value;
  }
  return values;
}

function controlConfig(values: Record<string, string | undefined>): ControlConfig {
  const host = values.host ?? '127.0.0.1';
  const publicHost = values['public-host'] ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
  const range = values['scheduler-ports'] ?? '8100-8199';
  let schedulerPorts: ControlConfig['schedulerPorts'] = 'ephemeral';
  if (range !== '0') {
    const match = /^(\d+)-(\d+)$/.exec(range);
    const first = Number(match?.[1]);
    const last = Number(match?.[2]);
    if (match === null || first < 1 || last > 65535 || first > last) {
      throw new ConfigError(`--scheduler-ports must be 0 or a port range first-last within 1-65535, not '${range}'`);
    }
    schedulerPorts = { first, last };
  }
  return { publicHost, schedulerPorts, retention: { intervalMs: 60_000, batchSize: 200, batchesPerSweepMax: 50 } };
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The listen and public host, the loopback names, and the names of --allowed-hosts (no ports). */
function allowedHosts(value: string | undefined, own: readonly string[]): readonly string[] | 'any' {
  if (value?.trim() === '*') return 'any';
  const extra = (value ?? '').split(',').map((s) => s.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter((s) => s !== '');
  for (const name of extra) {
    if (!HOST_NAME.test(name) && isIP(name) === 0) throw new ConfigError(`--allowed-hosts: '${name}' is not a host name or IP address (give names without ports, or '*')`);
  }
  return [...new Set([...own.map((h) => h.toLowerCase()), 'localhost', '127.0.0.1', '::1', ...extra])];
}

function storeConfig(url: string | undefined, dataDir: string | undefined, connections: string | undefined): StoreConfig {
  if (url === undefined) return { kind: 'sqlite', path: resolve(dataDir ?? 'data', 'dts.sqlite') };
  if (url === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Commits wait for the WAL flush; more connections share each flush (W4: 10 -> 20 connections, 1.5x).
    return { kind: 'postgres', url: postgresUrl(url), connectionsMax: integer(connections, 20, 'store-connections', 2, 500) };
  }
  throw new ConfigError(`unsupported store URL '${url}': use sqlite:<file>, sqlite::memory: or postgres://...`);
}

/** Checks the URL names a host and a database; the driver reads the rest (user, password, port, options). */
function postgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('--store: the PostgreSQL URL does not parse; use postgres://user:password@host:port/database');
  }
  if (parsed.hostname === '' || parsed.pathname.length <= 1) {
    throw new ConfigError('--store: the PostgreSQL URL needs a host and a database: postgres://user:password@host:port/database');
  }
  return url;
}

function port(value: string | undefined, fallback: number, flag: string): number {
  return integer(value, fallback, flag, 0, 65535);
}

function integer(value: string | undefined, fallback: number, flag: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${flag} must be an integer from ${min} to ${max}, not '${value}'`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`--${flag} must be one of ${allowed.join(', ')}, not '${value}'`);
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

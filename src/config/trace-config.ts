/**
 * Tracing configuration: off unless an OTLP endpoint is given, by `--otlp-endpoint`
 * (`DTS_OTLP_ENDPOINT`) or by the standard OpenTelemetry variables. Precedence follows the
 * OpenTelemetry specification: a traces-specific URL is used as it is; a base endpoint gets
 * `/v1/traces` appended.
 */
type Env = Record<string, string | undefined>;

export interface TraceConfig {
  /** Where spans are POSTed (OTLP/HTTP). */
  tracesUrl: string;
  serviceName: string;
}

export const TRACE_FLAGS = {
  'otlp-endpoint': {
    env: 'DTS_OTLP_ENDPOINT',
    help: "export OpenTelemetry traces over OTLP/HTTP to this collector (its base URL, e.g. http://localhost:4318; '/v1/traces' is appended). Also OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default: off)",
  },
};

const DEFAULT_SERVICE_NAME = 'durable-task-scheduler';

/** `flag` is the value of --otlp-endpoint (or DTS_OTLP_ENDPOINT); undefined when neither was given. */
export function parseTraceConfig(flag: string | undefined, env: Env, fail: (message: string) => Error): TraceConfig | undefined {
  // The specification's switch for turning the SDK off without removing its configuration.
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  const tracesUrl = tracesUrlOf(flag, env, fail);
  if (tracesUrl === undefined) return undefined;
  const serviceName = env['OTEL_SERVICE_NAME']?.trim();
  return { tracesUrl, serviceName: serviceName === undefined || serviceName === '' ? DEFAULT_SERVICE_NAME : serviceName };
}

function tracesUrlOf(flag: string | undefined, env: Env, fail: (message: string) => Error): string | undefined {
  if (flag !== undefined) return withTracesPath(checkedUrl(flag, '--otlp-endpoint', fail));
  const traces = nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  if (traces !== undefined) return checkedUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', fail).href;
  const base = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (base !== undefined) return withTracesPath(checkedUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT', fail));
  return undefined;
}

function checkedUrl(value: string, source: string, fail: (message: string) => Error): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`${source} must be an http:// or https:// URL, not '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`${source} must be an http:// or https:// URL (OTLP/HTTP), not '${value}'`);
  return url;
}

function withTracesPath(url: URL): string {
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return `${base}v1/traces`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

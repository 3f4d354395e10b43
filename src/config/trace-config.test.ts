import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadServeConfig } from './config.ts';

const traces = (args: string[], env: Record<string, string> = {}) => loadServeConfig(args, env).traces;

test('tracing is off unless an OTLP endpoint is given', () => {
  assert.equal(traces([]), undefined);
  assert.equal(traces([], { OTEL_SERVICE_NAME: 'x' }), undefined);
});

test('the endpoint: the flag, then DTS_OTLP_ENDPOINT, then the traces URL as it is, then the base URL with /v1/traces', () => {
  const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom' };
  assert.deepEqual(traces(['--otlp-endpoint', 'http://flag:4318'], { ...base, DTS_OTLP_ENDPOINT: 'http://dts:4318' }), { tracesUrl: 'http://flag:4318/v1/traces', serviceName: 'durable-task-scheduler' });
  assert.equal(traces([], { ...base, DTS_OTLP_ENDPOINT: 'http://dts:4318/otlp/' })?.tracesUrl, 'http://dts:4318/otlp/v1/traces');
  assert.equal(traces([], base)?.tracesUrl, 'http://traces:4318/custom');
  assert.equal(traces([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://base' })?.tracesUrl, 'https://base/v1/traces');
});

test('OTEL_SERVICE_NAME names the service; OTEL_SDK_DISABLED=true turns tracing off', () => {
  assert.equal(traces(['--otlp-endpoint', 'http://c:4318'], { OTEL_SERVICE_NAME: 'dts-eu-1' })?.serviceName, 'dts-eu-1');
  assert.equal(traces(['--otlp-endpoint', 'http://c:4318'], { OTEL_SDK_DISABLED: 'TRUE' }), undefined);
  assert.notEqual(traces(['--otlp-endpoint', 'http://c:4318'], { OTEL_SDK_DISABLED: 'false' }), undefined);
});

test('a bad endpoint names where it came from', () => {
  assert.throws(() => traces(['--otlp-endpoint', 'collector:4318']), (error: unknown) => error instanceof ConfigError && /--otlp-endpoint must be an http:\/\/ or https:\/\/ URL/.test(error.message));
  assert.throws(() => traces([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://c:4317' }), /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL \(OTLP\/HTTP\)/);
  assert.throws(() => traces([], { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }), /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be/);
});

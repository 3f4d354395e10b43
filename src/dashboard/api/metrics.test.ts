import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskHubName } from '../../domain/instance.ts';
import { ServerMetrics } from './metrics.ts';

const BUILD = { version: '0.0.0', nodeVersion: 'v20', store: 'sqlite' } as const;
const hub = (name: string) => name as TaskHubName;

test('calls, store calls and orchestrations are counted per label set, in the labels\' order on each line', async () => {
  const metrics = new ServerMetrics(BUILD, () => 0);
  metrics.onCallEnd({ method: '/TaskHubSidecarService/StartInstance', hub: undefined, instanceId: 'i', code: 'OK', durationMs: 2, requestId: undefined });
  metrics.onCallEnd({ method: '/TaskHubSidecarService/StartInstance', hub: undefined, instanceId: 'i', code: 'ALREADY_EXISTS', durationMs: 30, requestId: undefined });
  metrics.observeStoreCall('createInstance', 0.0004, true);
  metrics.observeStoreCall('createInstance', 0.002, false);
  metrics.observeStoreEvent({ type: 'instance', hub: hub('s1/h'), instanceId: 'i', status: 'PENDING' });
  metrics.observeStoreEvent({ type: 'instance', hub: hub('s1/h'), instanceId: 'i', status: 'RUNNING' });
  metrics.observeStoreEvent({ type: 'instance', hub: hub('s1/h'), instanceId: 'i', status: 'COMPLETED' });
  // Finished here, started by another node: no started line for this hub.
  metrics.observeStoreEvent({ type: 'instance', hub: hub('other'), instanceId: 'j', status: 'FAILED' });
  const text = await metrics.registry.metrics();
  const lines = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));
  assert.deepEqual(lines('dts_grpc_requests_total{'), [
    'dts_grpc_requests_total{method="/TaskHubSidecarService/StartInstance",code="OK"} 1',
    'dts_grpc_requests_total{method="/TaskHubSidecarService/StartInstance",code="ALREADY_EXISTS"} 1',
  ]);
  assert.deepEqual(lines('dts_grpc_request_duration_seconds_').filter((l) => !l.includes('_bucket') || l.includes('le="0.0025"') || l.includes('le="0.05"')), [
    'dts_grpc_request_duration_seconds_bucket{le="0.0025",method="/TaskHubSidecarService/StartInstance"} 1',
    'dts_grpc_request_duration_seconds_bucket{le="0.05",method="/TaskHubSidecarService/StartInstance"} 2',
    'dts_grpc_request_duration_seconds_sum{method="/TaskHubSidecarService/StartInstance"} 0.032',
    'dts_grpc_request_duration_seconds_count{method="/TaskHubSidecarService/StartInstance"} 2',
  ]);
  assert.deepEqual(lines('dts_store_call_duration_seconds_count'), [
    'dts_store_call_duration_seconds_count{method="createInstance",outcome="ok"} 1',
    'dts_store_call_duration_seconds_count{method="createInstance",outcome="error"} 1',
  ]);
  assert.deepEqual(lines('dts_orchestrations_started_total{'), ['dts_orchestrations_started_total{scheduler="s1",taskhub="h"} 1']);
  assert.deepEqual(lines('dts_orchestrations_finished_total{'), [
    'dts_orchestrations_finished_total{scheduler="s1",taskhub="h",status="completed"} 1',
    'dts_orchestrations_finished_total{scheduler="default",taskhub="other",status="failed"} 1',
  ]);
});

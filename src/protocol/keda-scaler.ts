/**
 * The KEDA external scaler (`externalscaler.ExternalScaler`: IsActive, StreamIsActive,
 * GetMetricSpec, GetMetrics) over the engine's scale signals. It takes the metadata of Azure's
 * `azure-durabletask-scheduler` scaler: `taskhubName`, `workItemType` (Orchestration, Activity
 * or Entity) and `maxConcurrentWorkItemsCount`, so a ScaledObject written for Azure works with
 * `type: external` and `scalerAddress` pointing here. The metric is the hub's backlog of that
 * type (pending + active), the target is `maxConcurrentWorkItemsCount` per replica. As every
 * data-plane call, it reaches only the task hubs of the scheduler whose endpoint it came to (and
 * passed that scheduler's IP allowlist): a hub of another scheduler is never named here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { ServerError } from '../domain/errors.ts';
import type { Engine } from '../engine/engine.ts';
import { qualifiedHubName, splitHubName } from '../engine/scheduler-key.ts';
import type { WorkKind } from '../engine/work-item.ts';
import { streamHandler, unaryHandler, type RpcHandler, type StreamCall } from './rpc-call.ts';
import type { RpcServiceDefinition } from './service-definition.ts';

/** As the Azure scaler's default. */
const TARGET_DEFAULT = 10;
const TARGET_MAX = 1_000_000;
const STREAM_INTERVAL_MS = 2000;

interface ScaledObjectRef {
  name: string;
  namespace: string;
  scalerMetadata: Record<string, string>;
}

interface ScalerTarget {
  taskHub: string;
  kind: WorkKind;
  target: number;
  metricName: string;
}

function protoPath(): string {
  // The same relative path from src/protocol (tsx) and dist/src/protocol (built).
  for (const up of ['../../proto/externalscaler.proto', '../../../proto/externalscaler.proto']) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('proto/externalscaler.proto is missing from the installation');
}

export function kedaServiceDefinition(): RpcServiceDefinition {
  const definition = loadSync(protoPath(), { keepCase: true, longs: Number, defaults: true });
  return definition['externalscaler.ExternalScaler'] as unknown as RpcServiceDefinition;
}

/** Reads and checks the scaler metadata; every problem is INVALID_ARGUMENT naming the key. */
export function scalerTarget(ref: ScaledObjectRef | undefined, scheduler: string | undefined): ScalerTarget {
  const meta = ref?.scalerMetadata ?? {};
  const hubName = (meta['taskhubName'] ?? meta['taskHubName'] ?? '').trim();
  if (hubName === '') throw new ServerError('INVALID_ARGUMENT', 'scaler metadata taskhubName is required');
  if (hubName.includes('/')) {
    throw new ServerError('INVALID_ARGUMENT', `scaler metadata taskhubName must be the name of a task hub of this endpoint's scheduler, not '${hubName}'; another scheduler's hubs are served by its own endpoint`);
  }
  const type = (meta['workItemType'] ?? 'Orchestration').trim().toLowerCase();
  if (type !== 'orchestration' && type !== 'activity' && type !== 'entity') {
    throw new ServerError('INVALID_ARGUMENT', `scaler metadata workItemType must be Orchestration, Activity or Entity, not '${meta['workItemType']}'`);
  }
  const rawTarget = meta['maxConcurrentWorkItemsCount'];
  const target = rawTarget === undefined || rawTarget.trim() === '' ? TARGET_DEFAULT : Number(rawTarget);
  if (!Number.isInteger(target) || target < 1 || target > TARGET_MAX) {
    throw new ServerError('INVALID_ARGUMENT', `scaler metadata maxConcurrentWorkItemsCount must be an integer from 1 to ${TARGET_MAX}, not '${rawTarget}'`);
  }
  const taskHub = qualifiedHubName(scheduler, hubName);
  const metricName = `dts-${splitHubName(taskHub).hub}-${type}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return { taskHub, kind: type, target, metricName };
}

type Backlog = (ref: ScaledObjectRef | undefined) => Promise<{ target: ScalerTarget; value: number }>;

export function kedaHandlers(engine: Engine, scheduler?: string): Record<string, RpcHandler> {
  const backlog: Backlog = async (ref) => {
    const target = scalerTarget(ref, scheduler);
    const { schedulerKey, hub } = splitHubName(target.taskHub);
    if (!engine.taskHubs.has(hub, schedulerKey)) throw new ServerError('NOT_FOUND', `task hub '${target.taskHub}' does not exist`);
    const signals = await engine.scaleSignals.hub(target.taskHub as never);
    const kind = signals[target.kind];
    return { target, value: kind.pending + kind.active };
  };
  const unary = <Req, Res>(run: (req: Req) => Promise<Res>) => unaryHandler((call: { request: Req }) => run(call.request));
  return {
    IsActive: unary(async (ref: ScaledObjectRef) => ({ result: (await backlog(ref)).value > 0 })),
    GetMetricSpec: unary(async (ref: ScaledObjectRef) => {
      const target = scalerTarget(ref, scheduler);
      return { metricSpecs: [{ metricName: target.metricName, targetSize: target.target, targetSizeFloat: target.target }] };
    }),
    GetMetrics: unary(async (req: { scaledObjectRef?: ScaledObjectRef; metricName: string }) => {
      const { target, value } = await backlog(req.scaledObjectRef);
      return { metricValues: [{ metricName: req.metricName || target.metricName, metricValue: value, metricValueFloat: value }] };
    }),
    StreamIsActive: streamHandler((call: StreamCall<ScaledObjectRef, { result: boolean }>) => streamIsActive(call, backlog)),
  };
}

/** Writes whether the backlog is non-empty now and whenever that changes, polled every few seconds. */
function streamIsActive(call: StreamCall<ScaledObjectRef, { result: boolean }>, backlog: Backlog): void {
  let last: boolean | undefined;
  const tick = (): void => {
    backlog(call.request).then(
      ({ value }) => {
        const active = value > 0;
        if (active !== last) call.write({ result: active });
        last = active;
      },
      (error: unknown) => {
        clearInterval(timer);
        call.fail(error);
      },
    );
  };
  const timer = setInterval(tick, STREAM_INTERVAL_MS);
  timer.unref();
  call.onEnd(() => clearInterval(timer));
  tick();
}

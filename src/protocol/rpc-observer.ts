/**
 * What is told when a gRPC call ends: the per-RPC debug line and the request metrics hang off
 * this one interface, so a transport other than grpc-js only has to call `onCallEnd` where its
 * calls finish. With grpc-js that place is a server interceptor's `sendStatus`, which every
 * call passes, unary or stream, answered or refused. The instance id comes from the decoded
 * request (grpc-decoding.ts notes it on the call's metadata, which the interceptor shares).
 */
import { ServerInterceptingCall, status as GrpcStatus, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from '../lib/logger.ts';
import { taskHubHeader } from './call-context.ts';

export interface RpcCallEnd {
  /** The full path, e.g. `/TaskHubSidecarService/StartInstance`. */
  method: string;
  hub: string | undefined;
  instanceId: string | undefined;
  /** The gRPC status code's name, e.g. `OK`, `NOT_FOUND`. */
  code: string;
  durationMs: number;
  /** The request id of an INTERNAL answer. */
  requestId: string | undefined;
}

export interface RpcObserver {
  onCallEnd(end: RpcCallEnd): void;
}

const instanceIds = new WeakMap<Metadata, string>();

/** Called by the decoder once a request is decoded: remembers its instance id, if it has one. */
export function noteRequest(metadata: Metadata, request: unknown): void {
  const get = (request as { getInstanceid?: () => unknown } | null)?.getInstanceid;
  if (typeof get !== 'function') return;
  const id = get.call(request);
  if (typeof id === 'string' && id !== '') instanceIds.set(metadata, id);
}

export function observerInterceptor(observer: RpcObserver, now: () => number): ServerInterceptor {
  return (method, next) => {
    const started = now();
    let metadata: Metadata | undefined;
    const call: ServerInterceptingCall = new ServerInterceptingCall(next, {
      start: (startNext) => startNext({
        onReceiveMetadata: (received, metadataNext) => {
          metadata = received;
          metadataNext(received);
        },
      }),
      sendStatus: (status, statusNext) => {
        observer.onCallEnd({
          method: method.path,
          hub: metadata === undefined ? undefined : taskHubHeader(metadata),
          instanceId: metadata === undefined ? undefined : instanceIds.get(metadata),
          code: GrpcStatus[status.code] ?? String(status.code),
          durationMs: now() - started,
          requestId: firstValue(status.metadata, 'x-request-id'),
        });
        statusNext(status);
      },
    });
    return call;
  };
}

function firstValue(metadata: Metadata | null | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return value === undefined ? undefined : String(value);
}

/** The per-RPC debug line. */
export function rpcLogObserver(log: Logger): RpcObserver {
  return {
    onCallEnd: (end) => {
      if (log.enabled('debug')) log.debug(`rpc ${end.method} ${end.code}`, { ...end });
    },
  };
}

export function observers(...list: readonly RpcObserver[]): RpcObserver {
  return { onCallEnd: (end) => { for (const o of list) o.onCallEnd(end); } };
}

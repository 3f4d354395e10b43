/**
 * What is told when a gRPC call ends: the per-RPC debug line and the request metrics hang off
 * this one interface, which the transport calls from the one spot where a call ends
 * (transport/grpc-call.ts), unary or stream, answered, refused or cancelled. The instance id
 * comes from the decoded request.
 */
import type { Logger } from '../lib/logger.ts';

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

/** The instance id a decoded request names, if it has one: a generated message's, or a hand-read one's (proto/*-reader.ts). */
export function instanceIdOf(request: unknown): string | undefined {
  const message = request as { getInstanceid?: () => unknown; instanceId?: unknown } | null;
  const get = message?.getInstanceid;
  const id = typeof get === 'function' ? get.call(request) : message?.instanceId;
  return typeof id === 'string' && id !== '' ? id : undefined;
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

/**
 * The access check of every call of a listener (auth/gate.ts): the peer address against the
 * scheduler's IP allowlist, then the bearer token and the role for the addressed task hub. It
 * runs as a grpc-js server interceptor on the call's metadata, before grpc-js reads the request
 * message: a refused call never has its message read, let alone decoded, and ends at once with
 * its status, stream or not.
 */
import { ServerInterceptingCall, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import { grpcPeerAddress } from '../auth/allowlist.ts';
import { DEFAULT_SCHEDULER_PATH, schedulerResourceId, type AccessGate } from '../auth/gate.ts';
import { rpcPermission } from '../auth/rpc-permissions.ts';
import { bearerOf } from '../auth/tokens.ts';
import { ServerError } from '../domain/errors.ts';
import { taskHubHeader, type Log } from './call-context.ts';
import { HEALTH_METHOD_PREFIX } from './grpc-health.ts';
import { toStatusObject } from './grpc-status.ts';

export interface CallGuard {
  gate: AccessGate;
  /** The lower-cased `sub/rg/scheduler` of the listener; undefined for the default scheduler. */
  schedulerKey: string | undefined;
  defaultHub: string;
}

export function guardInterceptor(guard: CallGuard, log: Log): ServerInterceptor {
  return (method, next) => {
    const call: ServerInterceptingCall = new ServerInterceptingCall(next, {
      start: (startNext) => startNext({
        onReceiveMetadata: (metadata, metadataNext) => {
          check(guard, method.path, metadata, next.getPeer()).then(
            () => metadataNext(metadata),
            (error: unknown) => call.sendStatus(toStatusObject(error, log)),
          );
        },
      }),
    });
    return call;
  };
}

async function check(guard: CallGuard, method: string, metadata: Metadata, peer: string): Promise<void> {
  const path = guard.schedulerKey === undefined ? DEFAULT_SCHEDULER_PATH : guard.schedulerKey.split('/');
  await guard.gate.checkAddress(path, grpcPeerAddress(peer));
  // Health probes (Kubernetes, load balancers) carry no token; they learn nothing but readiness.
  if (!guard.gate.options.auth || method.startsWith(HEALTH_METHOD_PREFIX)) return;
  const permission = rpcPermission(method);
  if (permission === undefined) throw new ServerError('PERMISSION_DENIED', `${method} is not open to any role`);
  const hub = taskHubHeader(metadata) ?? guard.defaultHub;
  const authorization = metadata.get('authorization')[0];
  await guard.gate.authorize(bearerOf(authorization === undefined ? undefined : String(authorization)), permission, `${schedulerResourceId(path)}/taskHubs/${hub}`);
}

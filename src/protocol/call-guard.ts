/**
 * The access check of every call of a listener (auth/gate.ts): the peer address against the
 * scheduler's IP allowlist, then the bearer token and the role for the addressed task hub. It
 * runs on the call's metadata as soon as the call opens, before its request message is checked
 * or decoded (grpc-dispatch.ts): a refused call never has its message read, and ends at once
 * with its status, stream or not.
 */
import { grpcPeerAddress } from '../auth/allowlist.ts';
import { schedulerResourceId, type AccessGate } from '../auth/gate.ts';
import { rpcPermission } from '../auth/rpc-permissions.ts';
import { bearerOf } from '../auth/tokens.ts';
import { ServerError } from '../domain/errors.ts';
import { taskHubHeader } from './call-context.ts';
import { HEALTH_METHOD_PREFIX } from './grpc-health.ts';
import type { CallMetadata } from './rpc-call.ts';

export interface CallGuard {
  gate: AccessGate;
  /** The listener's scheduler [sub, rg, scheduler], lower-cased: one array for all its calls (the gate keys its cache by it). */
  schedulerPath: readonly string[];
  defaultHub: string;
}

export async function checkAccess(guard: CallGuard, method: string, metadata: CallMetadata, peer: string): Promise<void> {
  const path = guard.schedulerPath;
  await guard.gate.checkAddress(path, grpcPeerAddress(peer));
  // Health probes (Kubernetes, load balancers) carry no token; they learn nothing but readiness.
  if (!guard.gate.options.auth || method.startsWith(HEALTH_METHOD_PREFIX)) return;
  const permission = rpcPermission(method);
  if (permission === undefined) throw new ServerError('PERMISSION_DENIED', `${method} is not open to any role`);
  const hub = taskHubHeader(metadata) ?? guard.defaultHub;
  await guard.gate.authorize(bearerOf(metadata.get('authorization')), permission, `${schedulerResourceId(path)}/taskHubs/${hub}`);
}

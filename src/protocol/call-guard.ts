/**
 * Wraps every RPC handler of a listener with the access check (auth/gate.ts): the peer address
 * against the scheduler's IP allowlist, then the bearer token and role for the addressed task
 * hub. A refused unary call answers its status; a refused stream is destroyed with it.
 */
import type { Metadata, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { grpcPeerAddress } from '../auth/allowlist.ts';
import { DEFAULT_SCHEDULER_PATH, schedulerResourceId, type AccessGate } from '../auth/gate.ts';
import { rpcGroup } from '../auth/operations.ts';
import { bearerOf } from '../auth/tokens.ts';
import { ServerError } from '../domain/errors.ts';
import { taskHubHeader, type Log } from './call-context.ts';
import { toServiceError } from './grpc-status.ts';

export interface CallGuard {
  gate: AccessGate;
  /** The lower-cased `sub/rg/scheduler` of the listener; undefined for the default scheduler. */
  scope: string | undefined;
  defaultHub: string;
}

interface GuardedCall {
  metadata: Metadata;
  getPeer(): string;
  destroy?(error: unknown): void;
}

export function guardImplementation(implementation: UntypedServiceImplementation, definition: ServiceDefinition, guard: CallGuard, log: Log): UntypedServiceImplementation {
  const guarded: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const streaming = definition[name]?.responseStream === true;
    const inner = handler as (call: GuardedCall, callback?: (error: unknown) => void) => void;
    guarded[name] = ((call: GuardedCall, callback?: (error: unknown) => void) => {
      check(guard, name, call).then(
        () => inner(call, callback),
        (error: unknown) => {
          const status = toServiceError(error, log);
          if (streaming) call.destroy?.(status);
          else callback?.(status);
        },
      );
    }) as UntypedServiceImplementation[string];
  }
  return guarded;
}

async function check(guard: CallGuard, method: string, call: GuardedCall): Promise<void> {
  const path = guard.scope === undefined ? DEFAULT_SCHEDULER_PATH : guard.scope.split('/');
  await guard.gate.checkAddress(path, grpcPeerAddress(call.getPeer()));
  if (!guard.gate.options.auth) return;
  const group = rpcGroup(method);
  if (group === undefined) throw new ServerError('PERMISSION_DENIED', `${method} is not open to any role`);
  const hub = taskHubHeader(call.metadata) ?? guard.defaultHub;
  const authorization = call.metadata.get('authorization')[0];
  await guard.gate.authorize(bearerOf(authorization === undefined ? undefined : String(authorization)), group, `${schedulerResourceId(path)}/taskHubs/${hub}`);
}

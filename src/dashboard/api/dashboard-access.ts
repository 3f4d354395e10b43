/**
 * The dashboard API's `authorize` hook built from the access gate (auth/gate.ts), the HTTP twin
 * of protocol/call-guard.ts: the scheduler's IP allowlist on every request for one of its task
 * hubs (always: it is a network rule, as on gRPC), then, with auth on, the bearer token and a
 * role for the hub: reads need data.clientRead (Data Reader or Data Contributor), actions
 * data.clientWrite (Data Contributor). Refusals are UNAUTHENTICATED (401) or PERMISSION_DENIED
 * (403) naming the refused address or the missing role.
 */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_SCHEDULER_PATH, schedulerResourceId, type AccessGate } from '../../auth/gate.ts';
import { findRole } from '../../auth/roles.ts';
import { bearerOf } from '../../auth/tokens.ts';
import { isServerError, ServerError } from '../../domain/errors.ts';
import { splitHubName } from '../../engine/scheduler-scope.ts';
import type { Authorize, DashboardOperation } from './http-kit.ts';

/** Server-wide reads ('*': /metrics, and no hub at all) are management reads, as Azure Monitor metrics need Reader on the resource. */
const SERVER_RESOURCE = '/';

export function dashboardAuthorize(gate: AccessGate): Authorize {
  return async (req, operation, resource) => {
    if (resource === '*') return serverWide(gate, req, operation);
    const path = schedulerPathOf(resource);
    await gate.checkAddress(path, req.socket.remoteAddress);
    if (!gate.options.auth) return;
    const { hub } = splitHubName(resource);
    const group = operation === 'write' ? 'data.clientWrite' : 'data.clientRead';
    try {
      await gate.authorize(bearerOf(req.headers.authorization), group, `${schedulerResourceId(path)}/taskHubs/${hub}`);
    } catch (error) {
      if (!isServerError(error, 'PERMISSION_DENIED')) throw error;
      throw new ServerError('PERMISSION_DENIED', `${needs(operation)} on task hub '${hub}' (or on its scheduler or above); ${error.message}`, { cause: error });
    }
  };
}

async function serverWide(gate: AccessGate, req: IncomingMessage, operation: DashboardOperation): Promise<void> {
  if (!gate.options.auth || gate.tokens === undefined) return;
  const token = bearerOf(req.headers.authorization);
  // 'identify': the caller must be known; what it sees is filtered hub by hub afterwards.
  if (operation === 'identify') await gate.tokens.verify(token);
  else await gate.authorize(token, operation === 'write' ? 'control.write' : 'control.read', SERVER_RESOURCE);
}

/** The scheduler of a data-plane hub name: the default scheduler for a plain name. */
function schedulerPathOf(hubName: string): readonly string[] {
  const { scope } = splitHubName(hubName);
  return scope === undefined ? DEFAULT_SCHEDULER_PATH : scope.split('/');
}

function needs(operation: DashboardOperation): string {
  const contributor = findRole('Durable Task Data Contributor')?.name;
  const reader = findRole('Durable Task Data Reader')?.name;
  return operation === 'write' ? `This action needs the role '${contributor}'` : `Reading needs the role '${reader}' or '${contributor}'`;
}

/**
 * Access to the dashboard API, from the access gate (auth/gate.ts), the HTTP twin of
 * protocol/call-guard.ts: the scheduler's IP allowlist on every request for one of its task
 * hubs (always: it is a network rule, as on gRPC), then, with auth on, a role for the hub:
 * reads need data.clientRead (Data Reader or Data Contributor), actions data.clientWrite (Data
 * Contributor). Server-wide reads (/metrics) are management reads at the root, as Azure Monitor
 * metrics need Reader on the resource. Refusals are PERMISSION_DENIED (403) naming the refused
 * address or the missing role; the caller itself was authenticated before (http/authenticate.ts).
 */
import type { Principal } from '../../auth/decide.ts';
import { DEFAULT_SCHEDULER_PATH, schedulerResourceId, type AccessGate } from '../../auth/gate.ts';
import { findRole } from '../../auth/roles.ts';
import { isServerError, ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import { splitHubName } from '../../engine/scheduler-key.ts';

/** Reading or changing a hub's orchestrations and entities. */
export type DashboardPermission = 'read' | 'write';

export interface DashboardAccess {
  /** PERMISSION_DENIED when the hub's scheduler does not admit the caller's address. */
  checkAddress(hub: TaskHubName, address: string | undefined): Promise<void>;
  /** With auth on: PERMISSION_DENIED unless the principal has `permission` on the hub ('*': a server-wide read). */
  permit(principal: Principal | undefined, permission: DashboardPermission, hub: TaskHubName | '*'): Promise<void>;
}

export function dashboardAccess(gate: AccessGate): DashboardAccess {
  return {
    checkAddress: (hub, address) => gate.checkAddress(schedulerPathOf(hub), address),
    async permit(principal, permission, resource) {
      if (resource === '*') return gate.permit(principal, 'control.read', '/');
      const { hub } = splitHubName(resource);
      const needed = permission === 'write' ? 'data.clientWrite' : 'data.clientRead';
      try {
        await gate.permit(principal, needed, `${schedulerResourceId(schedulerPathOf(resource))}/taskHubs/${hub}`);
      } catch (error) {
        if (!isServerError(error, 'PERMISSION_DENIED')) throw error;
        throw new ServerError('PERMISSION_DENIED', `${needs(permission)} on task hub '${hub}' (or on its scheduler or above); ${error.message}`, { cause: error });
      }
    },
  };
}

/** The scheduler of a data-plane hub name: the default scheduler for a plain name. */
function schedulerPathOf(hubName: string): readonly string[] {
  const { schedulerKey } = splitHubName(hubName);
  return schedulerKey === undefined ? DEFAULT_SCHEDULER_PATH : schedulerKey.split('/');
}

function needs(permission: DashboardPermission): string {
  const contributor = findRole('Durable Task Data Contributor')?.name;
  const reader = findRole('Durable Task Data Reader')?.name;
  return permission === 'write' ? `This action needs the role '${contributor}'` : `Reading needs the role '${reader}' or '${contributor}'`;
}

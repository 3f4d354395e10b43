/**
 * The authorization decision: one pure function of (principal, permission, resource,
 * assignments). A role assignment covers a resource when its scope is the resource's id or an
 * ancestor of it (root `/` > subscription > resource group > scheduler > task hub), compared
 * segment-wise and case-insensitively as ARM does. Deny unless some assignment of the principal
 * has a role that grants the permission at a covering scope.
 */
import { ROLES, type Permission } from './roles.ts';

export type PrincipalKind = 'user' | 'userAssignedIdentity' | 'systemAssignedIdentity' | 'external';

export interface Principal {
  /** The object id (principalId); what assignments name. */
  id: string;
  kind: PrincipalKind;
  /** User name, identity or app name, for logs and messages. */
  name: string;
}

export interface RoleAssignment {
  principalId: string;
  roleDefinitionId: string;
  /** A resource id: `/`, `/subscriptions/s`, `.../resourceGroups/rg`, `.../schedulers/x`, `.../taskHubs/h`. */
  scope: string;
}

export type Decision = { allow: true; by: RoleAssignment } | { allow: false; reason: string };

export function decide(principal: Principal, permission: Permission, resource: string, assignments: readonly RoleAssignment[]): Decision {
  for (const assignment of assignments) {
    if (assignment.principalId.toLowerCase() !== principal.id.toLowerCase()) continue;
    if (!scopeCovers(assignment.scope, resource)) continue;
    const role = ROLES.find((r) => r.id === roleIdOf(assignment.roleDefinitionId));
    if (role?.permits.has(permission)) return { allow: true, by: assignment };
  }
  return { allow: false, reason: `the principal '${principal.name}' (${principal.id}) has no role assignment permitting ${permission} on '${resource}'` };
}

/** True when `scope` is `resource` or one of its ancestors. */
export function scopeCovers(scope: string, resource: string): boolean {
  const outer = segments(scope);
  const inner = segments(resource);
  if (outer.length > inner.length) return false;
  return outer.every((part, i) => part === inner[i]);
}

function segments(id: string): string[] {
  return id.split('/').filter((s) => s !== '').map((s) => s.toLowerCase());
}

function roleIdOf(roleDefinitionId: string): string {
  return roleDefinitionId.slice(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase();
}

/**
 * The built-in roles with their Azure role-definition ids, and the permissions each one
 * permits. Data-plane roles (Durable Task *) carry data actions only; control-plane roles
 * (Owner, Contributor, Reader) carry control actions only, as in Azure, where Owner of a
 * scheduler cannot read its orchestrations without a data role.
 */

/** What a request does, coarse enough that a role is a set of these. */
export type Permission =
  | 'data.connect' // Hello: any data role
  | 'data.clientWrite' // start, raise, terminate, purge, signal entities, ...
  | 'data.clientRead' // get, wait, query, list, entities
  | 'data.history' // instance history: readers and workers (large histories are streamed to workers)
  | 'data.worker' // GetWorkItems, Complete*, Abandon*
  | 'control.read'
  | 'control.write'
  | 'control.authorization' // role assignments and users
  | 'control.identityAssign'; // use a user-assigned identity (assign it to an app): Azure's userAssignedIdentities/*/assign/action

export const PERMISSIONS: readonly Permission[] = [
  'data.connect', 'data.clientWrite', 'data.clientRead', 'data.history', 'data.worker', 'control.read', 'control.write', 'control.authorization', 'control.identityAssign',
];

export interface RoleDefinition {
  id: string;
  name: string;
  permits: ReadonlySet<Permission>;
}

function role(id: string, name: string, permits: Permission[]): RoleDefinition {
  return { id, name, permits: new Set(permits) };
}

export const ROLES: readonly RoleDefinition[] = [
  role('0ad04412-c4d5-4796-b79c-f76d14c8d402', 'Durable Task Data Contributor', ['data.connect', 'data.clientWrite', 'data.clientRead', 'data.history', 'data.worker']),
  role('80d0d6b0-f522-40a4-8886-a5a11720c375', 'Durable Task Worker', ['data.connect', 'data.history', 'data.worker']),
  role('d6a5505f-6ebb-45a4-896e-ac8274cfc0ac', 'Durable Task Data Reader', ['data.connect', 'data.clientRead', 'data.history']),
  role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', ['control.read', 'control.write', 'control.authorization', 'control.identityAssign']),
  role('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', ['control.read', 'control.write', 'control.identityAssign']),
  role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', ['control.read']),
];

/** By name (case-insensitive), bare id, or full role-definition resource id. */
export function findRole(nameOrId: string): RoleDefinition | undefined {
  const key = nameOrId.trim().toLowerCase();
  const bare = key.slice(key.lastIndexOf('/') + 1);
  return ROLES.find((r) => r.name.toLowerCase() === key || r.id === bare);
}

export function roleDefinitionResourceId(subscription: string, role: RoleDefinition): string {
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}

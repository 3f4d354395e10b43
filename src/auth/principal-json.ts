/** The JSON shapes of users, identities, apps and role assignments, as `az` prints them. */
import type { CatalogEntry } from '../store/catalog.ts';
import { appResourceId, identityResourceId, type AppData, type AssignmentData, type IdentityData, type UserData } from './directory.ts';
import { findRole } from './roles.ts';

export function userJson(entry: CatalogEntry<UserData>): object {
  return { id: entry.data.principalId, userPrincipalName: entry.path[0], displayName: entry.path[0], createdDateTime: entry.data.createdAt };
}

export function identityJson(entry: CatalogEntry<IdentityData>): object {
  return {
    id: identityResourceId(entry.path),
    name: entry.path[2],
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: entry.data.location,
    resourceGroup: entry.path[1],
    tags: entry.data.tags,
    clientId: entry.data.clientId,
    principalId: entry.data.principalId,
    tenantId: entry.data.tenantId,
  };
}

export function appIdentityJson(data: AppData, identities: Map<string, IdentityData>): object | null {
  const users = Object.fromEntries(data.userAssignedIdentities.map((id) => [id, { clientId: identities.get(id.toLowerCase())?.clientId, principalId: identities.get(id.toLowerCase())?.principalId }]));
  const types = [data.systemAssigned === undefined ? undefined : 'SystemAssigned', data.userAssignedIdentities.length === 0 ? undefined : 'UserAssigned'].filter((t) => t !== undefined);
  if (types.length === 0) return null;
  return { type: types.join(', '), principalId: data.systemAssigned?.principalId ?? null, tenantId: data.systemAssigned === undefined ? null : undefined, userAssignedIdentities: users };
}

export function appJson(entry: CatalogEntry<AppData>, identities: Map<string, IdentityData>): object {
  return {
    id: appResourceId(entry.path),
    name: entry.path[2],
    type: 'Microsoft.Web/sites',
    location: entry.data.location,
    resourceGroup: entry.path[1],
    identity: appIdentityJson(entry.data, identities),
    state: 'Running',
  };
}

export function assignmentJson(name: string, data: AssignmentData, subscription: string): object {
  const role = findRole(data.roleDefinitionId);
  return {
    condition: null,
    conditionVersion: null,
    createdBy: data.createdBy,
    createdOn: data.createdOn,
    delegatedManagedIdentityResourceId: null,
    description: null,
    id: `${data.scope === '/' ? '' : data.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    principalId: data.principalId,
    principalName: data.principalName,
    principalType: data.principalType,
    roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role?.id ?? data.roleDefinitionId}`,
    roleDefinitionName: role?.name ?? null,
    scope: data.scope,
    type: 'Microsoft.Authorization/roleAssignments',
    updatedBy: data.updatedBy,
    updatedOn: data.updatedOn,
  };
}

/**
 * Users, user-assigned identities, apps and role assignments as the control plane keeps them
 * (catalog kinds `user` [name], `identity` and `app` [sub, rg, name], `roleAssignment` [name]),
 * their resource ids, and their JSON as `az` prints it.
 */
import type { RoleAssignment } from '../auth/decide.ts';
import { findRole } from '../auth/roles.ts';
import type { CatalogEntry } from '../store/catalog.ts';

/** Entries any one list of principals or assignments reads. */
export const PRINCIPALS_LIST_MAX = 10_000;

/**
 * Whether an entry was written while auth was on. With auth off anyone may create users and make
 * them Owner, so an `--auth` start refuses to trust entries written without it (or before this
 * field existed: absent counts as off) until an operator confirms them (grants-made-without-auth.ts).
 */
export interface Provenance {
  madeWithAuth?: boolean;
  /** When an operator confirmed an entry made without auth (--trust-grants-made-without-auth). */
  confirmedOn?: string;
}

/** `data` as written now: with auth on or off, and no earlier operator confirmation. */
export function stamped<T extends Provenance>(data: T, authEnabled: boolean): T {
  const { confirmedOn: _, ...rest } = data;
  return { ...rest, madeWithAuth: authEnabled } as T;
}

export interface UserData extends Provenance {
  principalId: string;
  passwordHash: string;
  createdAt: string;
  /** A one-time password (the first-start admin's): the first sign-in must set a new one. */
  passwordChangeRequired?: boolean;
}

export interface IdentityData extends Provenance {
  principalId: string;
  clientId: string;
  tenantId: string;
  location: string;
  tags: Record<string, string>;
}

export interface AppData extends Provenance {
  location: string;
  settings: Record<string, string>;
  /** The IDENTITY_HEADER secret of the app's token endpoint. */
  identityHeader: string;
  /** Resource ids of assigned user-assigned identities. */
  userAssignedIdentities: string[];
  /**
   * The principal id each was assigned as, by lower-cased resource id: an identity deleted and
   * made again under the same name is another principal, which nobody assigned to the app.
   * (Absent in apps written before it was kept: their identities match by resource id alone.)
   */
  assignedPrincipals?: Record<string, string>;
  systemAssigned?: { principalId: string; clientId: string };
}

export interface AssignmentData extends RoleAssignment, Provenance {
  principalType: string;
  principalName: string;
  createdOn: string;
  createdBy: string;
  updatedOn: string;
  updatedBy: string;
}

const IDENTITY_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i;

export function identityResourceId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}/resourceGroups/${path[1]}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${path[2]}`;
}

/** The catalog path [sub, rg, name] of a user-assigned identity's resource id; undefined for anything else. */
export function identityPathOf(resourceId: string): string[] | undefined {
  const match = IDENTITY_ID.exec(resourceId);
  return match === null ? undefined : [match[1] as string, match[2] as string, match[3] as string];
}

export function appResourceId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}/resourceGroups/${path[1]}/providers/Microsoft.Web/sites/${path[2]}`;
}

/** The id of a role assignment named `name` at `scope`. */
function assignmentResourceId(scope: string, name: string): string {
  return `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

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
    id: assignmentResourceId(data.scope, name),
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

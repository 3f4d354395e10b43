/**
 * Access commands of `dts`, mirroring `az role assignment` and `az role definition`: grants of a
 * built-in role to a principal at a scope (root `/`, subscription, resource group, scheduler or
 * task hub), and the server's token-signing keys (`dts signing-key list|rotate`).
 */
import { randomUUID } from 'node:crypto';
import { findRole, ROLES, type RoleDefinition } from '../auth/roles.ts';
import { compact } from '../lib/compact.ts';
import { single, UsageError, type FlagValues } from './cli-args.ts';
import type { ControlClient } from './cli-http.ts';
import { enc, f, YES_ACCEPTED, type CommandSpec } from './control-commands.ts';

interface Assignment {
  id: string;
  name: string;
  roleDefinitionId: string;
  scope: string;
}

const AUTHORIZATION = 'providers/Microsoft.Authorization/roleAssignments';
const ASSIGNEE = f('assignee', ['--assignee'], 'who: a user name, an identity clientId, or a principal (object) id');
const OBJECT_ID = f('assignee-object-id', ['--assignee-object-id'], 'the principal (object) id, e.g. of an external OIDC principal');
const PRINCIPAL_TYPE = f('assignee-principal-type', ['--assignee-principal-type'], 'with --assignee-object-id: User, Group or ServicePrincipal');
const ROLE = f('role', ['--role'], 'role name, e.g. "Durable Task Data Contributor", or role-definition id');
const SCOPE = f('scope', ['--scope'], 'resource id the role applies to and below, e.g. a scheduler or task hub id; / for everything');
const GROUP = f('resource-group', ['--resource-group', '-g'], 'scope: this resource group');
const assignmentRow = (a: Record<string, unknown>) => ({ Principal: a['principalName'], Role: a['roleDefinitionName'], Scope: a['scope'] });

export const ROLE_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'role assignment create': {
    help: 'Grant a role to a principal at a scope (takes effect within seconds).',
    flags: [ASSIGNEE, OBJECT_ID, PRINCIPAL_TYPE, { ...ROLE, required: true }, SCOPE, GROUP],
    run: (v, c, sub) => {
      const role = roleOf(v) as RoleDefinition;
      const assignee = single(v, 'assignee');
      const objectId = single(v, 'assignee-object-id');
      if ((assignee === undefined) === (objectId === undefined)) throw new UsageError('give exactly one of --assignee, --assignee-object-id');
      const type = single(v, 'assignee-principal-type');
      if (type !== undefined && objectId === undefined) throw new UsageError('--assignee-principal-type goes with --assignee-object-id');
      const scope = scopeOf(v, sub, true);
      const properties = compact({ roleDefinitionId: role.id, principalId: assignee ?? objectId, principalType: type });
      return c.call('PUT', `${scope === '/' ? '' : scope}/${AUTHORIZATION}/${randomUUID()}`, { properties });
    },
    tableRow: assignmentRow,
  },
  'role assignment list': {
    help: 'List role assignments at and below a scope (default: the subscription; --all: every scope, / included).',
    flags: [ASSIGNEE, ROLE, SCOPE, GROUP, f('all', ['--all'], 'every assignment, including those at /', { boolean: true })],
    run: (v, c, sub) => listAssignments(v, c, sub),
    tableRow: assignmentRow,
  },
  'role assignment delete': {
    help: 'Delete role assignments: by --ids, or every one matching --assignee, --role and --scope.',
    flags: [f('ids', ['--ids'], 'space-separated role assignment ids', { multi: true }), ASSIGNEE, ROLE, SCOPE, GROUP, YES_ACCEPTED],
    run: async (v, c, sub) => {
      let ids = v['ids'];
      if (ids === undefined) {
        if (v['assignee'] === undefined && v['role'] === undefined && v['scope'] === undefined && v['resource-group'] === undefined) {
          throw new UsageError('give --ids, or at least one of --assignee, --role, --scope, --resource-group');
        }
        const scope = scopeOf(v, sub, false);
        // As az: with a scope, only assignments made exactly there.
        ids = (await listAssignments(v, c, sub)).filter((a) => v['scope'] === undefined && v['resource-group'] === undefined ? true : a.scope.toLowerCase() === scope.toLowerCase()).map((a) => a.id);
        if (ids.length === 0) throw new Error('No matched assignments were found to delete');
      }
      for (const id of ids) {
        if (!new RegExp(`/${AUTHORIZATION}/[^/]+$`, 'i').test(id)) throw new UsageError(`argument --ids: '${id}' is not a role assignment id`);
        await c.call('DELETE', id);
      }
      return undefined;
    },
  },
  'role definition list': {
    help: 'List the built-in roles (data plane: Durable Task *; control plane: Owner, Contributor, Reader).',
    flags: [f('name', ['--name', '-n'], 'only this role (name or id)')],
    run: async (v, _c, sub) => {
      const roles = v['name'] === undefined ? ROLES : [roleOf({ role: v['name'] }) as RoleDefinition];
      return roles.map((role) => ({ id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`, name: role.id, roleName: role.name, roleType: 'BuiltInRole', type: 'Microsoft.Authorization/roleDefinitions', permissions: [{ actions: [...role.permits].filter((g) => g.startsWith('control.')), dataActions: [...role.permits].filter((g) => g.startsWith('data.')) }] }));
    },
    tableRow: (r) => ({ Name: r['roleName'], Id: r['name'] }),
  },
  'signing-key list': { help: "List the server's token-signing keys: the active one and retired ones still trusted.", flags: [], run: (_v, c) => c.call('GET', '/auth/signing-keys') },
  'signing-key rotate': {
    help: 'Make a new signing key the signer (Owner at /). Tokens signed by the old key keep working until they expire.',
    flags: [],
    run: (_v, c) => c.call('POST', '/auth/signing-keys/rotate'),
  },
};

async function listAssignments(v: FlagValues, c: ControlClient, sub: string): Promise<Assignment[]> {
  const scope = v['all'] !== undefined ? '/' : scopeOf(v, sub, false);
  const assignee = single(v, 'assignee');
  const query = assignee === undefined ? '' : `?assignee=${enc(assignee)}`;
  const listed = (await c.call('GET', `${scope === '/' ? '' : scope}/${AUTHORIZATION}${query}`)) as { value: Assignment[] };
  const role = roleOf(v);
  return listed.value.filter((a) => role === undefined || a.roleDefinitionId.toLowerCase().endsWith(`/${role.id}`));
}

function roleOf(v: FlagValues): RoleDefinition | undefined {
  const name = single(v, 'role');
  if (name === undefined) return undefined;
  const role = findRole(name);
  if (role === undefined) throw new UsageError(`Role '${name}' doesn't exist. Roles: ${ROLES.map((r) => r.name).join(', ')}`);
  return role;
}

/** --scope, else --resource-group's id, else the subscription (required: one must be given). */
function scopeOf(v: FlagValues, sub: string, required: boolean): string {
  const scope = single(v, 'scope');
  const group = single(v, 'resource-group');
  if (scope !== undefined && group !== undefined) throw new UsageError('give one of --scope, --resource-group');
  if (scope !== undefined) {
    if (scope !== '/' && !/^\/subscriptions\/[^/]+(\/.*)?$/i.test(scope)) throw new UsageError(`argument --scope: '${scope}' is not / or a resource id starting with /subscriptions/`);
    return scope.length > 1 ? scope.replace(/\/+$/, '') : scope;
  }
  if (group !== undefined) return `/subscriptions/${enc(sub)}/resourceGroups/${enc(group)}`;
  if (required) throw new UsageError('the following arguments are required: --scope (or --resource-group)');
  return `/subscriptions/${enc(sub)}`;
}

/**
 * Role assignments (`{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`, as
 * `az role assignment`): a built-in role granted to a principal at a scope, which is the root,
 * or a subscription, resource group, scheduler, task hub, identity or app that exists (404
 * otherwise).
 *
 * Names are unique across scopes, so an assignment can be addressed through the URL of another
 * scope than its own (clients delete by name through the root URL). Whatever URL it comes by,
 * a request about an existing assignment is authorised on the scope where the assignment lives,
 * besides the URL's scope the route checks first: an Owner of one resource group can neither
 * read, replace nor delete an assignment made above it by addressing it through her group.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/decide.ts';
import { scopeCovers } from '../auth/decide.ts';
import type { Directory } from '../auth/directory.ts';
import { findRole, type Permission } from '../auth/roles.ts';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import type { CatalogEntry, CatalogKind } from '../store/catalog.ts';
import { bodyObject, ok, propertiesOf, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import {
  appResourceId, assignmentJson, identityResourceId, PRINCIPALS_LIST_MAX, type AppData, type AssignmentData, type IdentityData, type UserData,
} from './principal-resources.ts';
import { schedulerId } from './resources.ts';
import { notFound } from './user-handlers.ts';
import { invalid } from './validate-resource.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RoleAssignmentHandlers {
  readonly #ctx: ControlContext;
  readonly #directory: Directory;

  constructor(ctx: ControlContext, directory: Directory) {
    this.#ctx = ctx;
    this.#directory = directory;
  }

  /** Assignments at and below the addressed scope; `?assignee=` (user name, client id or principal id) and `?atScope=true` filter. */
  async list(request: ControlRequest): Promise<ControlResponse> {
    const addressed = await this.#addressedScope(request.params);
    const assignee = request.query.get('assignee');
    const principalId = assignee === null ? undefined : (await this.resolveAssignee(assignee)).principal.id.toLowerCase();
    const atScope = request.query.get('atScope') === 'true';
    const within = (a: AssignmentData) => (atScope ? sameScope(a.scope, addressed) : scopeCovers(addressed, a.scope));
    const value = (await this.#all())
      .filter(({ data }) => within(data) && (principalId === undefined || data.principalId.toLowerCase() === principalId))
      .map(({ path, data }) => assignmentJson(path[0] as string, data, subscriptionOf(addressed)));
    return ok({ value });
  }

  async get(request: ControlRequest): Promise<ControlResponse> {
    await this.#addressedScope(request.params);
    const entry = await this.#existing(request, 'control.read');
    return ok(assignmentJson(entry.path[0] as string, entry.data, subscriptionOf(entry.data.scope)));
  }

  put(request: ControlRequest): Promise<ControlResponse> {
    const { params, body, actor } = request;
    const name = params['assignment'] as string;
    if (!GUID.test(name)) throw invalid(`the role assignment name ${quote(name)} is invalid: it must be a GUID`);
    const properties = propertiesOf(bodyObject(body));
    const role = typeof properties['roleDefinitionId'] === 'string' ? findRole(properties['roleDefinitionId']) : undefined;
    if (role === undefined) throw invalid(`properties.roleDefinitionId ${quote(properties['roleDefinitionId'])} names no role`);
    const assignee = properties['principalId'];
    if (typeof assignee !== 'string' || assignee === '') throw invalid('properties.principalId is required');
    const principalType = properties['principalType'];
    if (principalType !== undefined && (typeof principalType !== 'string' || !/^[A-Za-z]{1,64}$/.test(principalType))) throw invalid('properties.principalType must be User, Group or ServicePrincipal');
    return this.#ctx.serial(async () => {
      const addressed = await this.#addressedScope(params);
      const data = await this.#data(addressed, assignee, role.id, actor.name, principalType);
      const all = await this.#all();
      const same = all.find((e) => e.path[0]?.toLowerCase() === name.toLowerCase());
      if (same !== undefined) {
        await request.authorize('control.authorization', same.data.scope);
        // A PUT repeated is answered with what it made; an assignment is never changed in place.
        if (sameScope(same.data.scope, addressed) && same.data.principalId === data.principalId && same.data.roleDefinitionId === role.id) return ok(assignmentJson(name, same.data, subscriptionOf(addressed)));
        throw new ServerError('ALREADY_EXISTS', `The role assignment ${quote(name)} already exists (at ${quote(same.data.scope)}); role assignments cannot be changed: delete it, or use another name.`);
      }
      const twin = all.find((e) => e.data.principalId === data.principalId && e.data.roleDefinitionId === role.id && sameScope(e.data.scope, addressed));
      if (twin !== undefined) throw new ServerError('ALREADY_EXISTS', `The role assignment already exists (${twin.path[0]}).`);
      await this.#ctx.catalog.create('roleAssignment', [name], data);
      this.#directory.invalidate();
      return ok(assignmentJson(name, data, subscriptionOf(addressed)), undefined, 201);
    });
  }

  delete(request: ControlRequest): Promise<ControlResponse> {
    return this.#ctx.serial(async () => {
      await this.#addressedScope(request.params);
      const entry = await this.#existing(request, 'control.authorization');
      await this.#ctx.catalog.delete('roleAssignment', entry.path);
      this.#directory.invalidate();
      return ok(assignmentJson(entry.path[0] as string, entry.data, subscriptionOf(entry.data.scope)));
    });
  }

  /** Grants `role` at `scope` to `principalId` as the server itself (the first admin), unless it has it there. */
  async grant(scope: string, principalId: string, roleName: string): Promise<void> {
    const role = findRole(roleName);
    if (role === undefined) throw new Error(`no role named ${roleName}`);
    const data = await this.#data(scope, principalId, role.id, 'system');
    if ((await this.#all()).some((e) => e.data.principalId === data.principalId && e.data.roleDefinitionId === role.id && sameScope(e.data.scope, scope))) return;
    await this.#ctx.catalog.create('roleAssignment', [randomUUID()], data);
    this.#directory.invalidate();
  }

  async #data(scope: string, assignee: string, roleId: string, actor: string, principalType?: string): Promise<AssignmentData> {
    const { principal, type } = await this.resolveAssignee(assignee);
    const at = new Date(this.#ctx.now()).toISOString();
    return this.#ctx.stamped<AssignmentData>({
      principalId: principal.id, principalType: principalType ?? type, principalName: principal.name,
      roleDefinitionId: roleId, scope, createdOn: at, createdBy: actor, updatedOn: at, updatedBy: actor,
    });
  }

  /** An assignee given as principal id, identity client id, or user name. */
  async resolveAssignee(assignee: string): Promise<{ principal: Principal; type: string }> {
    const key = assignee.toLowerCase();
    const catalog = this.#ctx.catalog;
    for (const user of await catalog.list<UserData>('user', [], PRINCIPALS_LIST_MAX)) {
      const name = user.path[0] as string;
      if (user.data.principalId.toLowerCase() === key || name.toLowerCase() === key) return { principal: { id: user.data.principalId, kind: 'user', name }, type: 'User' };
    }
    for (const identity of await catalog.list<IdentityData>('identity', [], PRINCIPALS_LIST_MAX)) {
      if (identity.data.principalId.toLowerCase() === key || identity.data.clientId.toLowerCase() === key) {
        return { principal: { id: identity.data.principalId, kind: 'userAssignedIdentity', name: identity.path[2] as string }, type: 'ServicePrincipal' };
      }
    }
    for (const app of await catalog.list<AppData>('app', [], PRINCIPALS_LIST_MAX)) {
      const system = app.data.systemAssigned;
      if (system?.principalId.toLowerCase() === key) return { principal: { id: system.principalId, kind: 'systemAssignedIdentity', name: app.path[2] as string }, type: 'ServicePrincipal' };
    }
    // An external issuer's principal: granted by its object id without a directory entry.
    if (GUID.test(assignee)) return { principal: { id: assignee, kind: 'external', name: assignee }, type: 'User' };
    throw invalid(`Cannot find user or service principal in graph database for ${quote(assignee)}.`);
  }

  /** The addressed assignment, once `permission` is checked on the scope where it lives; RESOURCE_NOT_FOUND when there is none. */
  async #existing(request: ControlRequest, permission: Permission): Promise<CatalogEntry<AssignmentData>> {
    const name = request.params['assignment'] as string;
    const entry = await this.#ctx.catalog.get<AssignmentData>('roleAssignment', [name]);
    if (entry === undefined) throw notFound(`The role assignment ${quote(name)}`);
    await request.authorize(permission, entry.data.scope);
    return entry;
  }

  async #all(): Promise<CatalogEntry<AssignmentData>[]> {
    return this.#ctx.catalog.list<AssignmentData>('roleAssignment', [], PRINCIPALS_LIST_MAX);
  }

  /** The id of the scope the route addresses, with the names as they were created; RESOURCE_NOT_FOUND when it does not exist. */
  async #addressedScope(params: Readonly<Record<string, string>>): Promise<string> {
    const { sub, rg, scheduler, hub, identity, app } = params;
    if (sub === undefined) return '/';
    if (rg === undefined) return `/subscriptions/${(await this.#ctx.requireSubscription(sub)).path[0]}`;
    const group = await this.#ctx.requireGroup(sub, rg);
    if (identity !== undefined) return identityResourceId((await this.#child('identity', [...group.path, identity], 'identity')).path);
    if (app !== undefined) return appResourceId((await this.#child('app', [...group.path, app], 'app')).path);
    if (scheduler === undefined) return `/subscriptions/${group.path[0]}/resourceGroups/${group.path[1]}`;
    const found = await this.#ctx.requireScheduler(sub, rg, scheduler);
    if (hub === undefined) return schedulerId(found.path);
    const taskHub = await this.#child('taskHub', [...found.path, hub], 'task hub');
    return `${schedulerId(taskHub.path)}/taskHubs/${taskHub.path[3]}`;
  }

  async #child(kind: CatalogKind, path: string[], what: string): Promise<CatalogEntry> {
    const entry = await this.#ctx.catalog.get(kind, path);
    if (entry === undefined) throw notFound(`The ${what} ${quote(path[path.length - 1])}`);
    return entry;
  }
}

/** Same resource id: segment by segment, case-insensitively. */
function sameScope(a: string, b: string): boolean {
  return scopeCovers(a, b) && scopeCovers(b, a);
}

function subscriptionOf(scope: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? 'default';
}

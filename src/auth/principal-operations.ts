/**
 * Users, user-assigned identities, apps and role assignments: the operations behind their REST
 * routes (auth/auth-http.ts). Each write invalidates the directory snapshot, so it applies to
 * the next decision of this node at once.
 */
import { randomUUID } from 'node:crypto';
import { ServerError } from '../domain/errors.ts';
import type { CatalogEntry } from '../store/catalog.ts';
import { DIRECTORY_LIST_MAX, identityResourceId, TENANT_ID, type AppData, type AssignmentData, type Directory, type IdentityData, type Provenance, type UserData } from './directory.ts';
import type { Principal } from './decide.ts';
import { newSecret, type Passwords } from './passwords.ts';
import { appIdentityJson, appJson, assignmentJson, identityJson, userJson } from './principal-json.ts';
import { findRole } from './roles.ts';

/** Names of users, identities and apps. */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9@._-]{0,127}$/;
const SETTINGS_MAX = 200;

function invalid(message: string): ServerError {
  return new ServerError('INVALID_ARGUMENT', message);
}

function notFound(what: string): ServerError {
  return new ServerError('RESOURCE_NOT_FOUND', `${what} could not be found.`);
}

function name(value: string | undefined, what: string): string {
  if (value === undefined || !PRINCIPAL_NAME.test(value)) throw invalid(`${what} '${value ?? ''}' is invalid: use 1-128 letters, digits, '@', '.', '_' and '-'`);
  return value;
}

function obj(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export class PrincipalOperations {
  readonly #dir: Directory;
  readonly #now: () => number;
  readonly #passwords: Passwords;
  readonly #authEnabled: boolean;

  /** `authEnabled`: recorded on every entry written (directory.ts `Provenance`). */
  constructor(directory: Directory, now: () => number, passwords: Passwords, authEnabled: boolean) {
    this.#dir = directory;
    this.#now = now;
    this.#passwords = passwords;
    this.#authEnabled = authEnabled;
  }

  /** `data` as written now: with auth on or off, and no earlier operator confirmation. */
  #stamped<T extends Provenance>(data: T): T {
    const { confirmedOn: _, ...rest } = data;
    return { ...rest, madeWithAuth: this.#authEnabled } as T;
  }

  get #catalog() {
    return this.#dir.catalog;
  }

  async createUser(user: string, password: unknown): Promise<object> {
    name(user, 'user name');
    if (typeof password !== 'string' || password.length < 8 || password.length > 256) throw invalid('password must be 8-256 characters');
    const data = this.#stamped<UserData>({ principalId: randomUUID(), passwordHash: await this.#passwords.hash(password), createdAt: new Date(this.#now()).toISOString() });
    const entry = await this.#catalog.create('user', [user], data);
    this.#dir.invalidate();
    return userJson(entry);
  }

  /** A new password for an existing user (the server's own admin, on the first start with auth). */
  async resetPassword(user: string, password: string): Promise<void> {
    const entry = await this.getUser(user);
    await this.#catalog.update('user', entry.path, this.#stamped({ ...entry.data, passwordHash: await this.#passwords.hash(password) }));
    this.#dir.invalidate();
  }

  async getUser(user: string): Promise<CatalogEntry<UserData>> {
    const entry = await this.#catalog.get<UserData>('user', [user]);
    if (entry === undefined) throw notFound(`User '${user}'`);
    return entry;
  }

  async showUser(user: string): Promise<object> {
    return userJson(await this.getUser(user));
  }

  async listUsers(): Promise<object> {
    return { value: (await this.#catalog.list<UserData>('user', [], DIRECTORY_LIST_MAX)).map(userJson) };
  }

  async deleteUser(user: string): Promise<void> {
    if (!(await this.#catalog.delete('user', [user]))) throw notFound(`User '${user}'`);
    this.#dir.invalidate();
  }

  async putIdentity(path: string[], body: unknown): Promise<{ status: number; body: object }> {
    name(path[2], 'identity name');
    const fields = obj(body);
    const existing = await this.#catalog.get<IdentityData>('identity', path);
    const location = typeof fields['location'] === 'string' ? fields['location'] : (existing?.data.location ?? 'local');
    const tags = (fields['tags'] ?? existing?.data.tags ?? {}) as Record<string, string>;
    if (existing !== undefined) {
      const updated = await this.#catalog.update('identity', path, this.#stamped({ ...existing.data, location, tags }));
      return { status: 200, body: identityJson(updated) };
    }
    const entry = await this.#catalog.create('identity', path, this.#stamped<IdentityData>({ principalId: randomUUID(), clientId: randomUUID(), tenantId: TENANT_ID, location, tags }));
    this.#dir.invalidate();
    return { status: 201, body: identityJson(entry) };
  }

  async showIdentity(path: string[]): Promise<object> {
    const entry = await this.#catalog.get<IdentityData>('identity', path);
    if (entry === undefined) throw notFound(`The identity '${path[2]}' in resource group '${path[1]}'`);
    return identityJson(entry);
  }

  async listIdentities(prefix: string[]): Promise<object> {
    return { value: (await this.#catalog.list<IdentityData>('identity', prefix, DIRECTORY_LIST_MAX)).map(identityJson) };
  }

  async deleteIdentity(path: string[]): Promise<void> {
    if (!(await this.#catalog.delete('identity', path))) throw notFound(`The identity '${path[2]}'`);
    this.#dir.invalidate();
  }

  async #identities(): Promise<Map<string, IdentityData>> {
    const all = await this.#catalog.list<IdentityData>('identity', [], DIRECTORY_LIST_MAX);
    return new Map(all.map((e) => [identityResourceId(e.path).toLowerCase(), e.data]));
  }

  async putApp(path: string[], body: unknown): Promise<{ status: number; body: object }> {
    name(path[2], 'app name');
    const location = obj(body)['location'];
    const existing = await this.#catalog.get<AppData>('app', path);
    if (existing !== undefined) return { status: 200, body: appJson(existing, await this.#identities()) };
    const data = this.#stamped<AppData>({ location: typeof location === 'string' ? location : 'local', settings: {}, identityHeader: newSecret(), userAssignedIdentities: [] });
    return { status: 201, body: appJson(await this.#catalog.create('app', path, data), await this.#identities()) };
  }

  async app(path: string[]): Promise<CatalogEntry<AppData>> {
    const entry = await this.#catalog.get<AppData>('app', path);
    if (entry === undefined) throw notFound(`The app '${path[2]}' in resource group '${path[1]}'`);
    return entry;
  }

  async showApp(path: string[]): Promise<object> {
    return appJson(await this.app(path), await this.#identities());
  }

  async deleteApp(path: string[]): Promise<void> {
    if (!(await this.#catalog.delete('app', path))) throw notFound(`The app '${path[2]}'`);
    this.#dir.invalidate();
  }

  /** Adds user-assigned identities (resource ids) and, with `[system]` among them, the system-assigned one. */
  async assignAppIdentity(path: string[], body: unknown): Promise<object> {
    const requested = obj(body)['identities'];
    if (!Array.isArray(requested) || requested.length === 0 || requested.some((i) => typeof i !== 'string')) throw invalid("identities must be a non-empty list of identity resource ids or '[system]'");
    const identities = await this.#identities();
    const app = await this.app(path);
    const data: AppData = { ...app.data, userAssignedIdentities: [...app.data.userAssignedIdentities] };
    for (const id of requested as string[]) {
      if (id === '[system]') {
        data.systemAssigned ??= { principalId: randomUUID(), clientId: randomUUID() };
        continue;
      }
      if (!identities.has(id.toLowerCase())) throw notFound(`The identity '${id}'`);
      if (!data.userAssignedIdentities.some((x) => x.toLowerCase() === id.toLowerCase())) data.userAssignedIdentities.push(id);
    }
    await this.#catalog.update('app', path, this.#stamped(data));
    this.#dir.invalidate();
    return appIdentityJson(data, identities) ?? {};
  }

  async setAppSettings(path: string[], body: unknown): Promise<object> {
    const settings = obj(obj(body)['properties']);
    const app = await this.app(path);
    const merged = { ...app.data.settings };
    for (const [key, value] of Object.entries(settings)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(key) || typeof value !== 'string' || value.length > 4096) throw invalid(`app setting '${key}' is invalid`);
      merged[key] = value;
    }
    if (Object.keys(merged).length > SETTINGS_MAX) throw invalid(`an app has at most ${SETTINGS_MAX} settings`);
    await this.#catalog.update('app', path, this.#stamped({ ...app.data, settings: merged }));
    return Object.entries(merged).map(([k, v]) => ({ name: k, slotSetting: false, value: v }));
  }

  async appEnv(path: string[], identityEndpoint: string): Promise<object> {
    const app = await this.app(path);
    return { ...app.data.settings, IDENTITY_ENDPOINT: identityEndpoint, IDENTITY_HEADER: app.data.identityHeader };
  }

  /** Resolves an assignee given as principal id, identity client id, or user name. */
  async resolveAssignee(assignee: string): Promise<{ principal: Principal; type: string }> {
    const snapshot = await this.#dir.snapshot();
    const byId = snapshot.principals.get(assignee.toLowerCase());
    const byClient = snapshot.identitiesByClientId.get(assignee.toLowerCase())?.principal;
    const byName = [...snapshot.principals.values()].find((p) => p.kind === 'user' && p.name.toLowerCase() === assignee.toLowerCase());
    const principal = byId ?? byClient ?? byName;
    if (principal !== undefined) return { principal, type: principal.kind === 'user' ? 'User' : 'ServicePrincipal' };
    // An external issuer's principal: granted by its object id without a directory entry.
    if (/^[0-9a-f-]{36}$/i.test(assignee)) return { principal: { id: assignee, kind: 'external', name: assignee }, type: 'User' };
    throw invalid(`Cannot find user or service principal in graph database for '${assignee}'.`);
  }

  async putAssignment(scope: string, assignmentName: string, body: unknown, actor: string, subscription: string): Promise<object> {
    const properties = obj(obj(body)['properties']);
    const role = typeof properties['roleDefinitionId'] === 'string' ? findRole(properties['roleDefinitionId']) : undefined;
    if (role === undefined) throw invalid(`properties.roleDefinitionId '${String(properties['roleDefinitionId'])}' names no role`);
    if (typeof properties['principalId'] !== 'string') throw invalid('properties.principalId is required');
    const { principal, type } = await this.resolveAssignee(properties['principalId']);
    const now = new Date(this.#now()).toISOString();
    const data = this.#stamped<AssignmentData>({
      principalId: principal.id, principalType: typeof properties['principalType'] === 'string' ? properties['principalType'] : type, principalName: principal.name,
      roleDefinitionId: role.id, scope, createdOn: now, createdBy: actor, updatedOn: now, updatedBy: actor,
    });
    const existing = (await this.#dir.snapshot()).assignments.find((a) => a.principalId === data.principalId && a.roleDefinitionId === role.id && a.scope.toLowerCase() === scope.toLowerCase());
    if (existing !== undefined) throw new ServerError('ALREADY_EXISTS', `The role assignment already exists (${existing.name}).`);
    await this.#catalog.create('roleAssignment', [assignmentName], data);
    this.#dir.invalidate();
    return assignmentJson(assignmentName, data, subscription);
  }

  async listAssignments(scope: string, filter: { assignee?: string; atScopeOnly: boolean }, subscription: string): Promise<object> {
    let principalId: string | undefined;
    if (filter.assignee !== undefined) principalId = (await this.resolveAssignee(filter.assignee)).principal.id.toLowerCase();
    const all = (await this.#dir.snapshot()).assignments;
    const within = (a: AssignmentData) => scope === '/' || (filter.atScopeOnly ? a.scope.toLowerCase() === scope.toLowerCase() : (a.scope.toLowerCase() + '/').startsWith(scope.toLowerCase() + '/'));
    return { value: all.filter((a) => within(a) && (principalId === undefined || a.principalId.toLowerCase() === principalId)).map((a) => assignmentJson(a.name, a, subscription)) };
  }

  async deleteAssignment(assignmentName: string, subscription: string): Promise<object> {
    const entry = await this.#catalog.get<AssignmentData>('roleAssignment', [assignmentName]);
    if (entry === undefined) throw notFound(`The role assignment '${assignmentName}'`);
    await this.#catalog.delete('roleAssignment', [assignmentName]);
    this.#dir.invalidate();
    return assignmentJson(assignmentName, entry.data, subscription);
  }
}

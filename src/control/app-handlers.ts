/**
 * Apps (`.../providers/Microsoft.Web/sites/{name}`, as `az webapp` / `az functionapp`): the
 * workloads that get tokens from the managed-identity endpoint for the identities assigned to
 * them, with their settings and the IDENTITY_HEADER secret of that endpoint. Assigning a
 * user-assigned identity needs, besides write access to the app, the right to use the identity
 * where it lives (control.identityAssign on the identity: Azure's
 * `userAssignedIdentities/*\/assign/action`), or a Contributor of one group could borrow the
 * identity of another, and its roles with it.
 */
import { randomUUID } from 'node:crypto';
import type { Directory } from '../auth/directory.ts';
import { newSecret } from '../auth/passwords.ts';
import { quote } from '../lib/quote.ts';
import type { CatalogEntry } from '../store/catalog.ts';
import { bodyObject, ok, propertiesOf, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import {
  appIdentityJson, appJson, identityPathOf, identityResourceId, PRINCIPALS_LIST_MAX, type AppData, type IdentityData,
} from './principal-resources.ts';
import { notFound, validatePrincipalName } from './user-handlers.ts';
import { invalid, validateLocation } from './validate-resource.ts';

const SETTINGS_MAX = 200;
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const SETTING_VALUE_LENGTH_MAX = 4096;
const IDENTITIES_PER_REQUEST_MAX = 20;

export class AppHandlers {
  readonly #ctx: ControlContext;
  readonly #directory: Directory;

  constructor(ctx: ControlContext, directory: Directory) {
    this.#ctx = ctx;
    this.#directory = directory;
  }

  put({ params, body }: ControlRequest): Promise<ControlResponse> {
    const name = params['app'] as string;
    validatePrincipalName(name, 'app name');
    const location = bodyObject(body)['location'];
    return this.#ctx.serial(async () => {
      const group = await this.#ctx.requireGroup(params['sub'] as string, params['rg'] as string);
      const existing = await this.#ctx.catalog.get<AppData>('app', [...group.path, name]);
      if (existing !== undefined) return ok(appJson(existing, await this.#identities()));
      const data = this.#ctx.stamped<AppData>({ location: location === undefined ? group.data.location : validateLocation(location), settings: {}, identityHeader: newSecret(), userAssignedIdentities: [], assignedPrincipals: {} });
      return ok(appJson(await this.#ctx.catalog.create('app', [...group.path, name], data), await this.#identities()), undefined, 201);
    });
  }

  async get(request: ControlRequest): Promise<ControlResponse> {
    return ok(appJson(await this.#app(request), await this.#identities()));
  }

  async delete({ params }: ControlRequest): Promise<ControlResponse> {
    if (!(await this.#ctx.catalog.delete('app', pathOf(params)))) throw notFound(`The app ${quote(params['app'])}`);
    this.#directory.invalidate();
    return { status: 200 };
  }

  /** Adds user-assigned identities (resource ids) and, with `[system]` among them, the system-assigned one. */
  async assignIdentity(request: ControlRequest): Promise<ControlResponse> {
    const requested = bodyObject(request.body)['identities'];
    if (!Array.isArray(requested) || requested.length === 0 || requested.length > IDENTITIES_PER_REQUEST_MAX || requested.some((i) => typeof i !== 'string')) {
      throw invalid(`identities must be a list of 1-${IDENTITIES_PER_REQUEST_MAX} identity resource ids or '[system]'`);
    }
    const wanted: string[][] = [];
    for (const id of requested as string[]) {
      if (id === '[system]') continue;
      const path = identityPathOf(id);
      if (path === undefined) throw invalid(`${quote(id)} is not a user-assigned identity resource id (/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name})`);
      // Access first, existence second: a caller who may not use the identity learns nothing about it.
      await request.authorize('control.identityAssign', identityResourceId(path));
      wanted.push(path);
    }
    return this.#ctx.serial(async () => {
      const app = await this.#app(request);
      const data: AppData = { ...app.data, userAssignedIdentities: [...app.data.userAssignedIdentities], assignedPrincipals: { ...app.data.assignedPrincipals } };
      if ((requested as string[]).includes('[system]')) data.systemAssigned ??= { principalId: randomUUID(), clientId: randomUUID() };
      for (const path of wanted) {
        const identity = await this.#ctx.catalog.get<IdentityData>('identity', path);
        if (identity === undefined) throw notFound(`The identity ${quote(identityResourceId(path))}`);
        const id = identityResourceId(identity.path);
        if (!data.userAssignedIdentities.some((x) => x.toLowerCase() === id.toLowerCase())) data.userAssignedIdentities.push(id);
        (data.assignedPrincipals as Record<string, string>)[id.toLowerCase()] = identity.data.principalId;
      }
      await this.#ctx.catalog.update('app', app.path, this.#ctx.stamped(data));
      this.#directory.invalidate();
      return ok(appIdentityJson(data, await this.#identities()) ?? {});
    });
  }

  setSettings(request: ControlRequest): Promise<ControlResponse> {
    const settings = Object.entries(propertiesOf(bodyObject(request.body)));
    for (const [key, value] of settings) {
      if (!SETTING_NAME.test(key) || typeof value !== 'string' || value.length > SETTING_VALUE_LENGTH_MAX) {
        throw invalid(`app setting ${quote(key)} is invalid: names are 1-128 letters, digits, '_', '.' and '-' (not starting with a digit), values strings of up to ${SETTING_VALUE_LENGTH_MAX} characters`);
      }
    }
    return this.#ctx.serial(async () => {
      const app = await this.#app(request);
      const merged = Object.fromEntries([...Object.entries(app.data.settings), ...settings]) as Record<string, string>;
      if (Object.keys(merged).length > SETTINGS_MAX) throw invalid(`an app has at most ${SETTINGS_MAX} settings`);
      await this.#ctx.catalog.update('app', app.path, this.#ctx.stamped({ ...app.data, settings: merged }));
      return ok(Object.entries(merged).map(([name, value]) => ({ name, slotSetting: false, value })));
    });
  }

  /** The app's settings and the two variables @azure/identity reads: its token endpoint and secret. */
  async env(request: ControlRequest): Promise<ControlResponse> {
    const app = await this.#app(request);
    return ok({ ...app.data.settings, IDENTITY_ENDPOINT: `${this.#ctx.baseUrl()}/msi/token`, IDENTITY_HEADER: app.data.identityHeader });
  }

  async #app({ params }: ControlRequest): Promise<CatalogEntry<AppData>> {
    const entry = await this.#ctx.catalog.get<AppData>('app', pathOf(params));
    if (entry === undefined) throw notFound(`The app ${quote(params['app'])} in resource group ${quote(params['rg'])}`);
    return entry;
  }

  /** Every identity by lower-cased resource id (for the clientId and principalId an app's JSON shows). */
  async #identities(): Promise<Map<string, IdentityData>> {
    const all = await this.#ctx.catalog.list<IdentityData>('identity', [], PRINCIPALS_LIST_MAX);
    return new Map(all.map((e) => [identityResourceId(e.path).toLowerCase(), e.data]));
  }
}

function pathOf(params: Readonly<Record<string, string>>): string[] {
  return [params['sub'] as string, params['rg'] as string, params['app'] as string];
}

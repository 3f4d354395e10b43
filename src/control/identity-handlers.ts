/**
 * User-assigned managed identities (`.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`,
 * as `az identity`): principals an app gets tokens for, granted roles by their client or
 * principal id. They live in a resource group; a write applies to this node's next decision at once.
 */
import { randomUUID } from 'node:crypto';
import { TENANT_ID, type Directory } from '../auth/directory.ts';
import { quote } from '../lib/quote.ts';
import { bodyObject, ok, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import { identityJson, PRINCIPALS_LIST_MAX, type IdentityData } from './principal-resources.ts';
import { notFound, validatePrincipalName } from './user-handlers.ts';
import { validateLocation, validateTags } from './validate-resource.ts';

export class IdentityHandlers {
  readonly #ctx: ControlContext;
  readonly #directory: Directory;

  constructor(ctx: ControlContext, directory: Directory) {
    this.#ctx = ctx;
    this.#directory = directory;
  }

  async list({ params }: ControlRequest): Promise<ControlResponse> {
    const group = await this.#ctx.requireGroup(params['sub'] as string, params['rg'] as string);
    return ok({ value: (await this.#ctx.catalog.list<IdentityData>('identity', group.path, PRINCIPALS_LIST_MAX)).map(identityJson) });
  }

  async get({ params }: ControlRequest): Promise<ControlResponse> {
    const path = [params['sub'] as string, params['rg'] as string, params['identity'] as string];
    const entry = await this.#ctx.catalog.get<IdentityData>('identity', path);
    if (entry === undefined) throw notFound(`The identity ${quote(path[2])} in resource group ${quote(path[1])}`);
    return ok(identityJson(entry));
  }

  put({ params, body }: ControlRequest): Promise<ControlResponse> {
    const name = params['identity'] as string;
    validatePrincipalName(name, 'identity name');
    const fields = bodyObject(body);
    const tags = fields['tags'] === undefined ? undefined : validateTags(fields['tags']);
    const location = fields['location'] === undefined ? undefined : validateLocation(fields['location']);
    return this.#ctx.serial(async () => {
      const group = await this.#ctx.requireGroup(params['sub'] as string, params['rg'] as string);
      const path = [...group.path, name];
      const existing = await this.#ctx.catalog.get<IdentityData>('identity', path);
      if (existing !== undefined) {
        const data = this.#ctx.stamped({ ...existing.data, location: location ?? existing.data.location, tags: tags ?? existing.data.tags });
        return ok(identityJson(await this.#ctx.catalog.update<IdentityData>('identity', existing.path, data)));
      }
      const data = this.#ctx.stamped<IdentityData>({ principalId: randomUUID(), clientId: randomUUID(), tenantId: TENANT_ID, location: location ?? group.data.location, tags: tags ?? {} });
      const entry = await this.#ctx.catalog.create<IdentityData>('identity', path, data);
      this.#directory.invalidate();
      return ok(identityJson(entry), undefined, 201);
    });
  }

  async delete({ params }: ControlRequest): Promise<ControlResponse> {
    const path = [params['sub'] as string, params['rg'] as string, params['identity'] as string];
    if (!(await this.#ctx.catalog.delete('identity', path))) throw notFound(`The identity ${quote(path[2])}`);
    this.#directory.invalidate();
    return { status: 200 };
  }
}

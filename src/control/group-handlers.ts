/**
 * Subscriptions and resource groups: the containers of schedulers. A `default` subscription
 * and group always exist; a container that still holds resources cannot be deleted (unlike
 * `az group delete`, which would delete the schedulers and all their data with it).
 */
import { ServerError } from '../domain/errors.ts';
import { compact } from '../lib/compact.ts';
import type { CatalogWriteOptions } from '../store/catalog.ts';
import { bodyObject, type ControlContext, type ControlRequest, type ControlResponse, DEFAULT_GROUP, DEFAULT_SUBSCRIPTION, ok } from './context.ts';
import { groupJson, subscriptionJson, systemDataFor, type GroupData, type SubscriptionData } from './resources.ts';
import { CONTROL_LIMITS, invalid, validateGroupName, validateLocation, validateSubscriptionName, validateTags } from './validate-resource.ts';

export class GroupHandlers {
  readonly #ctx: ControlContext;

  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  async listSubscriptions(): Promise<ControlResponse> {
    const entries = await this.#ctx.catalog.list<SubscriptionData>('subscription', [], CONTROL_LIMITS.listMax);
    return ok({ value: entries.map(subscriptionJson) });
  }

  async getSubscription({ params }: ControlRequest): Promise<ControlResponse> {
    const entry = await this.#ctx.requireSubscription(params['sub'] as string);
    return ok(subscriptionJson(entry), entry.etag);
  }

  /** Not an ARM operation (Azure subscriptions are made elsewhere); it lets a server host several. */
  putSubscription({ params, body, actor }: ControlRequest): Promise<ControlResponse> {
    const sub = params['sub'] as string;
    validateSubscriptionName(sub);
    const displayName = bodyObject(body)['displayName'] ?? sub;
    if (typeof displayName !== 'string' || displayName.length > 256) throw invalid('displayName must be a string of at most 256 characters');
    return this.#ctx.serial(async () => {
      const existing = await this.#ctx.catalog.get<SubscriptionData>('subscription', [sub]);
      const data: SubscriptionData = { displayName, systemData: systemDataFor(actor, this.#ctx.now(), existing?.data.systemData) };
      const entry = existing === undefined
        ? await this.#ctx.catalog.create('subscription', [sub], data)
        : await this.#ctx.catalog.update('subscription', existing.path, data);
      return ok(subscriptionJson(entry), entry.etag, existing === undefined ? 201 : 200);
    });
  }

  deleteSubscription({ params, ifMatch }: ControlRequest): Promise<ControlResponse> {
    const sub = params['sub'] as string;
    return this.#ctx.serial(async () => {
      if (sub.toLowerCase() === DEFAULT_SUBSCRIPTION) throw new ServerError('CANNOT_DELETE_RESOURCE', 'The default subscription cannot be deleted.');
      const groups = await this.#ctx.catalog.list('resourceGroup', [sub], 1);
      if (groups.length > 0) throw new ServerError('CANNOT_DELETE_RESOURCE', `The subscription '${sub}' still has resource groups; delete them first.`);
      return { status: (await this.#ctx.catalog.delete('subscription', [sub], writeOptions(ifMatch))) ? 200 : 204 };
    });
  }

  async listGroups({ params }: ControlRequest): Promise<ControlResponse> {
    const sub = params['sub'] as string;
    await this.#ctx.requireSubscription(sub);
    const entries = await this.#ctx.catalog.list<GroupData>('resourceGroup', [sub], CONTROL_LIMITS.listMax);
    return ok({ value: entries.map(groupJson) });
  }

  async getGroup({ params }: ControlRequest): Promise<ControlResponse> {
    const entry = await this.#ctx.requireGroup(params['sub'] as string, params['rg'] as string);
    return ok(groupJson(entry), entry.etag);
  }

  putGroup({ params, body, ifMatch, actor }: ControlRequest): Promise<ControlResponse> {
    const sub = params['sub'] as string;
    const rg = params['rg'] as string;
    validateGroupName(rg);
    const fields = bodyObject(body);
    const location = validateLocation(fields['location']);
    const tags = validateTags(fields['tags']);
    return this.#ctx.serial(async () => {
      await this.#ctx.requireSubscription(sub);
      const existing = await this.#ctx.catalog.get<GroupData>('resourceGroup', [sub, rg]);
      if (existing !== undefined && existing.data.location !== location) {
        throw invalid(`The resource group '${rg}' already exists in location '${existing.data.location}'; a group cannot move to '${location}'.`);
      }
      const data: GroupData = { location, tags, systemData: systemDataFor(actor, this.#ctx.now(), existing?.data.systemData) };
      const entry = existing === undefined
        ? await this.#ctx.catalog.create('resourceGroup', [sub, rg], data)
        : await this.#ctx.catalog.update('resourceGroup', existing.path, data, writeOptions(ifMatch));
      return ok(groupJson(entry), entry.etag, existing === undefined ? 201 : 200);
    });
  }

  patchGroup({ params, body, ifMatch, actor }: ControlRequest): Promise<ControlResponse> {
    const fields = bodyObject(body);
    return this.#ctx.serial(async () => {
      const existing = await this.#ctx.requireGroup(params['sub'] as string, params['rg'] as string);
      const tags = fields['tags'] === undefined ? existing.data.tags : validateTags(fields['tags']);
      const data: GroupData = { ...existing.data, tags, systemData: systemDataFor(actor, this.#ctx.now(), existing.data.systemData) };
      const entry = await this.#ctx.catalog.update('resourceGroup', existing.path, data, writeOptions(ifMatch));
      return ok(groupJson(entry), entry.etag);
    });
  }

  deleteGroup({ params, ifMatch }: ControlRequest): Promise<ControlResponse> {
    const sub = params['sub'] as string;
    const rg = params['rg'] as string;
    return this.#ctx.serial(async () => {
      await this.#ctx.requireSubscription(sub);
      const schedulers = await this.#ctx.catalog.list('scheduler', [sub, rg], 1);
      if (schedulers.length > 0 || (sub.toLowerCase() === DEFAULT_SUBSCRIPTION && rg.toLowerCase() === DEFAULT_GROUP)) {
        throw new ServerError('CANNOT_DELETE_RESOURCE', `The resource group '${rg}' still has schedulers; delete them first.`);
      }
      return { status: (await this.#ctx.catalog.delete('resourceGroup', [sub, rg], writeOptions(ifMatch))) ? 200 : 204 };
    });
  }
}

export function writeOptions(ifMatch: string | undefined): CatalogWriteOptions {
  return compact({ ifMatch: ifMatch === '*' ? undefined : ifMatch });
}

/**
 * Schedulers: create or replace (PUT), update (PATCH), get, list by group or subscription, and
 * delete. A new scheduler gets a data-plane port of its own from the configured range, chosen
 * once and stored, so its endpoint stays the same across restarts. The default scheduler
 * serves the main gRPC port and cannot be deleted.
 */
import { ServerError } from '../domain/errors.ts';
import type { CatalogEntry } from '../store/catalog.ts';
import {
  bodyObject, isDefaultScheduler, ok, propertiesOf, type ControlContext, type ControlRequest, type ControlResponse,
} from './context.ts';
import { writeOptions } from './group-handlers.ts';
import { schedulerJson, systemDataFor, type Actor, type SchedulerData } from './resources.ts';
import {
  CONTROL_LIMITS, invalid, validateIpAllowlist, validateLocation, validateResourceName, validateSku, validateTags,
} from './validate-resource.ts';

export class SchedulerHandlers {
  readonly #ctx: ControlContext;

  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  async get({ params }: ControlRequest): Promise<ControlResponse> {
    const entry = await this.#ctx.requireScheduler(p(params, 'sub'), p(params, 'rg'), p(params, 'scheduler'));
    return ok(this.#json(entry), entry.etag);
  }

  async listByGroup({ params }: ControlRequest): Promise<ControlResponse> {
    await this.#ctx.requireGroup(p(params, 'sub'), p(params, 'rg'));
    return this.#list([p(params, 'sub'), p(params, 'rg')]);
  }

  async listBySubscription({ params }: ControlRequest): Promise<ControlResponse> {
    await this.#ctx.requireSubscription(p(params, 'sub'));
    return this.#list([p(params, 'sub')]);
  }

  put({ params, body, ifMatch, actor }: ControlRequest): Promise<ControlResponse> {
    const path = [p(params, 'sub'), p(params, 'rg'), p(params, 'scheduler')];
    validateResourceName(path[2] as string, 'scheduler');
    const fields = bodyObject(body);
    const properties = propertiesOf(fields);
    const location = validateLocation(fields['location']);
    const settings = { tags: validateTags(fields['tags']), ipAllowlist: validateIpAllowlist(properties['ipAllowlist']), sku: validateSku(properties['sku']) };
    return this.#ctx.serial(async () => {
      await this.#ctx.requireGroup(path[0] as string, path[1] as string);
      const existing = await this.#ctx.catalog.get<SchedulerData>('scheduler', path);
      if (existing === undefined) return this.#create(path, { location, ...settings }, actor);
      if (existing.data.location !== location) throw invalid(`The scheduler '${path[2]}' is in location '${existing.data.location}' and cannot move to '${location}'.`);
      return this.#replace(existing, { ...existing.data, ...settings }, ifMatch, actor);
    });
  }

  patch({ params, body, ifMatch, actor }: ControlRequest): Promise<ControlResponse> {
    const fields = bodyObject(body);
    const properties = propertiesOf(fields);
    return this.#ctx.serial(async () => {
      const existing = await this.#ctx.requireScheduler(p(params, 'sub'), p(params, 'rg'), p(params, 'scheduler'));
      const sku = bodyObject(properties['sku']);
      const data: SchedulerData = {
        ...existing.data,
        tags: fields['tags'] === undefined ? existing.data.tags : validateTags(fields['tags']),
        ipAllowlist: properties['ipAllowlist'] === undefined ? existing.data.ipAllowlist : validateIpAllowlist(properties['ipAllowlist']),
        // A new SKU name without a capacity takes none: Consumption has none, Dedicated must say.
        sku: properties['sku'] === undefined ? existing.data.sku : validateSku({ ...(sku['name'] === undefined ? existing.data.sku : {}), ...sku }),
      };
      return this.#replace(existing, data, ifMatch, actor);
    });
  }

  delete({ params, ifMatch }: ControlRequest): Promise<ControlResponse> {
    const path = [p(params, 'sub'), p(params, 'rg'), p(params, 'scheduler')];
    return this.#ctx.serial(async () => {
      await this.#ctx.requireGroup(path[0] as string, path[1] as string);
      const existing = await this.#ctx.catalog.get<SchedulerData>('scheduler', path);
      if (existing === undefined) return { status: 204 };
      if (isDefaultScheduler(path)) throw new ServerError('CANNOT_DELETE_RESOURCE', 'The default scheduler serves the main gRPC port and cannot be deleted.');
      const hubs = await this.#ctx.catalog.list('taskHub', existing.path, CONTROL_LIMITS.listMax);
      if (hubs.length > 0) {
        const names = hubs.map((hub) => hub.path[3]).join(', ');
        throw new ServerError('CANNOT_DELETE_RESOURCE', `Cannot delete scheduler '${existing.path[2]}': it still has task hubs (${names}); delete them first.`);
      }
      await this.#ctx.catalog.delete('scheduler', existing.path, writeOptions(ifMatch));
      await this.#ctx.catalog.delete('retentionPolicy', [...existing.path, 'default']);
      const schedulerKey = this.#ctx.schedulerKeyOf(existing.path) as string;
      await this.#ctx.deps.endpoints.close(schedulerKey);
      this.#ctx.boundPorts.delete(schedulerKey);
      this.#ctx.deps.log.info(`scheduler '${existing.path[2]}' deleted`, { scheduler: existing.path.join('/') });
      return { status: 200 };
    });
  }

  async #list(prefix: string[]): Promise<ControlResponse> {
    const entries = await this.#ctx.catalog.list<SchedulerData>('scheduler', prefix, CONTROL_LIMITS.listMax);
    return ok({ value: entries.map((entry) => this.#json(entry)) });
  }

  async #create(path: string[], settings: Omit<SchedulerData, 'port' | 'systemData'>, actor: Actor): Promise<ControlResponse> {
    const schedulerKey = this.#ctx.schedulerKeyOf(path) as string;
    const port = await this.#openPort(schedulerKey);
    const data: SchedulerData = { ...settings, port, systemData: systemDataFor(actor, this.#ctx.now()) };
    try {
      const entry = await this.#ctx.catalog.create('scheduler', path, data);
      this.#ctx.deps.log.info(`scheduler '${entry.path[2]}' created`, { scheduler: entry.path.join('/'), port: this.#ctx.boundPorts.get(schedulerKey) ?? port });
      return ok(this.#json(entry), entry.etag, 201);
    } catch (error) {
      await this.#ctx.deps.endpoints.close(schedulerKey);
      this.#ctx.boundPorts.delete(schedulerKey);
      throw error;
    }
  }

  async #replace(existing: CatalogEntry<SchedulerData>, data: SchedulerData, ifMatch: string | undefined, actor: Actor): Promise<ControlResponse> {
    const next = { ...data, systemData: systemDataFor(actor, this.#ctx.now(), existing.data.systemData) };
    const entry = await this.#ctx.catalog.update('scheduler', existing.path, next, writeOptions(ifMatch));
    return ok(this.#json(entry), entry.etag);
  }

  /** Opens the scheduler's listener on the first free port of the range; the port to store. */
  async #openPort(schedulerKey: string): Promise<number> {
    const ranges = this.#ctx.options.schedulerPorts;
    if (ranges === 'ephemeral') {
      this.#ctx.boundPorts.set(schedulerKey, await this.#ctx.deps.endpoints.open(schedulerKey, 0));
      return 0;
    }
    const schedulers = await this.#ctx.catalog.list<SchedulerData>('scheduler', [], CONTROL_LIMITS.listMax);
    const taken = new Set([this.#ctx.options.grpcPort, this.#ctx.options.httpPort, ...schedulers.map((s) => s.data.port)]);
    for (let port = ranges.first; port <= ranges.last; port++) {
      if (taken.has(port)) continue;
      try {
        this.#ctx.boundPorts.set(schedulerKey, await this.#ctx.deps.endpoints.open(schedulerKey, port));
        return port;
      } catch (error) {
        this.#ctx.deps.log.warn(`scheduler port ${port} could not be bound; trying the next one`, { err: error });
      }
    }
    throw new ServerError('RESOURCE_EXHAUSTED', `No data-plane port is left in the scheduler port range ${ranges.first}-${ranges.last}; delete a scheduler or widen --scheduler-ports.`);
  }

  #json(entry: CatalogEntry<SchedulerData>): object {
    return schedulerJson(entry, this.#ctx.endpointOf(entry));
  }
}

function p(params: Readonly<Record<string, string>>, name: string): string {
  return params[name] as string;
}

/**
 * Task hubs and retention policies, the children of a scheduler. Creating a task hub makes it
 * live on the data plane at once; deleting it deletes all its data. The data-plane hub is
 * created before the catalog entry and deleted before it, so a crash in between leaves a
 * catalog entry whose hub the next start re-creates (bootstrap.ts), never orphaned data.
 * Hubs made or removed through the data plane (CreateTaskHub, DeleteTaskHub, dynamic hubs) come
 * here too (`catalog()`, the engine's `TaskHubCatalog`), under the same rules.
 */
import { ServerError } from '../domain/errors.ts';
import { qualifiedHubName, type SchedulerKey } from '../engine/scheduler-key.ts';
import type { TaskHubCatalog } from '../engine/task-hubs.ts';
import type { CatalogEntry } from '../store/catalog.ts';
import { ANONYMOUS, bodyObject, DEFAULT_SCHEDULER_PATH, ok, propertiesOf, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import { writeOptions } from './group-handlers.ts';
import { retentionJson, systemDataFor, taskHubJson, type RetentionData, type TaskHubData } from './resources.ts';
import { CONTROL_LIMITS, invalid, validateResourceName, validateRetentionRules, type RetentionRule } from './validate-resource.ts';

export class TaskHubHandlers {
  readonly #ctx: ControlContext;

  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  async get({ params }: ControlRequest): Promise<ControlResponse> {
    const scheduler = await this.#scheduler(params);
    const entry = await this.#ctx.catalog.get<TaskHubData>('taskHub', [...scheduler.path, params['hub'] as string]);
    if (entry === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `The task hub '${params['hub']}' of scheduler '${scheduler.path[2]}' could not be found.`);
    return ok(this.#json(entry), entry.etag);
  }

  async list({ params }: ControlRequest): Promise<ControlResponse> {
    const scheduler = await this.#scheduler(params);
    const entries = await this.#ctx.catalog.list<TaskHubData>('taskHub', scheduler.path, CONTROL_LIMITS.listMax);
    return ok({ value: entries.map((entry) => this.#json(entry)) });
  }

  put({ params, body, actor }: ControlRequest): Promise<ControlResponse> {
    const name = params['hub'] as string;
    validateResourceName(name, 'task hub');
    bodyObject(body);
    return this.#ctx.serial(async () => {
      const scheduler = await this.#scheduler(params);
      const path = [...scheduler.path, name];
      const existing = await this.#ctx.catalog.get<TaskHubData>('taskHub', path);
      const data: TaskHubData = { systemData: systemDataFor(actor, this.#ctx.now(), existing?.data.systemData) };
      if (existing !== undefined) {
        const entry = await this.#ctx.catalog.update('taskHub', existing.path, data);
        return ok(this.#json(entry), entry.etag);
      }
      const entry = await this.#create(scheduler, name, data);
      return ok(this.#json(entry), entry.etag, 201);
    });
  }

  /** What the data plane's requests go through; `schedulerKey` names the scheduler (engine/scheduler-key.ts). */
  catalog(): TaskHubCatalog {
    return {
      create: (name, schedulerKey) => this.#ctx.serial(async () => {
        const scheduler = await this.#schedulerOf(schedulerKey);
        const existing = await this.#ctx.catalog.get('taskHub', [...scheduler.path, name]);
        if (existing !== undefined) {
          // The name as the catalog keeps it: catalog names compare case-insensitively, hub names do not.
          await this.#ctx.deps.engine.taskHubs.create(existing.path[3] as string, schedulerKey);
          return;
        }
        validateResourceName(name, 'task hub');
        await this.#create(scheduler, name, { systemData: systemDataFor(ANONYMOUS, this.#ctx.now()) });
      }),
      delete: (name, schedulerKey) => this.#ctx.serial(async () => {
        const scheduler = await this.#schedulerOf(schedulerKey);
        await this.#ctx.deps.engine.taskHubs.delete(qualifiedHubName(schedulerKey, name));
        if (await this.#ctx.catalog.delete('taskHub', [...scheduler.path, name])) this.#logged('deleted', [...scheduler.path, name]);
      }),
    };
  }

  async #create(scheduler: CatalogEntry<unknown>, name: string, data: TaskHubData): Promise<CatalogEntry<TaskHubData>> {
    const count = (await this.#ctx.catalog.list('taskHub', scheduler.path, CONTROL_LIMITS.taskHubsPerSchedulerMax)).length;
    if (count >= CONTROL_LIMITS.taskHubsPerSchedulerMax) {
      throw new ServerError('RESOURCE_EXHAUSTED', `The scheduler '${scheduler.path[2]}' has ${count} task hubs, the most one scheduler may have.`);
    }
    await this.#ctx.deps.engine.taskHubs.create(name, this.#ctx.schedulerKeyOf(scheduler.path));
    const entry = await this.#ctx.catalog.create('taskHub', [...scheduler.path, name], data);
    this.#logged('created', entry.path);
    return entry;
  }

  #logged(what: 'created' | 'deleted', path: readonly string[]): void {
    this.#ctx.deps.log.info(`task hub '${path[3]}' of scheduler '${path[2]}' ${what}`, { taskHub: path.join('/') });
  }

  /** The scheduler of a scheduler key (its lower-cased path; catalog names compare case-insensitively). */
  async #schedulerOf(schedulerKey: SchedulerKey): Promise<CatalogEntry<unknown>> {
    const path = schedulerKey === undefined ? DEFAULT_SCHEDULER_PATH : schedulerKey.split('/');
    const scheduler = await this.#ctx.catalog.get('scheduler', path);
    if (scheduler === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `The scheduler '${path[2]}' could not be found.`);
    return scheduler;
  }

  delete({ params, ifMatch }: ControlRequest): Promise<ControlResponse> {
    return this.#ctx.serial(async () => {
      const scheduler = await this.#scheduler(params);
      const existing = await this.#ctx.catalog.get<TaskHubData>('taskHub', [...scheduler.path, params['hub'] as string]);
      if (existing === undefined) return { status: 204 };
      if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing.etag) {
        throw new ServerError('PRECONDITION_FAILED', `The task hub '${existing.path[3]}' has changed (its etag is not ${ifMatch}).`);
      }
      await this.#ctx.deps.engine.taskHubs.delete(qualifiedHubName(this.#ctx.schedulerKeyOf(scheduler.path), existing.path[3] as string));
      await this.#ctx.catalog.delete('taskHub', existing.path);
      this.#logged('deleted', existing.path);
      return { status: 200 };
    });
  }

  async getRetention({ params }: ControlRequest): Promise<ControlResponse> {
    const entry = await this.#retention(params);
    if (entry === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `The scheduler '${params['scheduler']}' has no retention policy.`);
    return ok(retentionJson(entry), entry.etag);
  }

  async listRetention({ params }: ControlRequest): Promise<ControlResponse> {
    const entry = await this.#retention({ ...params, policy: 'default' });
    return ok({ value: entry === undefined ? [] : [retentionJson(entry)] });
  }

  /** PUT replaces the rules; PATCH merges them by orchestration state. */
  putRetention(request: ControlRequest, merge = false): Promise<ControlResponse> {
    const rules = validateRetentionRules(propertiesOf(bodyObject(request.body))['retentionPolicies']);
    return this.#ctx.serial(async () => {
      const existing = await this.#retention(request.params);
      if (merge && existing === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `The scheduler '${request.params['scheduler']}' has no retention policy to update.`);
      const scheduler = await this.#scheduler(request.params);
      const data: RetentionData = {
        rules: merge && existing !== undefined ? mergeRules(existing.data.rules, rules) : rules,
        systemData: systemDataFor(request.actor, this.#ctx.now(), existing?.data.systemData),
      };
      const entry = existing === undefined
        ? await this.#ctx.catalog.create('retentionPolicy', [...scheduler.path, 'default'], data)
        : await this.#ctx.catalog.update('retentionPolicy', existing.path, data, writeOptions(request.ifMatch));
      return ok(retentionJson(entry), entry.etag, existing === undefined ? 201 : 200);
    });
  }

  deleteRetention({ params, ifMatch }: ControlRequest): Promise<ControlResponse> {
    return this.#ctx.serial(async () => {
      const scheduler = await this.#scheduler(params);
      policyName(params);
      const deleted = await this.#ctx.catalog.delete('retentionPolicy', [...scheduler.path, 'default'], writeOptions(ifMatch));
      return { status: deleted ? 200 : 204 };
    });
  }

  async #retention(params: Readonly<Record<string, string>>): Promise<CatalogEntry<RetentionData> | undefined> {
    const scheduler = await this.#scheduler(params);
    policyName(params);
    return this.#ctx.catalog.get<RetentionData>('retentionPolicy', [...scheduler.path, 'default']);
  }

  #scheduler(params: Readonly<Record<string, string>>) {
    return this.#ctx.requireScheduler(params['sub'] as string, params['rg'] as string, params['scheduler'] as string);
  }

  #json(entry: CatalogEntry<TaskHubData>): object {
    return taskHubJson(entry, this.#ctx.dashboardUrlOf(entry.path));
  }
}

/** A scheduler has one retention policy, named `default`. */
function policyName(params: Readonly<Record<string, string>>): void {
  const name = params['policy'];
  if (name !== undefined && name.toLowerCase() !== 'default') throw invalid(`retention policy name '${name}' is invalid: a scheduler has one policy, named 'default'`);
}

function mergeRules(old: RetentionRule[], changes: RetentionRule[]): RetentionRule[] {
  const byState = new Map(old.map((rule) => [rule.orchestrationState ?? '', rule]));
  for (const rule of changes) byState.set(rule.orchestrationState ?? '', rule);
  return [...byState.values()];
}

/**
 * Start-up of the control plane: the default subscription, group, scheduler and the hubs of the
 * default scheduler exist; catalog and data plane agree about which task hubs exist; every
 * further scheduler's data-plane listener is open again on its stored port.
 */
import { isServerError } from '../domain/errors.ts';
import { splitHubName } from '../engine/scheduler-key.ts';
import type { CatalogKind, CatalogStore } from '../store/catalog.ts';
import { ANONYMOUS, DEFAULT_GROUP, DEFAULT_SCHEDULER_PATH, DEFAULT_SUBSCRIPTION, type ControlContext } from './context.ts';
import { systemDataFor, type GroupData, type SchedulerData, type SubscriptionData, type TaskHubData } from './resources.ts';
import { CONTROL_LIMITS } from './validate-resource.ts';

export async function bootstrapControlPlane(ctx: ControlContext): Promise<void> {
  await ensureDefaults(ctx);
  const schedulers = await ctx.catalog.list<SchedulerData>('scheduler', [], CONTROL_LIMITS.listMax);
  const byKey = new Map(schedulers.map((s) => [ctx.schedulerKeyOf(s.path) ?? '', s]));
  await adoptDataPlaneHubs(ctx, byKey);
  await ensureDataPlaneHubs(ctx);
  for (const scheduler of schedulers) {
    const schedulerKey = ctx.schedulerKeyOf(scheduler.path);
    if (schedulerKey === undefined) continue;
    try {
      ctx.boundPorts.set(schedulerKey, await ctx.deps.endpoints.open(schedulerKey, scheduler.data.port));
    } catch (error) {
      ctx.deps.log.error(`scheduler '${scheduler.path.join('/')}' cannot listen on its port ${scheduler.data.port}; its data plane is down`, { err: error });
    }
  }
}

async function ensureDefaults(ctx: ControlContext): Promise<void> {
  const systemData = systemDataFor(ANONYMOUS, ctx.now());
  const { catalog } = ctx;
  await createIfMissing<SubscriptionData>(catalog, 'subscription', [DEFAULT_SUBSCRIPTION], { displayName: 'Default', systemData });
  await createIfMissing<GroupData>(catalog, 'resourceGroup', [DEFAULT_SUBSCRIPTION, DEFAULT_GROUP], { location: 'local', tags: {}, systemData });
  await createIfMissing<SchedulerData>(catalog, 'scheduler', DEFAULT_SCHEDULER_PATH, {
    location: 'local',
    tags: {},
    ipAllowlist: ['0.0.0.0/0', '::/0'],
    sku: { name: 'Dedicated', capacity: 1 },
    port: 0,
    systemData,
  });
}

/** Several nodes may start at once on one database: whoever creates an entry first wins. */
async function createIfMissing<T>(catalog: CatalogStore, kind: CatalogKind, path: readonly string[], data: T): Promise<void> {
  if ((await catalog.get(kind, path)) !== undefined) return;
  try {
    await catalog.create<T>(kind, path, data);
  } catch (error) {
    if (!isServerError(error, 'ALREADY_EXISTS')) throw error;
  }
}

/**
 * Data-plane hubs without a catalog entry get one: hubs of `--task-hubs` and dynamic hubs of the
 * default scheduler, and hubs a crash left between the two writes of a create.
 */
async function adoptDataPlaneHubs(ctx: ControlContext, byKey: Map<string, { path: readonly string[] }>): Promise<void> {
  for (const name of ctx.deps.engine.taskHubs.list()) {
    const { schedulerKey, hub } = splitHubName(name);
    const scheduler = byKey.get(schedulerKey ?? '');
    if (scheduler === undefined) {
      ctx.deps.log.warn(`data-plane task hub '${name}' belongs to no scheduler; it is left alone and unreachable`);
      continue;
    }
    const path = [...scheduler.path, hub];
    await createIfMissing<TaskHubData>(ctx.catalog, 'taskHub', path, { systemData: systemDataFor(ANONYMOUS, ctx.now()) });
  }
}

/** Catalog task hubs whose data-plane hub is missing (a crash during a delete) are re-created. */
async function ensureDataPlaneHubs(ctx: ControlContext): Promise<void> {
  const hubs = await ctx.catalog.list<TaskHubData>('taskHub', [], CONTROL_LIMITS.listMax * CONTROL_LIMITS.taskHubsPerSchedulerMax);
  for (const hub of hubs) {
    const schedulerKey = ctx.schedulerKeyOf(hub.path);
    const name = hub.path[3] as string;
    if (!ctx.deps.engine.taskHubs.has(name, schedulerKey)) await ctx.deps.engine.taskHubs.create(name, schedulerKey);
  }
}

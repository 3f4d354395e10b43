/**
 * Start-up of the control plane: the default subscription, group, scheduler and the hubs of the
 * default scheduler exist; catalog and data plane agree about which task hubs exist; every
 * further scheduler's data-plane listener is open again on its stored port.
 */
import { splitHubName } from '../engine/scheduler-scope.ts';
import { ANONYMOUS, DEFAULT_GROUP, DEFAULT_SCHEDULER_PATH, DEFAULT_SUBSCRIPTION, type ControlContext } from './context.ts';
import { systemDataFor, type GroupData, type SchedulerData, type SubscriptionData, type TaskHubData } from './resources.ts';
import { CONTROL_LIMITS } from './validate-resource.ts';

export async function bootstrapControlPlane(ctx: ControlContext): Promise<void> {
  await ensureDefaults(ctx);
  const schedulers = await ctx.catalog.list<SchedulerData>('scheduler', [], CONTROL_LIMITS.listMax);
  const byScope = new Map(schedulers.map((s) => [ctx.scopeOf(s.path) ?? '', s]));
  await adoptDataPlaneHubs(ctx, byScope);
  await ensureDataPlaneHubs(ctx);
  for (const scheduler of schedulers) {
    const scope = ctx.scopeOf(scheduler.path);
    if (scope === undefined) continue;
    try {
      ctx.boundPorts.set(scope, await ctx.deps.endpoints.open(scope, scheduler.data.port));
    } catch (error) {
      ctx.deps.log(`scheduler '${scheduler.path.join('/')}' cannot listen on its port ${scheduler.data.port}; its data plane is down`, error);
    }
  }
}

async function ensureDefaults(ctx: ControlContext): Promise<void> {
  const systemData = systemDataFor(ANONYMOUS, ctx.now());
  const { catalog } = ctx;
  if ((await catalog.get('subscription', [DEFAULT_SUBSCRIPTION])) === undefined) {
    await catalog.create<SubscriptionData>('subscription', [DEFAULT_SUBSCRIPTION], { displayName: 'Default', systemData });
  }
  if ((await catalog.get('resourceGroup', [DEFAULT_SUBSCRIPTION, DEFAULT_GROUP])) === undefined) {
    await catalog.create<GroupData>('resourceGroup', [DEFAULT_SUBSCRIPTION, DEFAULT_GROUP], { location: 'local', tags: {}, systemData });
  }
  if ((await catalog.get('scheduler', DEFAULT_SCHEDULER_PATH)) === undefined) {
    await catalog.create<SchedulerData>('scheduler', DEFAULT_SCHEDULER_PATH, {
      location: 'local',
      tags: {},
      ipAllowlist: ['0.0.0.0/0', '::/0'],
      sku: { name: 'Dedicated', capacity: 1 },
      port: 0,
      systemData,
    });
  }
}

/**
 * Data-plane hubs without a catalog entry get one: hubs of `--task-hubs` and dynamic hubs of the
 * default scheduler, and hubs a crash left between the two writes of a create.
 */
async function adoptDataPlaneHubs(ctx: ControlContext, byScope: Map<string, { path: readonly string[] }>): Promise<void> {
  for (const name of ctx.deps.engine.taskHubs.list()) {
    const { scope, hub } = splitHubName(name);
    const scheduler = byScope.get(scope ?? '');
    if (scheduler === undefined) {
      ctx.deps.log(`data-plane task hub '${name}' belongs to no scheduler; it is left alone and unreachable`);
      continue;
    }
    const path = [...scheduler.path, hub];
    if ((await ctx.catalog.get('taskHub', path)) === undefined) {
      await ctx.catalog.create<TaskHubData>('taskHub', path, { systemData: systemDataFor(ANONYMOUS, ctx.now()) });
    }
  }
}

/** Catalog task hubs whose data-plane hub is missing (a crash during a delete) are re-created. */
async function ensureDataPlaneHubs(ctx: ControlContext): Promise<void> {
  const hubs = await ctx.catalog.list<TaskHubData>('taskHub', [], CONTROL_LIMITS.listMax * CONTROL_LIMITS.taskHubsPerSchedulerMax);
  for (const hub of hubs) {
    const scope = ctx.scopeOf(hub.path);
    const name = hub.path[3] as string;
    if (!ctx.deps.engine.taskHubs.has(name, scope)) await ctx.deps.engine.taskHubs.create(name, scope);
  }
}

/**
 * The control plane as one object for the composition root: it bootstraps the catalog, serves
 * the REST API, and tells the retention job which task hubs keep terminal instances how long.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TaskHubName } from '../domain/instance.ts';
import type { RetentionTarget } from '../engine/retention.ts';
import { scopedHubName } from '../engine/scheduler-scope.ts';
import type { TaskHubCatalog } from '../engine/task-hubs.ts';
import { bootstrapControlPlane } from './bootstrap.ts';
import { ControlContext, type ControlDeps, type ControlOptions } from './context.ts';
import { GroupOperations } from './group-operations.ts';
import { handleControlRequest, isControlPath } from './http-api.ts';
import type { RetentionData } from './resources.ts';
import { ControlRouter } from './router.ts';
import { SchedulerOperations } from './scheduler-operations.ts';
import { TaskHubOperations } from './taskhub-operations.ts';
import { CONTROL_LIMITS } from './validate-resource.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const STATUS_OF = { Completed: 'COMPLETED', Failed: 'FAILED', Terminated: 'TERMINATED', Canceled: 'CANCELED' } as const;

export class ControlPlane {
  readonly #ctx: ControlContext;
  readonly #router: ControlRouter;
  /** The catalog of task hubs as the data plane's requests reach it (engine/task-hubs.ts). */
  readonly taskHubCatalog: TaskHubCatalog;

  constructor(deps: ControlDeps, options: ControlOptions) {
    this.#ctx = new ControlContext(deps, options);
    const taskHubs = new TaskHubOperations(this.#ctx);
    this.taskHubCatalog = taskHubs.catalog();
    this.#router = new ControlRouter({
      groups: new GroupOperations(this.#ctx),
      schedulers: new SchedulerOperations(this.#ctx),
      taskHubs,
    });
  }

  /** Creates the defaults, reconciles catalog and data plane, opens the schedulers' listeners. */
  start(): Promise<void> {
    return this.#ctx.serial(() => bootstrapControlPlane(this.#ctx));
  }

  /** True when the request was a control-plane request (and is being answered). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (!isControlPath(req.url)) return false;
    void handleControlRequest(this.#router, req, res, this.#ctx.deps.log);
    return true;
  }

  /** Per task hub of every scheduler with a retention policy: how long each terminal status is kept. */
  async retentionTargets(): Promise<RetentionTarget[]> {
    const { catalog } = this.#ctx;
    const policies = await catalog.list<RetentionData>('retentionPolicy', [], CONTROL_LIMITS.listMax);
    const targets: RetentionTarget[] = [];
    for (const policy of policies) {
      const schedulerPath = policy.path.slice(0, 3);
      const scope = this.#ctx.scopeOf(schedulerPath);
      const keepMs: RetentionTarget['keepMs'] = {};
      const fallback = policy.data.rules.find((rule) => rule.orchestrationState === undefined);
      for (const [state, status] of Object.entries(STATUS_OF)) {
        const rule = policy.data.rules.find((r) => r.orchestrationState === state) ?? fallback;
        if (rule !== undefined) keepMs[status] = rule.retentionPeriodInDays * DAY_MS;
      }
      for (const hub of await catalog.list('taskHub', schedulerPath, CONTROL_LIMITS.taskHubsPerSchedulerMax)) {
        targets.push({ hub: scopedHubName(scope, hub.path[3] as string) as TaskHubName, keepMs });
      }
    }
    return targets;
  }
}

/**
 * The control plane as one object for the composition root: it bootstraps the catalog, declares
 * the routes of every control-plane resource (schedulers and their children, users,
 * identities, apps, role assignments) and of the token service, and tells the retention job
 * which task hubs keep terminal instances how long.
 */
import type { Directory } from '../auth/directory.ts';
import type { Passwords } from '../auth/passwords.ts';
import { SignIn } from '../auth/sign-in.ts';
import type { SignInThrottle } from '../auth/sign-in-throttle.ts';
import type { SigningKeys } from '../auth/signing-keys.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { RetentionTarget } from '../engine/retention.ts';
import { qualifiedHubName } from '../engine/scheduler-key.ts';
import type { TaskHubCatalog } from '../engine/task-hubs.ts';
import { AppHandlers } from './app-handlers.ts';
import { userSource } from './auth-sources.ts';
import { bootstrapControlPlane } from './bootstrap.ts';
import { ControlContext, type ControlDeps, type ControlOptions } from './context.ts';
import type { ControlRoute } from './control-http.ts';
import { GroupHandlers } from './group-handlers.ts';
import { IdentityHandlers } from './identity-handlers.ts';
import { principalRoutes } from './principal-routes.ts';
import { resourceRoutes } from './resource-routes.ts';
import type { RetentionData } from './resources.ts';
import { RoleAssignmentHandlers } from './role-assignment-handlers.ts';
import { SchedulerHandlers } from './scheduler-handlers.ts';
import { TaskHubHandlers } from './taskhub-handlers.ts';
import { tokenRoutes } from './token-routes.ts';
import { UserHandlers } from './user-handlers.ts';
import { CONTROL_LIMITS } from './validate-resource.ts';
import type { Logger } from '../lib/logger.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const STATUS_OF = { Completed: 'COMPLETED', Failed: 'FAILED', Terminated: 'TERMINATED', Canceled: 'CANCELED' } as const;

/** The access read model the identity resources keep current, the token service, and how passwords are kept and checked. */
export interface IdentityDeps {
  directory: Directory;
  tokens: TokenService;
  keys: SigningKeys;
  passwords: Passwords;
  throttle: SignInThrottle;
}

export class ControlPlane {
  readonly #ctx: ControlContext;
  readonly users: UserHandlers;
  readonly assignments: RoleAssignmentHandlers;
  readonly routes: readonly ControlRoute[];
  /** The catalog of task hubs as the data plane's requests reach it (engine/task-hubs.ts). */
  readonly taskHubCatalog: TaskHubCatalog;

  constructor(deps: ControlDeps, options: ControlOptions, identity: IdentityDeps) {
    const ctx = (this.#ctx = new ControlContext(deps, options));
    const taskHubs = new TaskHubHandlers(ctx);
    this.taskHubCatalog = taskHubs.catalog();
    this.users = new UserHandlers(ctx, identity.directory, identity.passwords);
    this.assignments = new RoleAssignmentHandlers(ctx, identity.directory);
    this.routes = [
      ...resourceRoutes({ groups: new GroupHandlers(ctx), schedulers: new SchedulerHandlers(ctx), taskHubs }),
      ...principalRoutes({ users: this.users, identities: new IdentityHandlers(ctx, identity.directory), apps: new AppHandlers(ctx, identity.directory), assignments: this.assignments }),
      ...tokenRoutes({ ctx, tokens: identity.tokens, keys: identity.keys, signIn: this.#signIn(identity, deps.log) }),
    ];
  }

  #signIn({ tokens, throttle, passwords }: IdentityDeps, log: Logger): SignIn {
    const ctx = this.#ctx;
    return new SignIn({ findUser: userSource(ctx.catalog), tokens, throttle, verifyPassword: (password, stored) => passwords.verify(password, stored), changePassword: (user, password) => this.users.changePassword(user, password), now: () => ctx.now(), log });
  }

  /** Creates the defaults, reconciles catalog and data plane, opens the schedulers' listeners. */
  start(): Promise<void> {
    return this.#ctx.serial(() => bootstrapControlPlane(this.#ctx));
  }

  /** Per task hub of every scheduler with a retention policy: how long each terminal status is kept. */
  async retentionTargets(): Promise<RetentionTarget[]> {
    const { catalog } = this.#ctx;
    const policies = await catalog.list<RetentionData>('retentionPolicy', [], CONTROL_LIMITS.listMax);
    const targets: RetentionTarget[] = [];
    for (const policy of policies) {
      const schedulerPath = policy.path.slice(0, 3);
      const schedulerKey = this.#ctx.schedulerKeyOf(schedulerPath);
      const keepMs: RetentionTarget['keepMs'] = {};
      const fallback = policy.data.rules.find((rule) => rule.orchestrationState === undefined);
      for (const [state, status] of Object.entries(STATUS_OF)) {
        const rule = policy.data.rules.find((r) => r.orchestrationState === state) ?? fallback;
        if (rule !== undefined) keepMs[status] = rule.retentionPeriodInDays * DAY_MS;
      }
      for (const hub of await catalog.list('taskHub', schedulerPath, CONTROL_LIMITS.taskHubsPerSchedulerMax)) {
        targets.push({ hub: qualifiedHubName(schedulerKey, hub.path[3] as string) as TaskHubName, keepMs });
      }
    }
    return targets;
  }
}

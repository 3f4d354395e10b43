/**
 * The catalogue driver for `@microsoft/durabletask-js` (protocol: test/sdk/README.md). Usage:
 * node --import tsx driver.ts --endpoint 127.0.0.1:<port> --taskhub <hub> --variant plain
 * The worker registers every function of js-shared/functions.ts and the entities; the
 * scenarios are js-shared's. The `taskhub` header is sent only for a hub other than `default`.
 */
import * as grpc from "@grpc/grpc-js";
import {
  EntityInstanceId,
  RetryPolicy,
  TaskFailedError,
  TaskHubGrpcClient,
  TaskHubGrpcWorker,
  whenAll,
  whenAny,
  type Logger,
  type OrchestrationContext,
  type WorkItemFilters,
} from "@microsoft/durabletask-js";
import { parseDriverArgs, runCommandLoop, type DriverArgs } from "../js-shared/command-loop.ts";
import { entityScenarios } from "../js-shared/entity-scenarios.ts";
import { registerFunctions, type OrchestrationCtx, type OrchestrationSdk, type TaskLike, type WorkerBehaviour } from "../js-shared/functions.ts";
import { scenarios, type FilteredWorkerSpec } from "../js-shared/scenarios.ts";
import { scenarioClient } from "./client.ts";
import { registerEntities } from "./entities.ts";

const sdkName = "@microsoft/durabletask-js";

/** The SDK's info and debug lines are dropped; warnings and errors go to stderr. */
const logger: Logger = {
  error: (message, ...args) => console.error(`[sdk error] ${message}`, ...args),
  warn: (message, ...args) => console.error(`[sdk warn] ${message}`, ...args),
  info: () => {},
  debug: () => {},
};

const ms = (ctx: OrchestrationCtx): OrchestrationContext => ctx as unknown as OrchestrationContext;
const task = (t: unknown): TaskLike => t as TaskLike;

const orchestrationSdk: OrchestrationSdk = {
  whenAll: (tasks) => task(whenAll(tasks as never)),
  whenAny: (tasks) => task(whenAny(tasks as never)),
  callSubOrchestrator: (ctx, name, input, instanceId) => task(ms(ctx).callSubOrchestrator(name, input, instanceId === undefined ? {} : { instanceId })),
  setCustomStatus: (ctx, value) => ms(ctx).setCustomStatus(value),
  failureOf: (err) => (err instanceof TaskFailedError ? { errorType: err.details.errorType, message: err.details.message } : { errorType: (err as Error).name, message: (err as Error).message }),
  callActivityWithRetry: (ctx, name, input, r) =>
    task(ms(ctx).callActivity(name, input, { retry: new RetryPolicy({ maxNumberOfAttempts: r.maxAttempts, firstRetryIntervalInMilliseconds: r.firstRetryIntervalMs, backoffCoefficient: 1 }) })),
  sendEvent: (ctx, instanceId, name, data) => ms(ctx).sendEvent(instanceId, name, data),
  entities: {
    call: (ctx, entity, key, operation, input) => task(ms(ctx).entities.callEntity(new EntityInstanceId(entity, key), operation, input)),
    signal: (ctx, entity, key, operation, input) => ms(ctx).entities.signalEntity(new EntityInstanceId(entity, key), operation, input),
    lock: (ctx, entity, keys) => task(ms(ctx).entities.lockEntities(...keys.map((k) => new EntityInstanceId(entity, k)))),
    release: (lock) => (lock as { release(): void }).release(),
  },
};

function metadataFor(args: DriverArgs): { metadataGenerator?: () => Promise<grpc.Metadata> } {
  if (args.taskHub === "default") return {};
  return {
    metadataGenerator: async () => {
      const md = new grpc.Metadata();
      md.set("taskhub", args.taskHub);
      return md;
    },
  };
}

async function startWorker(args: DriverArgs, behaviour: WorkerBehaviour, filters?: WorkItemFilters): Promise<TaskHubGrpcWorker> {
  const worker = new TaskHubGrpcWorker({
    hostAddress: args.endpoint,
    logger,
    // A worker stopped by a scenario may hold work for a dead server: do not wait 30 s for it.
    shutdownTimeoutMs: 2_000,
    ...metadataFor(args),
    ...(filters === undefined ? {} : { workItemFilters: filters }),
  });
  registerFunctions({ orchestrator: (n, fn) => worker.addNamedOrchestrator(n, fn as never), activity: (n, fn) => worker.addNamedActivity(n, fn as never) }, orchestrationSdk, behaviour);
  registerEntities(worker);
  await worker.start();
  return worker;
}

const args = parseDriverArgs(process.argv.slice(2));
if (args.variant !== "plain") throw new Error(`${sdkName} has only the plain variant, not ${args.variant}`);
const client = new TaskHubGrpcClient({ hostAddress: args.endpoint, logger, ...metadataFor(args) });

runCommandLoop({
  sdk: sdkName,
  env: {
    client: scenarioClient(client),
    async startFilteredWorker(tag: string, f: FilteredWorkerSpec) {
      const w = await startWorker(args, { tag, blockingActivity: "block" }, {
        orchestrations: f.orchestrations.map((name) => ({ name })),
        activities: f.activities.map((name) => ({ name })),
      });
      return () => w.stop();
    },
  },
  scenarios: { ...scenarios, ...entityScenarios },
  async startMainWorker(blockingActivity) {
    const w = await startWorker(args, { tag: "main", blockingActivity });
    return () => w.stop();
  },
  stopClient: () => client.stop(),
}, args);

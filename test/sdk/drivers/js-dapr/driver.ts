/**
 * The catalogue driver for `@dapr/durabletask-js` (protocol: test/sdk/README.md). Usage:
 * node --import tsx driver.ts --endpoint 127.0.0.1:<port> --taskhub default --variant plain
 * The SDK cannot send metadata, so it always talks to the server's default task hub. It logs
 * every work item with console.log: those lines are dropped unless SDK_DRIVER_LOGS=1.
 */
import { TaskHubGrpcClient, TaskHubGrpcWorker, type OrchestrationContext } from "@dapr/durabletask-js";
import { TaskFailedError } from "@dapr/durabletask-js/task/exception/task-failed-error.js";
import { whenAll, whenAny } from "@dapr/durabletask-js/task/index.js";
import { parseDriverArgs, runCommandLoop } from "../js-shared/command-loop.ts";
import { registerFunctions, type OrchestrationCtx, type OrchestrationSdk, type TaskLike } from "../js-shared/functions.ts";
import { scenarios } from "../js-shared/scenarios.ts";
import { scenarioClient } from "./client.ts";

const sdkName = "@dapr/durabletask-js";

const dapr = (ctx: OrchestrationCtx): OrchestrationContext => ctx as unknown as OrchestrationContext;
const task = (t: unknown): TaskLike => t as TaskLike;

const orchestrationSdk: OrchestrationSdk = {
  whenAll: (tasks) => task(whenAll(tasks as never)),
  whenAny: (tasks) => task(whenAny(tasks as never)),
  callSubOrchestrator: (ctx, name, input, instanceId) => task(dapr(ctx).callSubOrchestrator(name, input, instanceId)),
  // This SDK sends the custom status as given, unencoded: encode it as the others do.
  setCustomStatus: (ctx, value) => dapr(ctx).setCustomStatus(JSON.stringify(value)),
  failureOf: (err) => (err instanceof TaskFailedError ? { errorType: err.details.errorType, message: err.details.message } : { errorType: (err as Error).name, message: (err as Error).message }),
};

const args = parseDriverArgs(process.argv.slice(2));
if (args.variant !== "plain") throw new Error(`${sdkName} has only the plain variant, not ${args.variant}`);
if (args.taskHub !== "default") throw new Error(`${sdkName} cannot select task hub ${args.taskHub}: it sends no metadata`);
const client = new TaskHubGrpcClient(args.endpoint);

runCommandLoop({
  sdk: sdkName,
  env: { client: scenarioClient(client) },
  scenarios,
  async startMainWorker(blockingActivity) {
    const worker = new TaskHubGrpcWorker(args.endpoint);
    registerFunctions({ orchestrator: (n, fn) => worker.addNamedOrchestrator(n, fn as never), activity: (n, fn) => worker.addNamedActivity(n, fn as never) }, orchestrationSdk, { tag: "main", blockingActivity });
    await worker.start();
    return () => worker.stop();
  },
  stopClient: () => client.stop(),
}, args);

if (process.env["SDK_DRIVER_LOGS"] !== "1") {
  const quiet = (): void => {};
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
}

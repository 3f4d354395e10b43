/**
 * Helpers for end-to-end tests with `@dapr/durabletask-js` 1.0.0.
 *
 * Imported only by `test/e2e/dapr-sdk-*.test.ts` and Dapr fixtures: loading this module and the
 * Microsoft SDK in one process breaks both (they share google-protobuf's global namespace).
 * Owns: creating clients and workers, silencing the SDK's console logging (it logs every work
 * item with console.log), waiting for completion without leaking the SDK's timeout timer, and
 * stopping everything in `after` hooks. The SDK has no metadata hook, so it always talks to
 * the server's default task hub.
 */
export { outputOf } from "./sdk-common.ts";
import { fileHarness, type FileHarness } from "./sdk-common.ts";
import { TaskHubGrpcClient, TaskHubGrpcWorker } from "@dapr/durabletask-js";
import type { OrchestrationState } from "@dapr/durabletask-js/orchestration/orchestration-state.js";

/**
 * The SDK writes a line per work item, RPC and status with console.log/info, and every expected
 * failure (a stream cut by a test, a completion to a killed server) with console.error/warn:
 * thousands of lines in the fault tests. Keep them out of the test report unless
 * E2E_SDK_LOGS=1. Tests report through assertions, never through the console.
 */
export function silenceDaprConsole(): void {
  if (process.env["E2E_SDK_LOGS"] === "1") return;
  const quiet = (): void => {};
  console.log = quiet;
  console.info = quiet;
  console.warn = quiet;
  console.error = quiet;
}

export function createDaprClient(hostAddress: string): TaskHubGrpcClient {
  return new TaskHubGrpcClient(hostAddress);
}

/**
 * Creates a worker, lets `register` add orchestrators and activities, and starts it.
 * The server must already be listening: this SDK turns a failed first connection into an
 * unhandled rejection.
 */
export async function startDaprWorker(
  hostAddress: string,
  register: (worker: TaskHubGrpcWorker) => void,
): Promise<TaskHubGrpcWorker> {
  const worker = new TaskHubGrpcWorker(hostAddress);
  register(worker);
  await worker.start();
  return worker;
}

/** The file's server, a worker with `register` and a client, shared by its tests (sdk-common.ts). */
export function daprHarness(register: (worker: TaskHubGrpcWorker) => void): FileHarness<TaskHubGrpcClient> {
  return fileHarness(async (address) => ({ worker: await startDaprWorker(address, register), client: createDaprClient(address) }));
}

/**
 * Runs `call` while `setTimeout` creates unref'd timers. The SDK's wait methods race the RPC
 * against a `setTimeout` they never clear, which would keep the test process alive for the whole
 * timeout after the last wait. The timer is created synchronously when the method is called, so
 * patching around the call is enough; the timeout itself still works while the test runs.
 */
function withUnrefTimers<T>(call: () => Promise<T>): Promise<T> {
  const original = globalThis.setTimeout;
  const patched = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    original(handler, ms, ...args).unref()) as unknown as typeof setTimeout;
  globalThis.setTimeout = patched;
  try {
    return call();
  } finally {
    globalThis.setTimeout = original;
  }
}

/** Waits for a terminal state; throws with context if the instance does not exist. */
export async function waitForDone(client: TaskHubGrpcClient, instanceId: string, timeoutS = 60): Promise<OrchestrationState> {
  const state = await withUnrefTimers(() => client.waitForOrchestrationCompletion(instanceId, true, timeoutS));
  if (state === undefined) throw new Error(`instance ${instanceId} does not exist`);
  return state;
}

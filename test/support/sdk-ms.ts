/**
 * Helpers for end-to-end tests with `@microsoft/durabletask-js` 0.4.0.
 *
 * Imported only by `test/e2e/ms-sdk-*.test.ts` and MS fixtures: loading this module and the
 * Dapr SDK in one process breaks both (they share google-protobuf's global namespace).
 * Owns: creating clients and workers against a server address (optionally for a task hub,
 * through the `taskhub` metadata header), a quiet logger that still keeps the SDK's warnings
 * and errors for failure messages, and stopping everything in `after` hooks.
 */
export { outputOf, stopAll } from "./sdk-common.ts";
import { fileHarness, type FileHarness } from "./sdk-common.ts";
import * as grpc from "@grpc/grpc-js";
import { TaskHubGrpcClient, TaskHubGrpcWorker, type Logger, type OrchestrationState } from "@microsoft/durabletask-js";

const sdkLogsToConsole = process.env["E2E_SDK_LOGS"] === "1";

/**
 * Keeps the SDK's warnings and errors (bounded) instead of printing the SDK's chatty info logs
 * into the test output; E2E_SDK_LOGS=1 prints everything.
 */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];

  error(message: string, ...args: unknown[]): void {
    this.#record("error", message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.#record("warn", message, args);
  }

  info(message: string, ...args: unknown[]): void {
    if (sdkLogsToConsole) console.error(`[sdk info] ${message}`, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    if (sdkLogsToConsole) console.error(`[sdk debug] ${message}`, ...args);
  }

  #record(level: string, message: string, args: unknown[]): void {
    const line = `[sdk ${level}] ${message} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")}`;
    if (sdkLogsToConsole) console.error(line);
    if (this.lines.length >= 200) this.lines.shift();
    this.lines.push(line);
  }
}

export interface MsConnectOptions {
  /** Sent as the `taskhub` metadata header on every call; absent means the default hub. */
  readonly taskHub?: string;
}

function metadataFor(taskHub: string | undefined): (() => Promise<grpc.Metadata>) | undefined {
  if (taskHub === undefined) return undefined;
  return async () => {
    const md = new grpc.Metadata();
    md.set("taskhub", taskHub);
    return md;
  };
}

export function createMsClient(hostAddress: string, options: MsConnectOptions = {}): TaskHubGrpcClient {
  const metadataGenerator = metadataFor(options.taskHub);
  return new TaskHubGrpcClient({
    hostAddress,
    logger: new RecordingLogger(),
    ...(metadataGenerator === undefined ? {} : { metadataGenerator }),
  });
}

/**
 * Creates a worker, lets `register` add orchestrators and activities, and starts it.
 * The server must already be listening: the SDK does not retry a failed first connection.
 */
export async function startMsWorker(
  hostAddress: string,
  register: (worker: TaskHubGrpcWorker) => void,
  options: MsConnectOptions = {},
): Promise<TaskHubGrpcWorker> {
  const metadataGenerator = metadataFor(options.taskHub);
  const worker = new TaskHubGrpcWorker({
    hostAddress,
    logger: new RecordingLogger(),
    // Tests stop workers that may hold work for a dead server; do not wait 30 s for it.
    shutdownTimeoutMs: 2_000,
    ...(metadataGenerator === undefined ? {} : { metadataGenerator }),
  });
  register(worker);
  await worker.start();
  return worker;
}

/** The file's server, a worker with `register` and a client, shared by its tests (sdk-common.ts). */
export function msHarness(register: (worker: TaskHubGrpcWorker) => void): FileHarness<TaskHubGrpcClient> {
  return fileHarness(async (address) => ({ worker: await startMsWorker(address, register), client: createMsClient(address) }));
}

/** Waits for a terminal state; throws with context if the instance does not exist. */
export async function waitForDone(client: TaskHubGrpcClient, instanceId: string, timeoutS = 60): Promise<OrchestrationState> {
  const state = await client.waitForOrchestrationCompletion(instanceId, true, timeoutS);
  if (state === undefined) throw new Error(`instance ${instanceId} does not exist`);
  return state;
}


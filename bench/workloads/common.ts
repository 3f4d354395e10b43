/**
 * Shared plumbing for the workload processes (W1-W3, which use the official SDK, and the W4
 * driver): command-line flags, a quiet SDK logger, bounded waits, the result line read by
 * bench/run.ts, and this process's own CPU/RSS figures.
 *
 * Protocol with bench/run.ts: the workload prints exactly one stdout line
 * `BENCH_RESULT <json>` (and, if it wants, `BENCH_MARK <name>` lines); everything else goes to
 * stderr. A wrong result (an instance that did not complete, or with the wrong output) fails the
 * workload with an error that starts with "wrong result:" and names the instance and the value.
 */
import { OrchestrationStatus, TaskHubGrpcClient, TaskHubGrpcWorker, type Logger, type OrchestrationState } from '@microsoft/durabletask-js';

export const RESULT_PREFIX = 'BENCH_RESULT ';
/** `BENCH_MARK <name>` lines mark the bounds of a measured phase (the W4 driver's). */
export const MARK_PREFIX = 'BENCH_MARK ';

/** `--name value` flags into a map (flags without a value map to 'true'). */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(arg.slice(2), 'true');
    else {
      flags.set(arg.slice(2), next);
      i++;
    }
  }
  return flags;
}

export function flagNumber(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got '${raw}'`);
  return value;
}

export function flagString(flags: Map<string, string>, name: string): string {
  const raw = flags.get(name);
  if (raw === undefined) throw new Error(`--${name} is required`);
  return raw;
}

/** SDK logger that drops info/debug and sends warnings and errors to stderr. */
export const quietLogger: Logger = {
  error: (message, ...args) => console.error('[sdk error]', message, ...args),
  warn: (message, ...args) => console.error('[sdk warn]', message, ...args),
  info: () => {},
  debug: () => {},
};

export function newClient(address: string): TaskHubGrpcClient {
  return new TaskHubGrpcClient({ hostAddress: address, logger: quietLogger });
}

export function newWorker(address: string): TaskHubGrpcWorker {
  return new TaskHubGrpcWorker({ hostAddress: address, logger: quietLogger, shutdownTimeoutMs: 2_000 });
}

/**
 * Undefined when `state` is a completion with `expected` as output; otherwise "wrong result: ..."
 * naming the instance and what it returned (the run fails on it).
 */
export function wrongResult(instanceId: string, state: OrchestrationState | undefined, expected: string): string | undefined {
  if (state === undefined) return `wrong result: instance ${instanceId}: no state returned`;
  if (state.runtimeStatus !== OrchestrationStatus.COMPLETED) {
    const failure = state.failureDetails ? `: ${state.failureDetails.message}` : '';
    return `wrong result: instance ${instanceId}: status ${OrchestrationStatus[state.runtimeStatus]}${failure}`;
  }
  if (state.serializedOutput !== expected) {
    return `wrong result: instance ${instanceId}: output ${JSON.stringify(state.serializedOutput)}, expected ${JSON.stringify(expected)}`;
  }
  return undefined;
}

/** Rejects after `ms` with a message naming `what`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms)} ms: ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds and peak RSS of this (driver/SDK) process. */
export function selfUsage(): { cpuSeconds: number; peakRssMB: number } {
  const usage = process.resourceUsage();
  return {
    cpuSeconds: Math.round((usage.userCPUTime + usage.systemCPUTime) / 10_000) / 100,
    peakRssMB: Math.round(usage.maxRSS / 1024),
  };
}

/** Prints the result line, stops the SDK objects (bounded), and exits. */
export async function finish(
  result: Record<string, unknown>,
  stoppables: ReadonlyArray<{ stop(): Promise<void> }> = [],
): Promise<never> {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, driver: selfUsage() })}\n`);
  await Promise.allSettled(stoppables.map((s) => withTimeout(s.stop(), 5_000, 'stop SDK object')));
  process.exit(0);
}

/** Reports a failure as a result line (so run.ts can show it) and exits non-zero. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ error: message, driver: selfUsage() })}\n`);
  console.error(error);
  process.exit(1);
}

/** Runs `main`, turning any throw into a failure result. */
export function runMain(main: () => Promise<void>): void {
  main().catch(fail);
}

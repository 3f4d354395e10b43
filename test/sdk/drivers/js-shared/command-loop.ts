/**
 * The JSON-lines command loop both JavaScript drivers share (the protocol is in
 * test/sdk/README.md): parses `--endpoint --taskhub --variant`, reads one command per stdin
 * line, runs commands concurrently, writes each reply as one stdout line with the command's
 * `seq`, and on stdin's end stops the workers and exits 0. stdout carries only protocol lines:
 * console output is sent to stderr. Imports no SDK.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { scheduleMany, waitMany } from "./fault-commands.ts";
import type { ScenarioEnv, ScenarioFn } from "./scenarios.ts";

export interface DriverArgs {
  readonly endpoint: string;
  readonly taskHub: string;
  readonly variant: string;
}

/** What one JavaScript driver brings: its SDK's package, client and main worker. */
export interface JsDriverSpec {
  /** The SDK's npm package; `hello` reports its installed version. */
  readonly sdk: string;
  readonly env: ScenarioEnv;
  readonly scenarios: Readonly<Record<string, ScenarioFn>>;
  /** Starts the main worker with every function registered; resolves to its stop. */
  startMainWorker(blockingActivity: "block" | "return"): Promise<() => Promise<void>>;
  stopClient(): Promise<void>;
}

export function parseDriverArgs(argv: readonly string[]): DriverArgs {
  const value = (flag: string): string => {
    const i = argv.indexOf(flag);
    const v = i === -1 ? undefined : argv[i + 1];
    if (v === undefined) throw new Error(`missing ${flag} (usage: driver --endpoint host:port --taskhub hub --variant plain)`);
    return v;
  };
  return { endpoint: value("--endpoint"), taskHub: value("--taskhub"), variant: value("--variant") };
}

function writeLine(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** An unsolicited line (e.g. `activity-started`), told apart from replies by its `event` field. */
export function emitEvent(event: string, fields: Record<string, unknown>): void {
  writeLine({ event, ...fields, pid: process.pid });
}

/** Keeps stdout for protocol lines: SDKs that log with console.log now log to stderr. */
function moveConsoleToStderr(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

function versionOf(sdk: string): string {
  return (JSON.parse(readFileSync(new URL(import.meta.resolve(`${sdk}/package.json`)), "utf8")) as { version: string }).version;
}

/** The protocol's commands over a driver spec; an exception becomes `{ok: false, error}`. */
function commandHandler(spec: JsDriverSpec, variant: string): { handle(command: Record<string, unknown>): Promise<Record<string, unknown>>; close(): Promise<void> } {
  let stopMainWorker: (() => Promise<void>) | undefined;
  const stopWorker = async (): Promise<void> => {
    const stop = stopMainWorker;
    stopMainWorker = undefined;
    await stop?.();
  };
  const client = spec.env.client;
  const handlers: Record<string, (command: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
    hello: async () => ({ sdk: spec.sdk, version: versionOf(spec.sdk), variant }),
    "start-worker": async (command) => {
      stopMainWorker ??= await spec.startMainWorker(command["blockingActivity"] === "return" ? "return" : "block");
      return {};
    },
    "stop-worker": async () => {
      await stopWorker();
      return {};
    },
    scenario: async (command) => {
      const run = spec.scenarios[String(command["id"])];
      if (run === undefined) throw new Error(`no such scenario: ${String(command["id"])}`);
      return { observed: (await run(spec.env, command["input"])) ?? null };
    },
    schedule: async (command) => ({ ids: await scheduleMany(client, command) }),
    wait: async (command) => ({ results: await waitMany(client, command) }),
  };
  return {
    handle: (command) => {
      const handler = handlers[String(command["cmd"])];
      return handler === undefined ? Promise.reject(new Error(`unknown command ${JSON.stringify(command["cmd"])}`)) : handler(command);
    },
    close: async () => {
      await stopWorker().catch(() => undefined);
      await spec.stopClient().catch(() => undefined);
    },
  };
}

export function runCommandLoop(spec: JsDriverSpec, args: DriverArgs): void {
  moveConsoleToStderr();
  const handler = commandHandler(spec, args.variant);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    let command: Record<string, unknown>;
    try {
      command = JSON.parse(line) as Record<string, unknown>;
    } catch {
      writeLine({ seq: null, ok: false, error: `not a JSON command: ${line.slice(0, 200)}` });
      return;
    }
    void handler.handle(command).then(
      (reply) => writeLine({ seq: command["seq"], ok: true, ...reply }),
      (err: unknown) => writeLine({ seq: command["seq"], ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
    );
  });
  lines.on("close", () => {
    void (async () => {
      await handler.close();
      process.exit(0);
    })();
  });
}

/**
 * The JSON-lines command loop both JavaScript drivers share (the protocol is in
 * test/sdk/README.md): parses `--endpoint --taskhub --variant`, reads one command per stdin
 * line, runs commands concurrently, writes each reply as one stdout line with the command's
 * `seq`, and on stdin's end stops the workers and exits 0. stdout carries only protocol lines:
 * console output is sent to stderr. Imports no SDK.
 */
import { createInterface } from "node:readline";

export interface DriverArgs {
  readonly endpoint: string;
  readonly taskHub: string;
  readonly variant: string;
}

/** What a driver does for each command; an exception becomes `{ok: false, error}`. */
export interface CommandHandlers {
  hello(): { sdk: string; version: string };
  startWorker(command: Record<string, unknown>): Promise<void>;
  stopWorker(): Promise<void>;
  scenario(id: string, input: unknown): Promise<unknown>;
  /** Fault support: starts `count` instances and answers their ids. */
  schedule?(command: Record<string, unknown>): Promise<string[]>;
  /** Fault support: waits for each id to finish. */
  wait?(command: Record<string, unknown>): Promise<unknown[]>;
  /** Stops workers and clients before the process exits. */
  close(): Promise<void>;
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

async function dispatch(handlers: CommandHandlers, variant: string, command: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (command["cmd"]) {
    case "hello":
      return { ...handlers.hello(), variant };
    case "start-worker":
      await handlers.startWorker(command);
      return {};
    case "stop-worker":
      await handlers.stopWorker();
      return {};
    case "scenario":
      return { observed: (await handlers.scenario(String(command["id"]), command["input"])) ?? null };
    case "schedule":
      if (handlers.schedule === undefined) throw new Error("schedule is not supported");
      return { ids: await handlers.schedule(command) };
    case "wait":
      if (handlers.wait === undefined) throw new Error("wait is not supported");
      return { results: await handlers.wait(command) };
    default:
      throw new Error(`unknown command ${JSON.stringify(command["cmd"])}`);
  }
}

export function runCommandLoop(handlers: CommandHandlers, args: DriverArgs): void {
  moveConsoleToStderr();
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
    void dispatch(handlers, args.variant, command).then(
      (reply) => writeLine({ seq: command["seq"], ok: true, ...reply }),
      (err: unknown) => writeLine({ seq: command["seq"], ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
    );
  });
  lines.on("close", () => {
    void (async () => {
      await handlers.close().catch((err: unknown) => console.error("driver close failed", err));
      process.exit(0);
    })();
  });
}

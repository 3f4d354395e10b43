/**
 * The server under test as a real child process: `node bin/dts.js serve` on free ports over a
 * fresh temporary data directory.
 *
 * Owns starting (waiting for the `dts ready` line), graceful stop (SIGTERM), crash (SIGKILL),
 * restart on the same data directory (same gRPC port when it is still free, so connected SDK
 * workers can reconnect by themselves), removing the data directory, and attaching the server's
 * output to failing tests. It relies only on the command-line contract of `dts serve`, never on
 * the server's modules, and must not import either Durable Task SDK.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { settleAdminPassword } from "./admin-password.ts";
import { ChildHandle, type ExitInfo } from "./child-process.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const binPath = join(repoRoot, "bin", "dts.js");
const compiledCliPath = join(repoRoot, "dist", "src", "cli", "dts.js");

const readyLinePattern = /^dts ready grpc=(\S+) http=(\S+)/;
const readyTimeoutMs = 30_000;
const gracefulStopTimeoutMs = 15_000;

export interface ServerOptions {
  /** `--task-hubs a,b,c`; the server's default (`default`) when absent. */
  readonly taskHubs?: readonly string[];
  readonly dynamicTaskHubs?: boolean;
  /** `--payload-bytes-max N`. */
  readonly payloadBytesMax?: number;
  /** Serve this existing data directory (left in place by dispose) instead of a new temporary one. */
  readonly dataDir?: string;
  /** Anything else to pass to `dts serve`. */
  readonly extraArgs?: readonly string[];
  /** Environment variables added to this process's for the server (e.g. NODE_EXTRA_CA_CERTS). */
  readonly env?: Readonly<Record<string, string>>;
  /** Copy the server's output to stderr as it arrives; also on with E2E_SERVER_LOGS=1. */
  readonly echo?: boolean;
  /** With --auth: leave the admin's one-time password unchanged (admin-password.ts changes it otherwise). */
  readonly keepOneTimePassword?: boolean;
}

export interface RestartResult {
  /** True when the old gRPC port was taken and the server came up on another one. */
  readonly addressChanged: boolean;
}

/**
 * Arguments added to every server this process starts, before each test file's own, computed
 * once per server (kept across its restarts): e.g. `--store postgres://...` with a new
 * database each, to run a scenario file unchanged on another store.
 */
let defaultExtraArgs: () => Promise<readonly string[]> = async () => [];

export function setDefaultServerArgs(args: () => Promise<readonly string[]>): void {
  defaultExtraArgs = args;
}

export class DtsServer {
  readonly dataDir: string;
  readonly options: ServerOptions;
  #child: ChildHandle;
  #grpcAddress: string;
  #httpAddress: string;
  /** Output of earlier incarnations (before a kill or restart), for failure messages. */
  #previousOutput = "";
  #disposed = false;

  private constructor(dataDir: string, options: ServerOptions, child: ChildHandle, grpc: string, http: string) {
    this.dataDir = dataDir;
    this.options = options;
    this.#child = child;
    this.#grpcAddress = grpc;
    this.#httpAddress = http;
  }

  /** Starts a server over a new temporary data directory and waits until it is ready. */
  static async start(options: ServerOptions = {}): Promise<DtsServer> {
    if (!existsSync(compiledCliPath)) {
      throw new Error(`${compiledCliPath} does not exist: run \`npm run build\` before the end-to-end tests`);
    }
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "dts-e2e-")));
    const defaults = await defaultExtraArgs();
    if (defaults.length > 0) options = { ...options, extraArgs: [...defaults, ...(options.extraArgs ?? [])] };
    try {
      const { child, grpc, http } = await launch(dataDir, options, 0);
      return new DtsServer(dataDir, options, child, grpc, http);
    } catch (err) {
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** `127.0.0.1:<port>`, the form both SDKs take as host address. */
  get grpcAddress(): string {
    return this.#grpcAddress;
  }

  get httpAddress(): string {
    return this.#httpAddress;
  }

  get grpcPort(): number {
    return portOf(this.#grpcAddress);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Undefined while the current incarnation runs. */
  get exitInfo(): ExitInfo | undefined {
    return this.#child.exitInfo;
  }

  /** The last lines of the server's output (all incarnations), for assertion messages. */
  describeOutput(linesMax = 60): string {
    const text = `${this.#previousOutput}${this.#child.describeOutput()}`;
    const lines = text.split("\n");
    return lines.length <= linesMax ? text : lines.slice(lines.length - linesMax).join("\n");
  }

  /** SIGKILL: a crash with no chance to flush or close anything. */
  async kill9(): Promise<void> {
    await this.#child.kill9();
  }

  /** SIGTERM and wait; SIGKILL after a grace period. Returns how the process ended. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<{ exit: ExitInfo; forced: boolean }> {
    if (this.#child.exitInfo !== undefined) return { exit: this.#child.exitInfo, forced: false };
    let forced = false;
    const exit = await this.#child.stop(gracefulStopTimeoutMs, signal).then((info) => {
      forced = info.signal === "SIGKILL";
      return info;
    });
    return { exit, forced };
  }

  /**
   * Starts a new incarnation on the same data directory (the current one must have exited or
   * is stopped first). Tries the same gRPC port first, so SDK workers and clients connected to
   * the old address reconnect by themselves; falls back to a free port if it stays taken.
   */
  async restart(): Promise<RestartResult> {
    if (this.#disposed) throw new Error("restart after dispose");
    if (this.#child.exitInfo === undefined) await this.stop();
    this.#previousOutput += `${this.#child.describeOutput()}\n--- (restart) ---\n`;
    const oldAddress = this.#grpcAddress;
    const oldPort = portOf(oldAddress);
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      try {
        const { child, grpc, http } = await launch(this.dataDir, this.options, oldPort);
        this.#adopt(child, grpc, http);
        return { addressChanged: grpc !== oldAddress };
      } catch (err) {
        if (this.#disposed) throw err;
        // Most likely EADDRINUSE for a moment after the crash; try again shortly.
        lastError = err;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    try {
      const { child, grpc, http } = await launch(this.dataDir, this.options, 0);
      this.#adopt(child, grpc, http);
      return { addressChanged: true };
    } catch (err) {
      throw new Error(`restart failed (same port last error: ${String(lastError)})`, { cause: err });
    }
  }

  /** Graceful stop (forced if needed) and removal of the data directory it made. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const { exit, forced } = await this.stop();
    if (forced || (exit.code !== 0 && exit.code !== null)) {
      process.stderr.write(
        `warning: dts server did not stop cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal}, forced ${forced})\n` +
          `${this.describeOutput(30)}\n`,
      );
    }
    if (process.env["E2E_KEEP_DATA"] !== "1" && this.options.dataDir === undefined) await rm(this.dataDir, { recursive: true, force: true });
  }

  #adopt(child: ChildHandle, grpc: string, http: string): void {
    // A test that timed out during a restart has disposed of the server meanwhile: a child
    // adopted now would outlive the test process's hooks and keep it from ever exiting.
    if (this.#disposed) {
      void child.kill9();
      throw new Error("the server was disposed of while it restarted");
    }
    this.#child = child;
    this.#grpcAddress = grpc;
    this.#httpAddress = http;
  }
}

async function launch(
  dataDir: string,
  options: ServerOptions,
  grpcPort: number,
): Promise<{ child: ChildHandle; grpc: string; http: string }> {
  const args = [binPath, "serve", "--grpc-port", String(grpcPort), "--http-port", "0", "--data-dir", dataDir];
  if (options.taskHubs !== undefined) args.push("--task-hubs", options.taskHubs.join(","));
  if (options.dynamicTaskHubs === true) args.push("--dynamic-task-hubs");
  if (options.payloadBytesMax !== undefined) args.push("--payload-bytes-max", String(options.payloadBytesMax));
  if (options.extraArgs !== undefined) args.push(...options.extraArgs);
  const child = new ChildHandle(process.execPath, args, {
    cwd: repoRoot,
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
    label: `dts serve (port ${grpcPort})`,
    echo: options.echo === true || process.env["E2E_SERVER_LOGS"] === "1",
  });
  try {
    const match = await child.waitForLine(readyLinePattern, readyTimeoutMs);
    const grpc = match[1];
    const http = match[2];
    if (grpc === undefined || http === undefined) throw new Error(`unparseable ready line: ${match[0]}`);
    if (args.includes("--auth") && options.keepOneTimePassword !== true) await settleAdminPassword(dataDir, http);
    return { child, grpc, http };
  } catch (err) {
    await child.kill9();
    throw err;
  }
}

function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in address ${address}`);
  return port;
}

/**
 * Wraps a test body so that a failure carries the tail of the servers' output: most end-to-end
 * failures are explained by what the server logged, not by the SDK's error.
 */
export function withServerOutput<T>(
  servers: () => ReadonlyArray<DtsServer | undefined>,
  body: (t: T) => Promise<void>,
): (t: T) => Promise<void> {
  return async (t: T) => {
    try {
      await body(t);
    } catch (err) {
      const output = servers()
        .filter((s): s is DtsServer => s !== undefined)
        .map((s) => s.describeOutput(40))
        .join("\n");
      if (err instanceof Error && output !== "") {
        const note = `\n${output}`;
        try {
          err.message += note;
          if (typeof err.stack === "string") err.stack += note;
        } catch {
          // Some errors have read-only fields; the original error is still thrown.
        }
      }
      throw err;
    }
  };
}

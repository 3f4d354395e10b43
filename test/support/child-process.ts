/**
 * Child processes for end-to-end tests: the server under test and worker fixtures.
 *
 * Owns spawning, reading stdout line by line (so a test can wait for a marker line), keeping a
 * bounded tail of stdout and stderr for failure messages, and making sure nothing outlives the
 * test process: every child still running when the process exits is killed with SIGKILL.
 * It must not import either Durable Task SDK (the two clash when loaded in one process).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** How much of each output stream is kept for failure messages. */
const outputTailCharsMax = 16_000;

/** Every child that has not exited yet, so a crashing test process does not leak them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of liveChildren) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone: nothing to clean up.
      }
    }
  });
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Copy the child's stdout/stderr to this process's stderr as it arrives (debugging). */
  readonly echo?: boolean;
  /** A short label used in echoed output and error messages. */
  readonly label: string;
  /** "pipe" gives the child a stdin the caller writes to (`ChildHandle.stdin`); default "ignore". */
  readonly stdin?: "pipe" | "ignore";
  /** Called with every stdout line as it arrives (before line waiters are matched). */
  readonly onStdoutLine?: (line: string) => void;
}

interface LineWaiter {
  readonly pattern: RegExp;
  readonly resolve: (match: RegExpMatchArray) => void;
}

/**
 * A spawned child with line-oriented stdout, bounded output tails and an exit promise.
 * Lines that arrived before a waiter was registered are matched too, so there is no race
 * between spawning and calling `waitForLine`.
 */
export class ChildHandle {
  readonly label: string;
  readonly process: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  #exitInfo: ExitInfo | undefined;
  #stdoutLines: string[] = [];
  #stdoutTail = "";
  #stderrTail = "";
  #waiters: LineWaiter[] = [];

  constructor(command: string, args: readonly string[], options: SpawnOptions) {
    installExitHook();
    this.label = options.label;
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    });
    liveChildren.add(this.process);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.process.once("exit", (code, signal) => {
        liveChildren.delete(this.process);
        this.#exitInfo = { code, signal };
        resolve(this.#exitInfo);
      });
      // A spawn failure (missing executable) emits "error" and maybe no "exit".
      this.process.once("error", (err) => {
        liveChildren.delete(this.process);
        this.#stderrTail += `\n[spawn error] ${String(err)}`;
        this.#exitInfo ??= { code: -1, signal: null };
        resolve(this.#exitInfo);
      });
    });
    const stdout = this.process.stdout;
    const stderr = this.process.stderr;
    if (stdout === null || stderr === null) throw new Error("child stdio pipes missing");
    // Always consume both pipes: a child blocked on a full pipe looks like a hung server.
    const lines = createInterface({ input: stdout, crlfDelay: Infinity });
    lines.on("line", (line) => {
      options.onStdoutLine?.(line);
      this.#onStdoutLine(line, options.echo === true);
    });
    stderr.setEncoding("utf8");
    stderr.on("data", (chunk: string) => {
      this.#stderrTail = keepTail(this.#stderrTail + chunk);
      if (options.echo === true) process.stderr.write(prefixLines(`[${this.label} err] `, chunk));
    });
  }

  /** The child's stdin; throws unless it was spawned with `stdin: "pipe"`. */
  get stdin(): NodeJS.WritableStream {
    const stdin = this.process.stdin;
    if (stdin === null) throw new Error(`${this.label} was spawned without a stdin pipe`);
    return stdin;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Undefined while the child runs. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exitInfo;
  }

  get stdoutTail(): string {
    return this.#stdoutTail;
  }

  get stderrTail(): string {
    return this.#stderrTail;
  }

  /** Both tails, labelled, for an assertion message. */
  describeOutput(): string {
    return (
      `--- ${this.label} stderr (tail) ---\n${this.#stderrTail || "(empty)"}\n` +
      `--- ${this.label} stdout (tail) ---\n${this.#stdoutTail || "(empty)"}`
    );
  }

  /**
   * Resolves with the first stdout line (already seen or future) matching `pattern`.
   * Rejects when the child exits first or after `timeoutMs`, with the child's output attached.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.#stdoutLines) {
      const match = line.match(pattern);
      if (match !== null) return Promise.resolve(match);
    }
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: LineWaiter = {
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
      };
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.label}: ${why} while waiting for ${String(pattern)}\n${this.describeOutput()}`));
      };
      timer = setTimeout(() => fail(`no matching line after ${timeoutMs} ms`), timeoutMs);
      this.#waiters.push(waiter);
      void this.exited.then((info) => {
        if (this.#waiters.includes(waiter)) fail(`exited (code ${info.code}, signal ${info.signal})`);
      });
    });
  }

  /** Sends `signal` if the child is still running. */
  signal(signal: NodeJS.Signals): void {
    if (this.#exitInfo === undefined) this.process.kill(signal);
  }

  /** SIGKILL and wait for the exit. */
  async kill9(): Promise<ExitInfo> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /** `signal` (default SIGTERM), then SIGKILL if the child has not exited within `graceMs`. */
  async stop(graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<ExitInfo> {
    if (this.#exitInfo !== undefined) return this.#exitInfo;
    this.signal(signal);
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const first = await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    if (first === "timeout") {
      this.signal("SIGKILL");
      const info = await this.exited;
      return info;
    }
    return first;
  }

  #onStdoutLine(line: string, echo: boolean): void {
    this.#stdoutTail = keepTail(`${this.#stdoutTail}${line}\n`);
    // Keep every line for late waiters but bound the memory a chatty child can use.
    if (this.#stdoutLines.length < 10_000) this.#stdoutLines.push(line);
    if (echo) process.stderr.write(`[${this.label} out] ${line}\n`);
    for (const waiter of [...this.#waiters]) {
      const match = line.match(waiter.pattern);
      if (match !== null) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(match);
      }
    }
  }
}

function keepTail(text: string): string {
  return text.length <= outputTailCharsMax ? text : text.slice(text.length - outputTailCharsMax);
}

function prefixLines(prefix: string, chunk: string): string {
  return chunk
    .split("\n")
    .map((line, i, all) => (i === all.length - 1 && line === "" ? "" : `${prefix}${line}\n`))
    .join("");
}

/**
 * A scenario driver as a child process speaking JSON lines (see README.md): one command per
 * line on its stdin, one reply per line on its stdout, matched by `seq`, so commands can be in
 * flight concurrently. Lines with an `event` field are unsolicited notices (for example
 * `activity-started` from `BlockingActivity`) and go to event waiters. Anything on stdout that
 * is not JSON is a driver bug and fails every pending command. Closing stdin asks the driver to
 * stop its workers and exit. Knows no SDK.
 */
import { ChildHandle, type ExitInfo } from "../support/child-process.ts";

export interface DriverCommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Where a driver connects: appended to its command line as `--endpoint --taskhub --variant`. */
export interface DriverTarget {
  readonly endpoint: string;
  readonly taskHub: string;
  readonly variant: "plain" | "azuremanaged";
}

export type Reply = Record<string, unknown> & { readonly seq: number; readonly ok: boolean };
export type DriverEvent = Record<string, unknown> & { readonly event: string };

interface Pending {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface EventWaiter {
  readonly accept: (event: DriverEvent) => boolean;
  readonly resolve: (event: DriverEvent) => void;
}

const exitGraceMs = 20_000;

export class DriverProcess {
  readonly label: string;
  readonly #child: ChildHandle;
  readonly #pending = new Map<number, Pending>();
  readonly #events: DriverEvent[] = [];
  #eventWaiters: EventWaiter[] = [];
  #nextSeq = 1;
  #broken: Error | undefined;

  constructor(line: DriverCommandLine, label: string) {
    this.label = label;
    this.#child = new ChildHandle(line.command, [...line.args], {
      cwd: line.cwd,
      ...(line.env === undefined ? {} : { env: line.env }),
      label,
      stdin: "pipe",
      echo: process.env["SDK_DRIVER_LOGS"] === "1",
      onStdoutLine: (text) => this.#onLine(text),
    });
    void this.#child.exited.then((info) => this.#failAll(new Error(`${label} exited (code ${info.code}, signal ${info.signal})`)));
  }

  static start(line: DriverCommandLine, target: DriverTarget, label: string): DriverProcess {
    const args = [...line.args, "--endpoint", target.endpoint, "--taskhub", target.taskHub, "--variant", target.variant];
    return new DriverProcess({ ...line, args }, label);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends `command` (a `seq` is added) and resolves with its reply, whether ok or not. */
  request(command: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const seq = this.#nextSeq++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(seq);
        reject(new Error(`${this.label}: no reply to ${String(command["cmd"])} #${seq} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(seq, { resolve, reject, timer });
      this.#child.stdin.write(`${JSON.stringify({ seq, ...command })}\n`);
    });
  }

  /** Like `request`, but a reply with `ok: false` rejects with the driver's error message. */
  async call(command: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    const reply = await this.request(command, timeoutMs);
    if (!reply.ok) throw new Error(`${this.label}: ${String(command["cmd"])} failed: ${String(reply["error"])}`);
    return reply;
  }

  /** The first unsolicited event (already seen or future) that `accept` takes. */
  waitForEvent(accept: (event: DriverEvent) => boolean, timeoutMs: number): Promise<DriverEvent> {
    const seen = this.#events.find(accept);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<DriverEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#eventWaiters = this.#eventWaiters.filter((w) => w !== waiter);
        reject(new Error(`${this.label}: no matching event within ${timeoutMs} ms\n${this.describeOutput()}`));
      }, timeoutMs);
      const waiter: EventWaiter = { accept, resolve: (event) => { clearTimeout(timer); resolve(event); } };
      this.#eventWaiters.push(waiter);
    });
  }

  /** Closes stdin (the driver stops its workers and exits 0); SIGKILL after a grace period. */
  async close(): Promise<ExitInfo> {
    if (this.#child.exitInfo !== undefined) return this.#child.exitInfo;
    this.#child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => { timer = setTimeout(() => resolve("late"), exitGraceMs); });
    const first = await Promise.race([this.#child.exited, late]);
    clearTimeout(timer);
    if (first !== "late") return first;
    return this.#child.kill9();
  }

  kill9(): Promise<ExitInfo> {
    return this.#child.kill9();
  }

  describeOutput(): string {
    return this.#child.describeOutput();
  }

  #onLine(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.#failAll(new Error(`${this.label} wrote a line to stdout that is not JSON: ${text.slice(0, 200)}`));
      return;
    }
    if (typeof message["event"] === "string") {
      this.#onEvent(message as DriverEvent);
      return;
    }
    const pending = this.#pending.get(Number(message["seq"]));
    if (pending === undefined) return;
    this.#pending.delete(Number(message["seq"]));
    clearTimeout(pending.timer);
    pending.resolve(message as Reply);
  }

  #onEvent(event: DriverEvent): void {
    if (this.#events.length < 10_000) this.#events.push(event);
    for (const waiter of this.#eventWaiters.filter((w) => w.accept(event))) {
      this.#eventWaiters = this.#eventWaiters.filter((w) => w !== waiter);
      waiter.resolve(event);
    }
  }

  #failAll(err: Error): void {
    this.#broken ??= err;
    const withOutput = new Error(`${err.message}\n${this.describeOutput()}`);
    for (const [seq, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(seq);
      pending.reject(withOutput);
    }
  }
}

/**
 * `dts serve` as a child process whose whole log is kept and parsed: every stderr line as the
 * JSON object pino wrote (the format when stderr is no terminal). For the tests of what the
 * server logs; other end-to-end tests use server-process.ts, which keeps only a tail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRoot } from './server-process.ts';

export interface LogRecord {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export class LoggedServer {
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly ready: Record<string, string>;
  /** Every stderr line as it came. */
  readonly raw: string[];

  private constructor(dataDir: string, child: ChildProcess, ready: Record<string, string>, raw: string[]) {
    this.dataDir = dataDir;
    this.child = child;
    this.ready = ready;
    this.raw = raw;
  }

  /** Starts the server over `dataDir` on free ports and waits for its ready line. */
  static start(dataDir: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<LoggedServer> {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'dts.js'), 'serve', '--grpc-port', '0', '--http-port', '0', '--data-dir', dataDir, ...args], {
      cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const raw: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => raw.push(line));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no ready line within 30 s:\n${raw.join('\n')}`));
      }, 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dts serve exited with ${code} before it was ready:\n${raw.join('\n')}`));
      });
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        const ready = Object.fromEntries(line.split(' ').slice(2).map((field) => field.split(/=(.*)/s, 2) as [string, string]));
        resolve(new LoggedServer(dataDir, child, { line, ...ready }, raw));
      });
    });
  }

  get httpAddress(): string {
    return this.ready['http'] as string;
  }

  get grpcAddress(): string {
    return this.ready['grpc'] as string;
  }

  /** The log lines so far, parsed (a line that is not JSON fails the test). */
  records(): LogRecord[] {
    return this.raw.map((line) => {
      try {
        return JSON.parse(line) as LogRecord;
      } catch {
        throw new Error(`a log line is not JSON: ${line}`);
      }
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    return exited;
  }
}

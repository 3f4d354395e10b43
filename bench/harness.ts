/**
 * The processes of a benchmark run: a fresh server of the chosen kind (ours, the peer or the
 * ceiling; bench/targets.ts) on a fresh data directory per workload, and one workload process per
 * workload (a JavaScript workload under `node --import tsx`, or the Go driver), whose one
 * `BENCH_RESULT {json}` stdout line is the workload's result. Also the run's bookkeeping: the rows,
 * the raw results for the JSON report, the results directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { journalModeOf } from './environment.ts';
import type { GoBinaries } from './go-build.ts';
import type { Row } from './report.ts';
import { REPO_ROOT, serverNodeArgs, type RunningServer, type ServerFigures } from './server.ts';
import type { Target } from './targets.ts';
import { MARK_PREFIX, RESULT_PREFIX } from './workloads/common.ts';
import type { Json } from '../test/support/json.ts';

export type Result = Record<string, Json>;
export type Sdk = 'JS' | 'Go';
export type Arg = string | number | RunningServer;

export interface ServerRun<T = Result> {
  value: T;
  server: ServerFigures & { dataMB: number; journalMode?: string; exit: string; log: string; otherCpuS: number; loadAvgAtStart: number };
}

const JS_WORKLOADS = { w1: 'workloads/w1-sequence.ts', w2: 'workloads/w2-fan-out.ts', w3: 'workloads/w3-idle-latency.ts' } as const;
export type SdkWorkload = keyof typeof JS_WORKLOADS;

export class Harness {
  readonly flags: ReadonlyMap<string, string>;
  readonly repeat: number;
  readonly runDir: string;
  readonly dataRoot: string;
  readonly go: GoBinaries | undefined;
  readonly quick: boolean;
  readonly rows: Row[] = [];
  readonly raw: Result = {};
  iteration = 0;

  constructor(flags: ReadonlyMap<string, string>, repeat: number, runDir: string, dataRoot: string, go: GoBinaries | undefined) {
    this.flags = flags;
    this.repeat = repeat;
    this.runDir = runDir;
    this.dataRoot = dataRoot;
    this.go = go;
    this.quick = flags.has('quick');
  }

  /** About a tenth with --quick, to smoke-test the harness. */
  scale(n: number): number {
    return this.quick ? Math.max(1, Math.round(n / 10)) : n;
  }

  /** Keeps a workload's full result for the JSON file (suffixed by the iteration with --repeat). */
  record(label: string, value: unknown): void {
    this.raw[this.repeat > 1 ? `${label}#${this.iteration + 1}` : label] = value;
  }

  /** Runs `fn` against a server of `target` on `dataDir` (a fresh one, removed afterwards, when undefined). */
  async withServer<T extends Result>(
    target: Target,
    label: string,
    dataDir: string | undefined,
    fn: (server: RunningServer) => Promise<T>,
  ): Promise<ServerRun<T>> {
    const fresh = dataDir === undefined;
    const dir = dataDir ?? mkdtempSync(join(this.dataRoot, `dts-bench-${label}-`));
    const log = join(this.runDir, `${label}.server.log`);
    console.error(`[bench] ${label}: starting ${target.name} on ${dir}`);
    const loadAvgAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
    let server: RunningServer;
    try {
      server = await target.start({ dataDir: dir, logFile: log, nodeArgs: serverNodeArgs(this.flags, join(this.runDir, 'profiles', label)) });
    } catch (error) {
      if (fresh) rmSync(dir, { recursive: true, force: true });
      const message = `${target.name} did not start: ${error instanceof Error ? error.message : String(error)} (log: ${log})`;
      const none = { peakRssMB: 0, sampledPeakRssMB: 0, cpuSeconds: 0, storageWriteMB: 0, writeSyscalls: 0, dataMB: 0 };
      return { value: { error: message } as unknown as T, server: { ...none, exit: 'not started', log, otherCpuS: 0, loadAvgAtStart } };
    }
    const machineCpuBefore = machineBusyCpuSeconds();
    let value: T;
    try {
      value = await fn(server);
    } catch (error) {
      value = { error: error instanceof Error ? error.message : String(error) } as unknown as T;
    }
    const figures = server.figures();
    // CPU used on this machine by anything but the server and the workload process: noise.
    const machineCpu = machineBusyCpuSeconds() - machineCpuBefore;
    const otherCpuS = Math.max(0, Math.round((machineCpu - figures.cpuSeconds - Number(value.driver?.cpuSeconds ?? 0)) * 10) / 10);
    const exit = await server.stop();
    const journalMode = target.databaseFile === undefined ? undefined : journalModeOf(join(dir, target.databaseFile));
    const result = { ...figures, dataMB: dirSizeMB(dir), journalMode, exit, log, otherCpuS, loadAvgAtStart };
    if (fresh && !this.flags.has('keep-data')) rmSync(dir, { recursive: true, force: true });
    console.error(`[bench] ${label}: done (server peak RSS ${figures.peakRssMB} MB, CPU ${figures.cpuSeconds} s)`);
    return { value, server: result };
  }

  /** Runs a JavaScript workload process (`node --import tsx bench/<script>`), returns its result line. */
  runWorkload(label: string, script: string, args: readonly Arg[], onMark?: (name: string) => void): Promise<Result> {
    const prof = this.flags.has('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${join(this.runDir, 'profiles', `${label}-driver`)}`] : [];
    return this.runProcess(label, process.execPath, [...prof, '--import', 'tsx', join(REPO_ROOT, 'bench', script), ...argv(args)], onMark);
  }

  /** Runs W1, W2 or W3 with the JavaScript SDK or the Go SDK (bench/go/driver). */
  runSdkWorkload(label: string, sdk: Sdk, workload: SdkWorkload, args: readonly Arg[]): Promise<Result> {
    if (sdk === 'JS') return this.runWorkload(label, JS_WORKLOADS[workload], args);
    if (this.go === undefined) return Promise.resolve({ error: 'the Go driver was not built' });
    return this.runProcess(label, this.go.driver, [workload, ...argv(args)]);
  }

  private runProcess(label: string, command: string, args: string[], onMark?: (name: string) => void): Promise<Result> {
    const timeoutS = Number(args[args.indexOf('--timeout-s') + 1] ?? 600);
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let result: Result | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as Result;
      else if (line.startsWith(MARK_PREFIX)) onMark?.(line.slice(MARK_PREFIX.length));
      else console.error(`[${label}] ${line}`);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[${label}] ${line}`));
    return new Promise((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 60) * 1000);
      child.once('close', (code, signal) => {
        clearTimeout(killer);
        resolve(result ?? { error: `workload process exited (${signal ?? code}) without a result` });
      });
    });
  }
}

function argv(args: readonly Arg[]): string[] {
  return args.flatMap((a) => (typeof a === 'object' ? ['--address', a.grpcAddress] : [String(a)]));
}

/** Busy CPU seconds of the whole machine so far (/proc/stat, all but idle and iowait). */
export function machineBusyCpuSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return 0;
  }
}

function dirSizeMB(dir: string): number {
  let bytes = 0;
  try {
    for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
  } catch {
    return 0;
  }
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

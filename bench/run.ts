/**
 * `npm run bench`: runs the benchmark workloads (issue 3) and reports; it never asserts.
 * Every workload gets a fresh server process and data directory (W5 seeds one first); the SDK or
 * driver runs in one separate process per workload. Prints a Markdown table and writes
 * bench/results/<timestamp>.json (server logs, and profiles with --cpu-prof, beside it).
 *
 * T0 (run first) needs no server: it measures the floor under W3, a bare grpc-js and node:http2 echo
 * round trip between two processes (back to back and after W3's 20 ms pause) and a 4 KiB append
 * plus fdatasync in the data directory's filesystem.
 *
 * Flags: --only T0,W3   subset of T0, W1..W5
 *        --quick        small N (about a tenth) to smoke-test the harness
 *        --cpu-prof     run every server and workload process with `node --cpu-prof` (profiles in
 *                       the results folder; summarize with bench/profile-summary.ts)
 *        --repeat R     run the selection R times; the table shows, per row, the run with the
 *                       median primary figure (and the range); the JSON keeps every run
 *        --keep-data    do not delete the data directories
 *        --server-heap-mb N  run the servers with `node --max-old-space-size=N`
 *        --pg           the PostgreSQL variant instead: W1, W3, W4 on one node and on two nodes over one
 *                       private, durable PostgreSQL (bench/postgres.ts); --pg-fast turns its fsync off
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeEnvironment, journalModeOf } from './environment.ts';
import { startPostgresBench } from './postgres.ts';
import { medianRows, renderTable, type Row } from './report.ts';
import type { LatencySummary } from './stats.ts';
import { REPO_ROOT, serverNodeArgs, startServer, type RunningServer, type ServerFigures } from './server.ts';
import { RESULT_PREFIX, parseFlags } from './workloads/common.ts';

type Result = Record<string, any>;
interface ServerRun<T> {
  value: T;
  server: ServerFigures & { dataMB: number; journalMode?: string; exit: string; log: string; otherCpuS: number; loadAvgAtStart: number };
}

const flags = parseFlags(process.argv.slice(2));
const quick = flags.has('quick');
const only = new Set((flags.get('only') ?? 'T0,W1,W2,W3,W4,W5').toUpperCase().split(','));
const scale = (n: number) => (quick ? Math.max(1, Math.round(n / 10)) : n);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(REPO_ROOT, 'bench/results');
const runDir = join(resultsDir, `${stamp}${quick ? '-quick' : ''}`);
mkdirSync(runDir, { recursive: true });
const dataRoot = os.tmpdir();

const repeat = Math.max(1, Number(flags.get('repeat') ?? 1));
const rows: Row[] = [];
const raw: Result = {};
let iteration = 0;

/** Keeps a workload's full result for the JSON file (suffixed by the iteration with --repeat). */
function record(label: string, value: unknown): void {
  raw[repeat > 1 ? `${label}#${iteration + 1}` : label] = value;
}

async function main(): Promise<void> {
  const started = Date.now();
  const pg = flags.has('pg')
    ? await startPostgresBench({ flags, quick, scale, runDir, dataRoot, rows, record, runWorkload, sequenceRow, machineBusyCpuSeconds })
    : undefined;
  for (iteration = 0; iteration < repeat; iteration++) {
    if (only.has('T0')) await t0();
    if (pg !== undefined) {
      await pg.run(only);
      continue;
    }
    if (only.has('W1')) await w1();
    if (only.has('W2')) await w2();
    if (only.has('W3')) await w3();
    if (only.has('W4')) await w4();
    if (only.has('W5')) await w5();
  }
  await pg?.dispose();
  const report = {
    timestamp: new Date().toISOString(),
    quick,
    repeat,
    durationS: Math.round((Date.now() - started) / 1000),
    serverHeapMb: flags.has('server-heap-mb') ? Number(flags.get('server-heap-mb')) : undefined,
    ...describeEnvironment(dataRoot),
    ...(pg === undefined ? {} : { durability: pg.durability }),
    rows: medianRows(rows),
    allRows: repeat > 1 ? rows : undefined,
    raw,
  };
  const jsonPath = join(resultsDir, `${stamp}${quick ? '-quick' : ''}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${renderTable(report.rows, report)}\n`);
  console.log(`results: ${jsonPath}\nlogs: ${runDir}`);
}

// ---------------------------------------------------------------- workloads

async function t0(): Promise<void> {
  const n = scale(2000);
  const nPaused = scale(100);
  const fsyncN = scale(200);
  const args = ['--n', n, '--n-paused', nPaused, '--warmup', scale(200), '--fsync-n', fsyncN, '--timeout-s', 60];
  const v = await runWorkload('T0', 'workloads/t0-transport-floor.ts', args);
  record('T0', v);
  if (v.error) {
    rows.push({ workload: 'T0', shape: 'transport floor', throughput: `error: ${v.error}` });
    return;
  }
  for (const [name, t] of [['grpc-js unary', v.grpcJs], ['raw node:http2, gRPC-shaped', v.rawHttp2]] as const) {
    const cpu = `CPU per call: client ${t.backToBack.clientCpuMsPerCall} ms, server ${t.backToBack.serverCpuMsPerCall} ms`;
    rows.push(latencyRow(`${name}, back to back, N=${n}`, cpu, t.backToBack.latencyMs));
    rows.push(latencyRow(`${name}, after ${v.pauseMs} ms idle, N=${nPaused}`, '', t.paused.latencyMs));
  }
  rows.push(latencyRow(`4 KiB append + fdatasync, N=${fsyncN}`, `in ${v.fsync.directory}`, v.fsync.latencyMs));
}

function latencyRow(shape: string, throughput: string, latency: LatencySummary): Row {
  return { workload: 'T0', shape, throughput, latency, primary: latency.p50 };
}

async function w1(): Promise<void> {
  for (const [activities, n] of [[3, scale(1000)], [5, scale(5000)]] as const) {
    const label = `W1-${activities}x${n}`;
    const run = await withServer(label, undefined, (s) =>
      runWorkload(label, 'workloads/w1-sequence.ts', [s, '--n', n, '--activities', activities, '--timeout-s', 900]),
    );
    record(label, run);
    rows.push(sequenceRow('W1', `${activities} activities, N=${n}`, run));
  }
}

async function w2(): Promise<void> {
  const sizes = [scale(1000), scale(10_000)];
  const run = await withServer('W2', undefined, (s) =>
    runWorkload('W2', 'workloads/w2-fan-out.ts', [s, '--sizes', sizes.join(','), '--timeout-s', 900]),
  );
  record('W2', run);
  const runs: Result[] = run.value.runs ?? sizes.map((fanOut) => ({ fanOut, error: run.value.error }));
  for (const r of runs) {
    rows.push({
      workload: 'W2',
      shape: `fan-out ${r.fanOut}`,
      wallS: r.wallMs / 1000,
      primary: r.activitiesPerSec,
      throughput: r.error ? `error: ${r.error}` : `${fmt(r.activitiesPerSec)} activities/s (${r.episodes} episodes${r.ok ? '' : `, FAILED: ${r.status} ${r.failure ?? ''}`})`,
      server: run.server,
      driverCpuS: run.value.driver?.cpuSeconds,
    });
  }
}

async function w3(): Promise<void> {
  const n = quick ? 10 : 50;
  const run = await withServer('W3', undefined, (s) =>
    runWorkload('W3', 'workloads/w3-idle-latency.ts', [s, '--n', n, '--warmup', 5, '--timeout-s', 300]),
  );
  record('W3', run);
  const l = run.value.latencyMs;
  rows.push({
    workload: 'W3',
    shape: `${n} sequential, 3 activities`,
    throughput: run.value.error ? `error: ${run.value.error}` : `start call p50 ${fmt(run.value.startCallMs?.p50)} ms`,
    latency: l,
    primary: l?.p50,
    server: run.server,
    driverCpuS: run.value.driver?.cpuSeconds,
    target: l ? `p50 ≤ 5 ms: ${l.p50 <= 5 ? 'met' : 'NOT met'}; p99 ≤ 15 ms: ${l.p99 <= 15 ? 'met' : 'NOT met'}` : undefined,
  });
}

async function w4(): Promise<void> {
  const n = scale(10_000);
  const run = await withServer('W4', undefined, (s) =>
    runWorkload('W4', 'driver/w4-driver.ts', [s, '--n', n, '--concurrency', 200, '--mode', 'activity', '--timeout-s', 900]),
  );
  record('W4', run);
  const v = run.value;
  rows.push({
    workload: 'W4',
    shape: `raw driver, N=${n}, 1 activity, 200 starts in flight`,
    wallS: v.wallMs / 1000,
    primary: v.workItemsPerSec,
    throughput: v.error ? `error: ${v.error}` : `${fmt(v.workItemsPerSec)} work items/s (${fmt(v.orchestrationsPerSec)} orch/s)`,
    server: run.server,
    driverCpuS: v.driver?.cpuSeconds,
    target: v.workItemsPerSec === undefined ? undefined : `≥ 10,000 work items/s: ${v.workItemsPerSec >= 10_000 ? 'met' : 'NOT met'}`,
  });
}

async function w5(): Promise<void> {
  const n = scale(1000);
  const seedCount = scale(100_000);
  const w1Args = (s: RunningServer) => [s, '--n', n, '--activities', 3, '--timeout-s', 900] as const;
  const baseline = await withServer('W5-baseline', undefined, (s) =>
    runWorkload('W5-baseline', 'workloads/w1-sequence.ts', [...w1Args(s)]),
  );
  const dataDir = mkdtempSync(join(dataRoot, 'dts-bench-W5-'));
  const seed = await withServer('W5-seed', dataDir, (s) =>
    runWorkload('W5-seed', 'driver/w4-driver.ts', [s, '--n', seedCount, '--concurrency', 200, '--mode', 'trivial', '--warmup', 0, '--timeout-s', 1800]),
  );
  const grown = await withServer('W5', dataDir, (s) => runWorkload('W5', 'workloads/w1-sequence.ts', [...w1Args(s)]));
  if (!flags.has('keep-data')) rmSync(dataDir, { recursive: true, force: true });
  record('W5-baseline', baseline);
  record('W5-seed', seed);
  record('W5', grown);
  const ratio = grown.value.orchestrationsPerSec / baseline.value.orchestrationsPerSec;
  rows.push(sequenceRow('W5', `empty-store baseline: 3 activities, N=${n}`, baseline));
  rows.push({
    workload: 'W5',
    shape: `seed ${seedCount} trivial instances (raw driver)`,
    wallS: seed.value.wallMs / 1000,
    primary: seed.value.orchestrationsPerSec,
    throughput: seed.value.error ? `error: ${seed.value.error}` : `${fmt(seed.value.orchestrationsPerSec)} orch/s`,
    server: seed.server,
    driverCpuS: seed.value.driver?.cpuSeconds,
  });
  const row = sequenceRow('W5', `3 activities, N=${n}, ${seedCount} stored`, grown);
  row.target = Number.isFinite(ratio) ? `ratio ${ratio.toFixed(2)} (≥ 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})` : 'ratio n/a';
  row.primary = ratio;
  rows.push(row);
  record('W5ratio', ratio);
}

function sequenceRow(workload: string, shape: string, run: ServerRun<Result>): Row {
  const v = run.value;
  const row: Row = {
    workload,
    shape,
    wallS: v.wallMs / 1000,
    throughput: v.error
      ? `error: ${v.error}`
      : `${fmt(v.orchestrationsPerSec)} orch/s, ${fmt(v.workItemsPerSec)} work items/s${v.failed || v.wrongOutput ? ` (${v.failed} failed, ${v.wrongOutput} wrong)` : ''}`,
    latency: v.latencyMs,
    primary: v.orchestrationsPerSec,
    server: run.server,
    driverCpuS: v.driver?.cpuSeconds,
  };
  if (workload === 'W1' && v.activitiesPerOrchestration === 3 && v.n === 1000) {
    row.target = `≥ 1,000 orch/s: ${v.orchestrationsPerSec >= 1000 ? 'met' : 'NOT met'}`;
  }
  if (workload === 'W1' && v.activitiesPerOrchestration === 5 && v.n === 5000) {
    row.target = `server RSS ≤ 200 MB: ${run.server.peakRssMB <= 200 ? 'met' : 'NOT met'}`;
  }
  return row;
}

// ---------------------------------------------------------------- processes

/** Runs `fn` against a server on `dataDir` (a fresh one, removed afterwards, when undefined). */
async function withServer<T extends Result>(
  label: string,
  dataDir: string | undefined,
  fn: (server: RunningServer) => Promise<T>,
): Promise<ServerRun<T>> {
  const fresh = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(dataRoot, `dts-bench-${label}-`));
  const nodeArgs = serverNodeArgs(flags, join(runDir, 'profiles', label));
  const log = join(runDir, `${label}.server.log`);
  console.error(`[bench] ${label}: starting server on ${dir}`);
  const loadAvgAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const server = await startServer({ dataDir: dir, logFile: log, nodeArgs });
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
  const result = { ...figures, dataMB: dirSizeMB(dir), journalMode: journalModeOf(dir), exit, log, otherCpuS, loadAvgAtStart };
  if (fresh && !flags.has('keep-data')) rmSync(dir, { recursive: true, force: true });
  console.error(`[bench] ${label}: done (server peak RSS ${figures.peakRssMB} MB, CPU ${figures.cpuSeconds} s)`);
  return { value, server: result };
}

/** Runs one workload process (`node --import tsx bench/<script>`), returns its result line. */
function runWorkload(label: string, script: string, args: ReadonlyArray<string | number | RunningServer>): Promise<Result> {
  const argv = args.flatMap((a) => (typeof a === 'object' ? ['--address', a.grpcAddress] : [String(a)]));
  const timeoutS = Number(argv[argv.indexOf('--timeout-s') + 1] ?? 600);
  const prof = flags.has('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${join(runDir, 'profiles', `${label}-driver`)}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', join(REPO_ROOT, 'bench', script), ...argv], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: Result | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as Result;
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

/** Busy CPU seconds of the whole machine so far (/proc/stat, all but idle and iowait). */
function machineBusyCpuSeconds(): number {
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

function fmt(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * The PostgreSQL variant of `npm run bench` (`--pg`): one private PostgreSQL server, started from
 * the installed binaries as the tests start theirs (test/support/postgres-server.ts) but durable
 * by default (fsync, synchronous_commit and full_page_writes on; `--pg-fast` keeps the tests'
 * settings, all off), in a temporary directory that is removed at the end. Each workload runs
 * twice, on a fresh database each time: against one node and against two nodes
 * (`bin/dts.js serve --store postgres://...` twice), so the rows sit side by side.
 *   - W1: one SDK worker and one SDK client per node in the workload process (w1-sequence.ts).
 *   - W3: client on the first node, worker on the last: with two nodes every step crosses nodes.
 *   - W4: one node only: the raw driver holds one worker stream and counts completions on it, so
 *     splitting it over nodes needs a change in bench/driver.
 *   - W2 and W5 are not part of the variant.
 * Server figures of a two-node run: CPU and storage writes summed over the nodes, peak RSS the
 * largest node's; the database's CPU (postmaster and its children) and size are reported apart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresServer } from '../test/support/postgres-server.ts';
import type { Row } from './report.ts';
import { serverNodeArgs, startServer, type RunningServer, type ServerFigures } from './server.ts';
import type { Json } from '../test/support/json.ts';

type Result = Record<string, Json>;

/** What bench/run.ts lends the variant (its workload runner, row builder and bookkeeping). */
export interface BenchContext {
  flags: ReadonlyMap<string, string>;
  quick: boolean;
  scale: (n: number) => number;
  runDir: string;
  dataRoot: string;
  rows: Row[];
  record: (label: string, value: unknown) => void;
  runWorkload: (label: string, script: string, args: ReadonlyArray<string | number>) => Promise<Result>;
  sequenceRow: (workload: string, shape: string, run: NodesRun) => Row;
  machineBusyCpuSeconds: () => number;
}

export interface NodesRun {
  value: Result;
  server: ServerFigures & {
    dataMB: number;
    exit: string;
    log: string;
    otherCpuS: number;
    loadAvgAtStart: number;
    databaseCpuS: number;
    nodes: ServerFigures[];
  };
}

export interface PostgresBench {
  /** The report's `durability` section: the server's settings as it runs. */
  durability: Record<string, unknown>;
  /** Runs the selected workloads (W1, W3, W4) on one node, then on two. Never throws. */
  run(only: ReadonlySet<string>): Promise<void>;
  dispose(): Promise<void>;
}

// autovacuum_naptime as the README recommends for a scheduler's database (the default is 1 min).
const DURABLE = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', autovacuum_naptime: '5s' } as const;
const NODE_COUNTS = [1, 2] as const;

export async function startPostgresBench(ctx: BenchContext): Promise<PostgresBench> {
  const fast = ctx.flags.has('pg-fast');
  console.error(`[bench] starting PostgreSQL (${fast ? 'fsync off, as in the tests' : 'durable settings'})`);
  const server = await PostgresServer.start(fast ? {} : { settings: DURABLE });
  const dispose = () => server.dispose();
  // Ctrl-C or a kill still stops PostgreSQL and removes its directory.
  const onSignal = (signal: NodeJS.Signals) => void dispose().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const durability = await describeDurability(server);
  return {
    durability,
    run: async (only) => {
      for (const [name, workload] of [['W1', w1], ['W3', w3], ['W4', w4]] as const) {
        if (!only.has(name)) continue;
        await workload(ctx, server).catch((error: unknown) => console.error(`[bench] ${name} on PostgreSQL failed`, error));
      }
      for (const skipped of ['W2', 'W5'].filter((w) => only.has(w))) console.error(`[bench] ${skipped}: not part of the PostgreSQL variant`);
    },
    dispose: async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await dispose();
    },
  };
}

const NOT_PEER = 'not run: PostgreSQL variant';
const nodesLabel = (count: number) => `PostgreSQL, ${count} node${count === 1 ? '' : 's'}`;

async function w1(ctx: BenchContext, server: PostgresServer): Promise<void> {
  for (const [activities, n] of [[3, ctx.scale(1000)], [5, ctx.scale(5000)]] as const) {
    for (const count of NODE_COUNTS) {
      const label = `W1-${activities}x${n}-pg${count}`;
      const run = await withNodes(ctx, server, label, count, (addresses) =>
        ctx.runWorkload(label, 'workloads/w1-sequence.ts', ['--address', addresses, '--n', n, '--activities', activities, '--timeout-s', 900]),
      );
      ctx.record(label, run);
      const row = ctx.sequenceRow('W1', `${activities} activities, N=${n}, ${nodesLabel(count)}`, run);
      ctx.rows.push({ ...row, databaseCpuS: run.server.databaseCpuS });
    }
  }
}

async function w3(ctx: BenchContext, server: PostgresServer): Promise<void> {
  const n = ctx.quick ? 10 : 50;
  for (const count of NODE_COUNTS) {
    const label = `W3-pg${count}`;
    const run = await withNodes(ctx, server, label, count, (addresses) =>
      ctx.runWorkload(label, 'workloads/w3-idle-latency.ts', ['--address', addresses, '--n', n, '--warmup', 5, '--timeout-s', 300]),
    );
    ctx.record(label, run);
    const v = run.value;
    ctx.rows.push({
      workload: 'W3',
      shape: `${n} sequential, 3 activities, ${nodesLabel(count)}${count > 1 ? ' (client and worker on different nodes)' : ''}`,
      sdk: 'JS',
      against: 'ours',
      throughput: `p50 / p95 / p99 ${latency(v.latencyMs)} ms (start call p50 ${fmt(v.startCallMs?.p50)} ms)`,
      error: v.error,
      latency: v.latencyMs,
      primary: v.latencyMs?.p50,
      lowerIsBetter: true,
      peerNote: NOT_PEER,
      server: run.server,
      driverCpuS: v.driver?.cpuSeconds,
      databaseCpuS: run.server.databaseCpuS,
    });
  }
}

async function w4(ctx: BenchContext, server: PostgresServer): Promise<void> {
  const n = ctx.scale(10_000);
  const label = 'W4-pg1';
  const run = await withNodes(ctx, server, label, 1, (address) =>
    ctx.runWorkload(label, 'driver/w4-driver.ts', ['--address', address, '--n', n, '--concurrency', 200, '--mode', 'activity', '--timeout-s', 900]),
  );
  ctx.record(label, run);
  const v = run.value;
  ctx.rows.push({
    workload: 'W4',
    shape: `N=${n}, 1 activity, 200 starts in flight, ${nodesLabel(1)}`,
    sdk: 'raw driver',
    against: 'ours',
    wallS: v.wallMs / 1000,
    primary: v.workItemsPerSec,
    throughput: `${fmt(v.workItemsPerSec)} work items/s (${fmt(v.orchestrationsPerSec)} orch/s)`,
    error: v.error,
    peerNote: NOT_PEER,
    server: run.server,
    driverCpuS: v.driver?.cpuSeconds,
    databaseCpuS: run.server.databaseCpuS,
  });
}

/** Runs `fn` (given the nodes' gRPC addresses, comma-separated) against `count` nodes over a fresh database. */
async function withNodes(
  ctx: BenchContext,
  server: PostgresServer,
  label: string,
  count: number,
  fn: (addresses: string) => Promise<Result>,
): Promise<NodesRun> {
  const url = await server.createDatabase('bench');
  const dirs = Array.from({ length: count }, (_, i) => mkdtempSync(join(ctx.dataRoot, `dts-bench-${label}-node${i + 1}-`)));
  const logs = dirs.map((_, i) => join(ctx.runDir, `${label}.node${i + 1}.server.log`));
  const loadAvgAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const nodes: RunningServer[] = [];
  let value: Result;
  let figures: ServerFigures[] = [];
  let databaseCpuS = 0;
  let otherCpuS = 0;
  try {
    console.error(`[bench] ${label}: starting ${count} node(s) on ${url}`);
    for (const [i, dataDir] of dirs.entries()) {
      const nodeArgs = serverNodeArgs(ctx.flags, join(ctx.runDir, 'profiles', `${label}-node${i + 1}`));
      nodes.push(await startServer({ dataDir, store: url, logFile: logs[i]!, nodeArgs }));
    }
    const machineBefore = ctx.machineBusyCpuSeconds();
    const databaseBefore = databaseCpuSeconds(server.pid);
    value = await fn(nodes.map((node) => node.grpcAddress).join(','));
    figures = nodes.map((node) => node.figures());
    databaseCpuS = round1(databaseCpuSeconds(server.pid) - databaseBefore);
    const known = sum(figures.map((f) => f.cpuSeconds)) + databaseCpuS + Number(value.driver?.cpuSeconds ?? 0);
    otherCpuS = Math.max(0, round1(ctx.machineBusyCpuSeconds() - machineBefore - known));
  } catch (error) {
    value = { error: error instanceof Error ? error.message : String(error) };
  }
  const exits = await Promise.all(nodes.map((node) => node.stop()));
  const dataMB = await databaseSizeMB(url);
  await dropDatabase(server, url);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  console.error(`[bench] ${label}: done`);
  const aggregate = {
    peakRssMB: Math.max(0, ...figures.map((f) => f.peakRssMB)),
    sampledPeakRssMB: Math.max(0, ...figures.map((f) => f.sampledPeakRssMB)),
    cpuSeconds: round1(sum(figures.map((f) => f.cpuSeconds))),
    storageWriteMB: round1(sum(figures.map((f) => f.storageWriteMB))),
    writeSyscalls: sum(figures.map((f) => f.writeSyscalls)),
    dataMB,
    exit: exits.join(','),
    log: logs.join(','),
    otherCpuS,
    loadAvgAtStart,
    databaseCpuS,
    nodes: figures,
  };
  return { value, server: aggregate };
}

/** The settings that decide what an acknowledged commit survives, as the server reports them. */
async function describeDurability(server: PostgresServer): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  try {
    const show = async (name: string) => String((await client.query(`SHOW ${name}`)).rows[0]?.[name]);
    const settings: Record<string, unknown> = {
      store: 'postgres (private server from the installed binaries, loopback TCP; a fresh database per run; nodes: bin/dts.js serve --store postgres://...)',
    };
    for (const name of ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'autovacuum_naptime']) settings[name] = await show(name);
    return settings;
  } finally {
    await client.end();
  }
}

async function databaseSizeMB(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const result = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    return round1(Number(result.rows[0]?.bytes ?? 0) / 2 ** 20);
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabase(server: PostgresServer, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url() });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  } catch (error) {
    console.error(`[bench] could not drop ${url} (the cluster is removed at the end anyway)`, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * CPU seconds of the postmaster and its children (backends, WAL writer, checkpointer...): their
 * own time plus that of children already reaped, so backends that end in between still count.
 */
function databaseCpuSeconds(postmasterPid: number | undefined): number {
  if (postmasterPid === undefined) return 0;
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1] = ppid; fields[11..14] = utime, stime, cutime, cstime (proc(5) fields 4, 14-17).
      if (Number(name) !== postmasterPid && Number(fields[1]) !== postmasterPid) continue;
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / 100;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function latency(l: { p50: number; p95: number; p99: number } | undefined): string {
  return l ? `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)}` : 'n/a';
}

function fmt(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

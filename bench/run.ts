/**
 * `npm run bench`: runs the benchmark workloads (bench/suite.ts) and reports. Every workload gets
 * a fresh server process and data directory; the SDK or driver runs in one separate process per
 * workload. Prints one Markdown table and writes bench/results/<timestamp>.json (server logs, and
 * profiles with --cpu-prof, beside it). The Go module (bench/go) is built first when its sources
 * changed.
 *
 * A workload whose result is wrong (an instance not completed, or with the wrong output), and any
 * workload on our server that does not finish, fail the run: the table is still printed, then the
 * failures, and the exit code is 1. The peer or the ceiling not finishing is reported in the table.
 * The JSON is rewritten after every iteration; SIGINT or SIGTERM prints the table of the runs so
 * far (the workload's own processes get the same signal from the terminal's process group).
 *
 * Flags: --only T0,W3   subset of T0, W1..W5
 *        --servers peer,ceiling   which servers W1-W3 run against besides ours (default both)
 *        --sdks js,go   which SDKs W1-W3 run with (default both)
 *        --quick        small N (about a tenth) to smoke-test the harness; one run unless --repeat
 *        --repeat R     run the selection R times (default 3, or 1 with --quick); every figure in
 *                       the table is the median of the runs, their range beside it; the JSON keeps all
 *        --peer-timeout-s S  bound on each workload against the peer (default 900)
 *        --cpu-prof     run every Node server and workload process with `node --cpu-prof` (profiles
 *                       in the results folder; summarize with bench/profile-summary.ts)
 *        --keep-data    do not delete the data directories
 *        --server-heap-mb N  run our servers with `node --max-old-space-size=N`
 *        --pg           the PostgreSQL variant instead: W1, W3, W4 on one node and on two nodes over one
 *                       private, durable PostgreSQL (bench/postgres.ts); --pg-fast turns its fsync off
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describeEnvironment, loadAverage, sqliteVersion } from './environment.ts';
import { ensureGoBinaries, type GoBinaries } from './go-build.ts';
import { Harness, machineBusyCpuSeconds, type Sdk } from './harness.ts';
import { startPostgresBench } from './postgres.ts';
import { medianRows, renderTable, type Row } from './report.ts';
import { judgeTargets, sequenceRow } from './rows.ts';
import { REPO_ROOT } from './server.ts';
import { Suite, type Servers } from './suite.ts';
import { ceiling, ours, peer } from './targets.ts';
import { parseFlags } from './workloads/common.ts';

const flags = parseFlags(process.argv.slice(2));
const quick = flags.has('quick');
const only = new Set((flags.get('only') ?? 'T0,W1,W2,W3,W4,W5').toUpperCase().split(','));
const serverNames = new Set((flags.get('servers') ?? 'peer,ceiling').toLowerCase().split(','));
const sdks = (flags.get('sdks') ?? 'js,go').toLowerCase().split(',').map((s) => (s === 'go' ? 'Go' : 'JS')) as Sdk[];
const repeat = Math.max(1, Number(flags.get('repeat') ?? (quick ? 1 : 3)));
const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}`;
const resultsDir = join(REPO_ROOT, 'bench/results');
const runDir = join(resultsDir, stamp);

async function main(): Promise<number> {
  const started = Date.now();
  mkdirSync(runDir, { recursive: true });
  const environment = describeEnvironment(os.tmpdir());
  const pgRun = flags.has('pg');
  const needsGo = !pgRun && (sdks.includes('Go') || serverNames.has('peer')) && ['W1', 'W2', 'W3'].some((w) => only.has(w));
  const go: GoBinaries | undefined = needsGo ? ensureGoBinaries() : undefined;
  const h = new Harness(flags, repeat, runDir, os.tmpdir(), go);
  const servers: Servers = {
    ours: ours(sqliteVersion()),
    peer: go && serverNames.has('peer') ? peer(go) : undefined,
    ceiling: serverNames.has('ceiling') ? ceiling() : undefined,
  };
  const suite = new Suite(h, servers, sdks);
  const pg = pgRun
    ? await startPostgresBench({
        flags, quick, scale: (n) => h.scale(n), runDir, dataRoot: h.dataRoot, rows: h.rows,
        record: (label, value) => h.record(label, value),
        runWorkload: (label, script, args) => h.runWorkload(label, script, args),
        sequenceRow: (workload, shape, run) => ({ ...sequenceRow(workload, shape, 'JS', 'ours', run), peerNote: 'not run: PostgreSQL variant' }),
        machineBusyCpuSeconds,
      })
    : undefined;
  const durability = () =>
    pg === undefined
      ? Object.fromEntries(Object.values(servers).filter((t) => t !== undefined).map((t) => [t.name, t.durability()]))
      : { ours: pg.durability };
  const jsonPath = join(resultsDir, `${stamp}.json`);
  /** Writes the JSON report (after every iteration, so a long run stopped early keeps what it measured). */
  const writeReport = (iterationsDone: number) => {
    const report = {
      timestamp: new Date().toISOString(),
      quick,
      repeat,
      iterationsDone,
      durationS: Math.round((Date.now() - started) / 1000),
      serverHeapMb: flags.has('server-heap-mb') ? Number(flags.get('server-heap-mb')) : undefined,
      ...environment,
      machine: { ...environment.machine, loadAverageAtEnd: loadAverage() },
      versions: { ...environment.versions, go: go?.versions },
      durability: durability(),
      rows: judgeTargets(medianRows(h.rows)),
      allRows: repeat > 1 ? h.rows : undefined,
      raw: h.raw,
    };
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  };
  const printReport = (iterationsDone: number) => {
    const report = writeReport(iterationsDone);
    console.log(`\n${renderTable(report.rows, report)}\n`);
    console.log(`results: ${jsonPath}\nlogs: ${runDir}`);
  };
  if (pg === undefined) {
    // Stopped early (Ctrl-C, a kill): the table of what was measured, then the usual exit code.
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(`[bench] ${signal}: stopping after ${h.iteration} complete iteration(s); the table holds every run so far`);
      printReport(h.iteration);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  for (h.iteration = 0; h.iteration < repeat; h.iteration++) {
    if (only.has('T0')) await suite.t0();
    if (pg !== undefined) {
      await pg.run(only);
      continue;
    }
    for (const name of ['W1', 'W2', 'W3', 'W4', 'W5'] as const) {
      if (only.has(name)) await suite[name.toLowerCase() as 'w1' | 'w2' | 'w3' | 'w4' | 'w5']();
    }
    writeReport(h.iteration + 1);
  }
  await pg?.dispose();
  printReport(repeat);
  return reportFailures(h.rows);
}

/** Wrong results anywhere, and anything our server did not finish, fail the run (exit code 1). */
function reportFailures(rows: readonly Row[]): number {
  const failures = rows.filter((r) => r.error !== undefined && (r.against === 'ours' || r.against === 'none' || r.error.includes('wrong result')));
  for (const r of failures) console.error(`[bench] FAILED: ${r.workload} ${r.shape} (${r.sdk || 'no SDK'}, ${r.against}): ${r.error}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

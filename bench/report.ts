/**
 * Renders benchmark rows as a Markdown table (plus a short header naming the machine, durability
 * and versions).
 */
import type { LatencySummary } from './stats.ts';
import type { ServerFigures } from './server.ts';

export interface Row {
  workload: string;
  shape: string;
  wallS?: number;
  throughput: string;
  latency?: LatencySummary;
  /** Absent for rows without a server under test (T0). */
  server?: ServerFigures & { dataMB: number; otherCpuS?: number };
  driverCpuS?: number;
  /** PostgreSQL variant: CPU seconds of the database server (postmaster and backends). */
  databaseCpuS?: number;
  target?: string;
  /** The row's main figure (throughput, W3's p50, W5's ratio): picks the median run with --repeat. */
  primary?: number;
  /** With --repeat: how many runs and the range of `primary`. */
  spread?: string;
}

/** With repeated runs: per (workload, shape), the row whose primary figure is the median. */
export function medianRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.workload}\u0000${row.shape}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const sorted = [...group].sort((a, b) => (a.primary ?? Number.NaN) - (b.primary ?? Number.NaN));
    const values = sorted.map((r) => r.primary).filter((p): p is number => typeof p === 'number' && Number.isFinite(p));
    const pick = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const range = values.length > 0 ? `${num(values[0], 2)}–${num(values[values.length - 1], 2)}` : 'n/a';
    return { ...pick, spread: `median of ${group.length} runs (primary range ${range})` };
  });
}

export function renderTable(rows: readonly Row[], report: Record<string, any>): string {
  const m = report.machine ?? {};
  const v = report.versions ?? {};
  const d = report.durability ?? {};
  const header = [
    `### Benchmark ${report.timestamp}${report.quick ? ' (QUICK: small N, not comparable)' : ''}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, ${m.kernel}; data on ${m.dataFilesystem}.`,
    d.fsync === undefined
      ? `Durability: ${d.store}, journal_mode=${d.journalMode}, synchronous=${d.synchronous}, SQLite ${d.sqliteVersion}.`
      : `Durability: ${d.store}; PostgreSQL ${d.server_version}, fsync=${d.fsync}, synchronous_commit=${d.synchronous_commit}, ` +
        `full_page_writes=${d.full_page_writes}, wal_sync_method=${d.wal_sync_method}, shared_buffers=${d.shared_buffers}, autovacuum_naptime=${d.autovacuum_naptime}. ` +
        'With several nodes, server CPU is their sum and peak RSS the largest; DB CPU is the database server\'s.',
    `Versions: Node ${v.node}, @microsoft/durabletask-js ${v['@microsoft/durabletask-js']}, @grpc/grpc-js ${v['@grpc/grpc-js']}, ` +
      `better-sqlite3 ${v['better-sqlite3']}, server ${v.server} @ ${v.gitCommit}${v.gitDirty ? ' (uncommitted changes)' : ''}.`,
    ...(report.serverHeapMb === undefined ? [] : [`Servers started with node --max-old-space-size=${report.serverHeapMb}.`]),
    'Other CPU = CPU seconds used on the machine during the workload by processes other than the server and the',
    'workload process (noise from concurrent jobs; the machine has 2 cores shared by server and SDK process).',
    '',
  ];
  const withDatabase = rows.some((r) => r.databaseCpuS !== undefined);
  const columns = ['Workload', 'Shape', 'Wall (s)', 'Throughput', 'Latency p50 / p95 / p99 (ms)', 'Server peak RSS (MB)', 'Server CPU (s)',
    ...(withDatabase ? ['DB CPU (s)'] : []), 'Driver CPU (s)', 'Other CPU (s)', 'Data (MB)', 'Target'];
  const lines = [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) =>
      [
        r.workload,
        r.shape,
        num(r.wallS, 2),
        r.spread ? `${r.throughput} [${r.spread}]` : r.throughput,
        r.latency ? latencyCell(r.latency) : '',
        num(r.server?.peakRssMB, 0),
        num(r.server?.cpuSeconds, 1),
        ...(withDatabase ? [num(r.databaseCpuS, 1)] : []),
        num(r.driverCpuS, 1),
        num(r.server?.otherCpuS, 1),
        num(r.server?.dataMB, 1),
        r.target ?? '',
      ].join(' | '),
    ).map((line) => `| ${line} |`),
  ];
  return [...header, ...lines].join('\n');
}

/** T0's (sub-)millisecond figures need a second decimal to be told apart. */
function latencyCell(latency: LatencySummary): string {
  const digits = latency.p50 < 10 ? 2 : 1;
  return `${num(latency.p50, digits)} / ${num(latency.p95, digits)} / ${num(latency.p99, digits)}`;
}

function num(value: number | undefined, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '';
}

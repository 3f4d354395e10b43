/**
 * The benchmark's one table: per workload shape and SDK, our server's figure beside the peer's
 * (durabletask-go's sidecar) and, for W1 with the JavaScript SDK, the SDK's in-memory ceiling,
 * with the ratios. Every figure is the median over the repeated runs, its range beside it. The
 * header names the machine (and its load), the durability of each server and the versions.
 */
import type { LatencySummary } from './stats.ts';
import type { ServerFigures } from './server.ts';
import type { Json } from '../test/support/json.ts';

/** Who served the row: our server, the peer, the JavaScript ceiling, or nothing (T0). */
export type Against = 'ours' | 'peer' | 'ceiling' | 'none';

export interface Row {
  workload: string;
  shape: string;
  /** 'JS', 'Go', 'raw driver' or '' (T0). */
  sdk: string;
  against: Against;
  wallS?: number;
  throughput: string;
  latency?: LatencySummary;
  server?: ServerFigures & { dataMB: number; otherCpuS?: number };
  driverCpuS?: number;
  /** W4: the server's CPU over the measured phase per work item acknowledged, in ms. */
  serverCpuMsPerItem?: number;
  /** PostgreSQL variant: CPU seconds of the database server (postmaster and backends). */
  databaseCpuS?: number;
  target?: string;
  /** The row's main figure (throughput, W3's p50, W5's ratio): the median across runs is taken on it. */
  primary?: number;
  /** The primary figure is a latency (the ratio reads "lower is better"). */
  lowerIsBetter?: boolean;
  /** Why the peer has no row beside this one (on our rows only). */
  peerNote?: string;
  /** The run did not produce a figure (timeout, crash, wrong result). */
  error?: string;
  /** With --repeat: runs and the range of `primary` over those with a figure. */
  spread?: { runs: number; min: number; max: number };
}

const key = (r: Row) => `${r.workload}\u0000${r.shape}\u0000${r.sdk}`;

/** Per (workload, shape, SDK, server): the run whose primary figure is the median, with the range. */
export function medianRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const k = `${key(row)}\u0000${row.against}`;
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const measured = group.filter((r) => r.error === undefined && Number.isFinite(r.primary));
    if (measured.length === 0) return { ...group[group.length - 1]! };
    const sorted = [...measured].sort((a, b) => a.primary! - b.primary!);
    const pick = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const failed = group.find((r) => r.error !== undefined);
    return {
      ...pick,
      ...(failed && { error: failed.error }),
      spread: { runs: group.length, min: sorted[0]!.primary!, max: sorted[sorted.length - 1]!.primary! },
    };
  });
}

export function renderTable(rows: readonly Row[], report: Record<string, Json>): string {
  const columns = [
    'Workload', 'Shape', 'SDK',
    'Ours', 'Peer: durabletask-go sidecar', 'Ours / peer',
    'Ceiling: JS SDK in-memory (not durable)', 'Ours / ceiling',
    'Ours: server CPU s · peak RSS MB · SDK CPU s · other CPU s', 'Peer: same',
    'Target',
  ];
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  const lines = [...groups.values()].map((group) => {
    const ours = group.find((r) => r.against === 'ours' || r.against === 'none');
    const peer = group.find((r) => r.against === 'peer');
    const ceiling = group.find((r) => r.against === 'ceiling');
    const first = group[0]!;
    return [
      first.workload,
      first.shape,
      first.sdk,
      ours ? resultCell(ours) : 'not run',
      peer ? resultCell(peer) : (ours?.peerNote ?? 'not run'),
      ratioCell(ours, peer),
      ceiling ? resultCell(ceiling) : '',
      ceiling ? ratioCell(ours, ceiling) : '',
      ours?.against === 'ours' ? figuresCell(ours) : '',
      peer ? figuresCell(peer) : '',
      ours?.target ?? '',
    ].map((cell) => cell.replace(/\|/g, '\\|'));
  });
  return [
    ...header(report),
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...lines.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function header(report: Record<string, Json>): string[] {
  const m = report.machine ?? {};
  const v = report.versions ?? {};
  const d = report.durability ?? {};
  const load = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : 'n/a');
  return [
    `### Benchmark ${report.timestamp}${report.quick ? ' (QUICK: small N, not comparable)' : ''}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, ${m.kernel}; data on ${m.dataFilesystem}. ` +
      `Load average (1 / 5 / 15 min) at start ${load(m.loadAverageAtStart)}, at end ${load(m.loadAverageAtEnd)}.`,
    ...Object.entries(d).map(([who, settings]) => `Durability, ${who}: ${describe(settings)}.`),
    `Versions: Node ${v.node}, @microsoft/durabletask-js ${v['@microsoft/durabletask-js']}, @grpc/grpc-js ${v['@grpc/grpc-js']}, ` +
      `better-sqlite3 ${v['better-sqlite3']}, server ${v.server} @ ${v.gitCommit}${v.gitDirty ? ' (uncommitted changes)' : ''}` +
      (v.go ? `; ${v.go.go}, peer ${v.go.peerModule} (${v.go.sqliteDriver}, ${v.go.grpc}), Go SDK ${v.go.sdkModule}` : '') +
      '.',
    ...(report.serverHeapMb === undefined ? [] : [`Servers started with node --max-old-space-size=${report.serverHeapMb}.`]),
    `Each figure: the median of the runs, [min–max, runs] beside it (${runsOf(report)}). ` +
      'Ratios are of the medians; for latencies (W3, T0) lower is better. Other CPU: CPU seconds used on the machine during the ' +
      'workload by processes other than the server and the workload process (noise from concurrent jobs; 2 cores shared by all).',
    '',
  ];
}

/** "3 runs of the selection", or, for a run stopped early, how far it got. */
function runsOf(report: Record<string, Json>): string {
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  const done = report.iterationsDone ?? report.repeat;
  return done >= report.repeat ? `${runs(report.repeat)} of the selection` : `stopped early: ${runs(done)} of the selection complete out of ${report.repeat}, and part of the next`;
}

function describe(settings: unknown): string {
  if (typeof settings !== 'object' || settings === null) return String(settings);
  return Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

function resultCell(row: Row): string {
  if (row.error !== undefined) return `${row.spread && row.primary !== undefined ? `${row.throughput}; ` : ''}FAILED: ${row.error}`;
  const spread = row.spread && row.spread.runs > 1 ? ` [${figure(row.spread.min)}–${figure(row.spread.max)}, ${row.spread.runs} runs]` : '';
  const latency = row.latency && !row.lowerIsBetter ? `; latency p50 / p95 / p99 ${latencyCell(row.latency)} ms` : '';
  return `${row.throughput}${spread}${latency}`;
}

function ratioCell(ours: Row | undefined, other: Row | undefined): string {
  if (!ours || !other || ours.error !== undefined || other.error !== undefined) return '';
  const ratio = Number(ours.primary) / Number(other.primary);
  return Number.isFinite(ratio) ? ratio.toFixed(2) : '';
}

function figuresCell(row: Row): string {
  const s = row.server;
  if (!s) return '';
  const database = row.databaseCpuS === undefined ? '' : ` (DB ${num(row.databaseCpuS, 1)})`;
  return `${num(s.cpuSeconds, 1)}${database} · ${num(s.peakRssMB, 0)} · ${num(row.driverCpuS, 1)} · ${num(s.otherCpuS, 1)}`;
}

/** A figure with as many decimals as tell runs apart: 1,234 / 56.7 / 0.94. */
function figure(value: number): string {
  return num(value, Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
}

/** p50 / p95 / p99 in ms, with as many decimals as tell them apart. */
function latencyCell(latency: LatencySummary): string {
  return `${figure(latency.p50)} / ${figure(latency.p95)} / ${figure(latency.p99)}`;
}

function num(value: number | undefined, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '';
}

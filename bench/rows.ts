/**
 * Table rows from workload results, and the targets of issue 15 judged on the medians (some
 * against the peer's or the ceiling's figure in the same run). Targets apply to the full-size
 * shapes only, so a --quick run judges none.
 */
import type { ServerRun } from './harness.ts';
import type { Against, Row } from './report.ts';
import type { LatencySummary } from './stats.ts';

export function sequenceRow(workload: string, shape: string, sdk: string, against: Against, run: ServerRun): Row {
  const v = run.value;
  return {
    workload,
    shape,
    sdk,
    against,
    wallS: v.wallMs / 1000,
    throughput: `${fmt(v.orchestrationsPerSec)} orch/s, ${fmt(v.workItemsPerSec)} work items/s`,
    latency: v.latencyMs,
    primary: v.orchestrationsPerSec,
    error: v.error,
    server: run.server,
    driverCpuS: v.driver?.cpuSeconds,
  };
}

export function latencyRow(shape: string, throughput: string, latency: LatencySummary): Row {
  const p = (x: number) => fmt(x, 2);
  const figures = `p50 / p95 / p99 ${p(latency.p50)} / ${p(latency.p95)} / ${p(latency.p99)} ms`;
  return { workload: 'T0', shape, sdk: '', against: 'none', throughput: throughput ? `${figures}; ${throughput}` : figures, latency, primary: latency.p50, lowerIsBetter: true, peerNote: 'no server' };
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** Sets `target` on our rows where issue 15 sets one. */
export function judgeTargets(rows: Row[]): Row[] {
  const find = (workload: string, shape: string, sdk: string, against: Against) =>
    rows.find((r) => r.workload === workload && r.shape === shape && r.sdk === sdk && r.against === against && r.error === undefined);
  const ratio = (a: Row | undefined, b: Row | undefined) => Number(a?.primary) / Number(b?.primary);
  return rows.map((row) => {
    if (row.against !== 'ours' || row.error !== undefined) return row;
    const goals: string[] = [];
    const { workload, shape, sdk } = row;
    const p = Number(row.primary);
    if (workload === 'W1' && shape === '3 activities, N=1,000' && sdk === 'Go') {
      const peer = ratio(row, find('W1', shape, 'Go', 'peer'));
      goals.push(`≥ 1,500 orch/s: ${verdict(p >= 1500)}`);
      if (Number.isFinite(peer)) goals.push(`≥ 2x the peer: ${verdict(peer >= 2)}`);
    }
    if (workload === 'W1' && shape === '3 activities, N=1,000' && sdk === 'JS') {
      const fraction = ratio(row, find('W1', shape, 'JS', 'ceiling'));
      if (Number.isFinite(fraction)) goals.push(`≥ 0.9 of the ceiling: ${verdict(fraction >= 0.9)}`);
    }
    if (workload === 'W1' && shape === '5 activities, N=5,000' && row.server) goals.push(`peak RSS ≤ 200 MB: ${verdict(row.server.peakRssMB <= 200)}`);
    if (workload === 'W2' && shape === 'fan-out 10,000' && row.wallS !== undefined) goals.push(`≤ 3 s: ${verdict(row.wallS <= 3)}`);
    if (workload === 'W3' && sdk === 'Go' && row.latency) goals.push(`p50 ≤ 3 ms: ${verdict(row.latency.p50 <= 3)}; p99 ≤ 8 ms: ${verdict(row.latency.p99 <= 8)}`);
    if (workload === 'W4' && shape === 'N=10,000, 1 activity, 200 starts in flight') {
      goals.push(`≥ 10,000 work items/s: ${verdict(p >= 10_000)}`);
      const cpu = row.serverCpuMsPerItem;
      if (cpu !== undefined && Number.isFinite(cpu)) goals.push(`≤ 0.1 ms server CPU per item: ${verdict(cpu <= 0.1)}`);
    }
    if (workload === 'W5' && shape.endsWith('100,000 stored')) goals.push(`ratio ≥ 0.9: ${verdict(p >= 0.9)}`);
    return goals.length === 0 ? row : { ...row, target: goals.join('; ') };
  });
}

/** A whole number with thousands separators, or `digits` decimals; 'n/a' for no number. */
export function fmt(value: unknown, digits = 0): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
}

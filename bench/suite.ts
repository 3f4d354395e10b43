/**
 * The workloads of `npm run bench` (issue 3, with the variants of issue 15). Each run of a
 * workload gets a fresh server and data directory; W1-W3 run with each SDK (JavaScript, Go)
 * against our server and against the peer, and W1 with the JavaScript SDK also against the
 * ceiling, one after another in the same iteration so that the machine's load falls on all alike.
 *   T0  transport floor, no server (a bare gRPC and HTTP/2 echo between two processes; fdatasync)
 *   W1  hello sequences: 3 activities x 1,000 and 5 activities x 5,000, all started at once
 *   W2  fan-out/fan-in of 1,000 and of 10,000 activities
 *   W3  50 hello sequences one after another on an idle server (latency)
 *   W4  our raw protocol driver against our server (its ceiling); server CPU per work item
 *   W5  W1 over a store already holding 100,000 instances, against an empty one (ratio)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Harness, Result, Sdk } from './harness.ts';
import type { Row } from './report.ts';
import { fmt, latencyRow, sequenceRow } from './rows.ts';
import type { RunningServer } from './server.ts';
import type { Target } from './targets.ts';

export interface Servers {
  ours: Target;
  peer?: Target;
  ceiling?: Target;
}

interface Variant {
  target: Target;
  sdk: Sdk;
}

/** T0's loaded shape: as many calls outstanding as W4's driver keeps starts in flight. */
const T0_IN_FLIGHT = 200;
const NOT_COMPARED = 'not run: not part of the comparison (issue 15 compares W1–W3)';
const PEER_TOO_SLOW = 'not run by default: one run takes tens of minutes on the peer (README, Performance); --peer-large runs it';

export class Suite {
  private readonly h: Harness;
  private readonly servers: Servers;
  private readonly sdks: readonly Sdk[];

  constructor(h: Harness, servers: Servers, sdks: readonly Sdk[]) {
    this.h = h;
    this.servers = servers;
    this.sdks = sdks;
  }

  /**
   * Our server with each SDK, then the peer with each (unless the shape is `large` and
   * --peer-large was not given), then (`withCeiling`) the ceiling with the JavaScript SDK.
   */
  private variants(options: { withCeiling?: boolean; large?: boolean } = {}): Variant[] {
    const { ours, ceiling } = this.servers;
    const peer = this.peerFor(options.large ?? false);
    const on = (target: Target | undefined, sdks: readonly Sdk[]) => (target ? sdks.map((sdk) => ({ target, sdk })) : []);
    return [...on(ours, this.sdks), ...on(peer, this.sdks), ...on(options.withCeiling ? ceiling : undefined, this.sdks.filter((s) => s === 'JS'))];
  }

  private peerFor(large: boolean): Target | undefined {
    return large && !this.h.flags.has('peer-large') ? undefined : this.servers.peer;
  }

  /** On our rows of a large shape the peer skipped: why. */
  private peerNote(large: boolean): Partial<Row> {
    return this.servers.peer !== undefined && this.peerFor(large) === undefined ? { peerNote: PEER_TOO_SLOW } : {};
  }

  private timeoutS(target: Target): number {
    return target.name === 'peer' ? Number(this.h.flags.get('peer-timeout-s') ?? 900) : 900;
  }

  async t0(): Promise<void> {
    const h = this.h;
    const n = h.scale(2000);
    const nPaused = h.scale(100);
    const fsyncN = h.scale(200);
    const nLoaded = h.scale(20_000);
    const args = ['--n', n, '--n-paused', nPaused, '--n-loaded', nLoaded, '--in-flight', T0_IN_FLIGHT, '--warmup', h.scale(200), '--fsync-n', fsyncN, '--timeout-s', 60];
    const v = await h.runWorkload('T0', 'workloads/t0-transport-floor.ts', args);
    h.record('T0', v);
    if (v.error) {
      h.rows.push({ workload: 'T0', shape: 'transport floor', sdk: '', against: 'none', throughput: '', error: v.error });
      return;
    }
    for (const [name, t] of [['grpc-js unary', v.grpcJs], ['raw node:http2, gRPC-shaped', v.rawHttp2]] as const) {
      const cpu = `CPU per call: client ${t.backToBack.clientCpuMsPerCall} ms, server ${t.backToBack.serverCpuMsPerCall} ms`;
      h.rows.push(latencyRow(`${name}, back to back, N=${n}`, cpu, t.backToBack.latencyMs));
      h.rows.push(latencyRow(`${name}, after ${v.pauseMs} ms idle, N=${nPaused}`, '', t.paused.latencyMs));
      const loaded = t.inFlight;
      h.rows.push({
        ...latencyRow(`${name}, ${loaded.inFlight} calls in flight, N=${fmt(nLoaded)}`, `${fmt(loaded.callsPerSec)} calls/s; CPU per call: client ${loaded.clientCpuMsPerCall} ms, server ${loaded.serverCpuMsPerCall} ms`, loaded.latencyMs),
        primary: loaded.serverCpuMsPerCall,
      });
    }
    h.rows.push(latencyRow(`4 KiB append + fdatasync, N=${fsyncN}`, `in ${v.fsync.directory}`, v.fsync.latencyMs));
  }

  async w1(): Promise<void> {
    const h = this.h;
    for (const [activities, n] of [[3, h.scale(1000)], [5, h.scale(5000)]] as const) {
      const large = activities === 5;
      for (const { target, sdk } of this.variants({ withCeiling: !large, large })) {
        const label = `W1-${activities}x${n}-${target.name}-${sdk}`;
        const run = await h.withServer(target, label, undefined, (s) =>
          h.runSdkWorkload(label, sdk, 'w1', [s, '--n', n, '--activities', activities, '--timeout-s', this.timeoutS(target)]),
        );
        h.record(label, run);
        h.rows.push({ ...sequenceRow('W1', `${activities} activities, N=${fmt(n)}`, sdk, target.name, run), ...this.peerNote(large) });
      }
    }
  }

  async w2(): Promise<void> {
    const h = this.h;
    const [small, large] = [h.scale(1000), h.scale(10_000)];
    for (const { target, sdk } of this.variants()) {
      const sizes = target.name === 'peer' && this.peerFor(true) === undefined ? [small] : [small, large];
      const label = `W2-${target.name}-${sdk}`;
      const run = await h.withServer(target, label, undefined, (s) =>
        h.runSdkWorkload(label, sdk, 'w2', [s, '--sizes', sizes.join(','), '--timeout-s', this.timeoutS(target)]),
      );
      h.record(label, run);
      const runs: Result[] = run.value.runs ?? sizes.map((fanOut) => ({ fanOut }));
      for (const r of runs) {
        h.rows.push({
          workload: 'W2',
          shape: `fan-out ${fmt(r.fanOut)}`,
          sdk,
          against: target.name,
          wallS: r.wallMs / 1000,
          primary: r.activitiesPerSec,
          throughput: `${fmt(r.activitiesPerSec)} activities/s, ${((r.wallMs ?? Number.NaN) / 1000).toFixed(2)} s (${r.episodes} episodes)`,
          error: run.value.error,
          server: run.server,
          driverCpuS: run.value.driver?.cpuSeconds,
          ...(r.fanOut === large ? this.peerNote(true) : {}),
        });
      }
    }
  }

  async w3(): Promise<void> {
    const h = this.h;
    const n = h.quick ? 10 : 50;
    for (const { target, sdk } of this.variants()) {
      const label = `W3-${target.name}-${sdk}`;
      const run = await h.withServer(target, label, undefined, (s) =>
        h.runSdkWorkload(label, sdk, 'w3', [s, '--n', n, '--warmup', 5, '--timeout-s', this.timeoutS(target)]),
      );
      h.record(label, run);
      const l = run.value.latencyMs;
      h.rows.push({
        workload: 'W3',
        shape: `${n} sequential, 3 activities`,
        sdk,
        against: target.name,
        throughput: l ? `p50 / p95 / p99 ${fmt(l.p50, 1)} / ${fmt(l.p95, 1)} / ${fmt(l.p99, 1)} ms (start call p50 ${fmt(run.value.startCallMs?.p50, 1)} ms)` : '',
        latency: l,
        primary: l?.p50,
        lowerIsBetter: true,
        error: run.value.error,
        server: run.server,
        driverCpuS: run.value.driver?.cpuSeconds,
      });
    }
  }

  async w4(): Promise<void> {
    const h = this.h;
    const n = h.scale(10_000);
    // Server CPU over the measured phase only (the driver marks its bounds), per work item.
    const cpuAt = new Map<string, number>();
    const run = await h.withServer(this.servers.ours, 'W4', undefined, (s) =>
      h.runWorkload('W4', 'driver/w4-driver.ts', [s, '--n', n, '--concurrency', 200, '--mode', 'activity', '--timeout-s', 900], (mark) =>
        cpuAt.set(mark, s.figures().cpuSeconds),
      ),
    );
    const cpuMsPerItem = ((cpuAt.get('measure-end') ?? Number.NaN) - (cpuAt.get('measure-start') ?? Number.NaN)) * 1000 / run.value.workItems;
    run.value.serverCpuMsPerWorkItem = Math.round(cpuMsPerItem * 1000) / 1000;
    h.record('W4', run);
    const v = run.value;
    h.rows.push({
      workload: 'W4',
      shape: `N=${fmt(n)}, 1 activity, 200 starts in flight`,
      sdk: 'raw driver',
      against: 'ours',
      wallS: v.wallMs / 1000,
      primary: v.workItemsPerSec,
      throughput: `${fmt(v.workItemsPerSec)} work items/s (${fmt(v.orchestrationsPerSec)} orch/s); server CPU ${fmt(v.serverCpuMsPerWorkItem, 3)} ms per work item`,
      error: v.error,
      server: run.server,
      driverCpuS: v.driver?.cpuSeconds,
      serverCpuMsPerItem: v.serverCpuMsPerWorkItem,
      peerNote: NOT_COMPARED,
    });
  }

  async w5(): Promise<void> {
    const h = this.h;
    const ours = this.servers.ours;
    const n = h.scale(1000);
    const seedCount = h.scale(100_000);
    const w1 = (label: string) => (s: RunningServer) =>
      h.runWorkload(label, 'workloads/w1-sequence.ts', [s, '--n', n, '--activities', 3, '--timeout-s', 900]);
    const baseline = await h.withServer(ours, 'W5-baseline', undefined, w1('W5-baseline'));
    const dataDir = mkdtempSync(join(h.dataRoot, 'dts-bench-W5-'));
    const seed = await h.withServer(ours, 'W5-seed', dataDir, (s) =>
      h.runWorkload('W5-seed', 'driver/w4-driver.ts', [s, '--n', seedCount, '--concurrency', 200, '--mode', 'trivial', '--warmup', 0, '--timeout-s', 1800]),
    );
    const grown = await h.withServer(ours, 'W5', dataDir, w1('W5'));
    if (!h.flags.has('keep-data')) rmSync(dataDir, { recursive: true, force: true });
    h.record('W5-baseline', baseline);
    h.record('W5-seed', seed);
    h.record('W5', grown);
    const ratio = grown.value.orchestrationsPerSec / baseline.value.orchestrationsPerSec;
    const note = { peerNote: NOT_COMPARED };
    h.rows.push({ ...sequenceRow('W5', `empty-store baseline: 3 activities, N=${fmt(n)}`, 'JS', 'ours', baseline), ...note });
    h.rows.push({
      workload: 'W5',
      shape: `seed ${fmt(seedCount)} trivial instances`,
      sdk: 'raw driver',
      against: 'ours',
      wallS: seed.value.wallMs / 1000,
      primary: seed.value.orchestrationsPerSec,
      throughput: `${fmt(seed.value.orchestrationsPerSec)} orch/s`,
      error: seed.value.error,
      server: seed.server,
      driverCpuS: seed.value.driver?.cpuSeconds,
      ...note,
    });
    const row: Row = { ...sequenceRow('W5', `3 activities, N=${fmt(n)}, ${fmt(seedCount)} stored`, 'JS', 'ours', grown), ...note };
    row.throughput = `ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'} to the baseline; ${row.throughput}`;
    row.primary = ratio;
    h.rows.push(row);
    h.record('W5ratio', ratio);
  }
}

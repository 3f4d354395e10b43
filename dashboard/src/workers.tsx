// Workers and metrics: backlog per work-item type, oldest pending age, connected workers and a throughput chart.
import { api } from './api.ts';
import { formatDuration } from './format.ts';
import { usePoll } from './ui.tsx';

const KINDS = ['orchestration', 'activity', 'entity'] as const;
const TITLES: Record<string, string> = { orchestration: 'Orchestrations', activity: 'Activities', entity: 'Entities' };
const COLORS: Record<string, string> = { orchestration: '#6366f1', activity: '#10b981', entity: '#f59e0b' };

/** Items dispatched per point (`secondsPerPoint`), oldest first, per kind. */
type Series = Partial<Record<(typeof KINDS)[number], number[]>>;

/** GET .../metrics: the backlog of each kind, and items dispatched per second over the last minutes. */
type MetricsJson = Record<(typeof KINDS)[number], { pending: number; active: number; dispatchPerSecond: number; oldestPendingAgeMs: number }> & {
  throughput: Series & { secondsPerPoint: number };
};

/** A connected worker's streams: work items in flight and the most it takes, per kind. */
interface WorkerJson {
  workerId: string;
  orchestrations: { active: number; max: number };
  activities: { active: number; max: number };
  entities: { active: number; max: number };
}

export function WorkersView({ hub }: { hub: string }) {
  const { data, error } = usePoll(() => api<MetricsJson>(hub, 'GET', '/taskhubs/metrics?minutes=5'), [hub], 3000);
  const workers = usePoll(() => api<{ workers: WorkerJson[] }>(hub, 'GET', '/taskhubs/workers'), [hub], 3000);
  return (
    <div>
      <h1>Workers &amp; metrics</h1>
      {error && <div class="error-box">{error}</div>}
      <div class="grid3">
        {KINDS.map((k) => (
          <div class="card metric" key={k} data-kind={k}>
            <div class="metric-title"><i style={{ background: COLORS[k] }} />{TITLES[k]}</div>
            <div class="metric-row"><div><b data-testid={`${k}-pending`}>{data?.[k].pending ?? '–'}</b><span>pending</span></div><div><b>{data?.[k].active ?? '–'}</b><span>active</span></div><div><b>{data ? (data[k].dispatchPerSecond).toFixed(1) : '–'}</b><span>/s last min</span></div></div>
            <div class="muted small">Oldest pending: {data && data[k].pending > 0 ? formatDuration(data[k].oldestPendingAgeMs) : '—'}</div>
          </div>
        ))}
      </div>
      <div class="card">
        <h3>Throughput (items dispatched per 10 s, last 5 minutes)</h3>
        {data ? <Chart series={data.throughput} /> : <div class="muted">Loading…</div>}
      </div>
      <div class="card flush">
        <table class="table">
          <thead><tr><th>Worker</th><th>Orchestrations (active / max)</th><th>Activities</th><th>Entities</th></tr></thead>
          <tbody>
            {(workers.data?.workers ?? []).map((w: WorkerJson) => (
              <tr key={w.workerId}>
                <td class="mono">{w.workerId}</td>
                {(['orchestrations', 'activities', 'entities'] as const).map((k) => (
                  <td key={k}><Meter active={w[k].active} max={w[k].max} /></td>
                ))}
              </tr>
            ))}
            {workers.data && workers.data.workers.length === 0 && <tr><td colSpan={4} class="empty">No worker is connected.</td></tr>}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Meter({ active, max }: { active: number; max: number }) {
  const pct = max > 0 ? Math.min(100, (active / max) * 100) : 0;
  return <div class="meter"><div style={{ width: `${pct}%` }} /><span>{active} / {max > 0 ? max : '∞'}</span></div>;
}

function Chart({ series }: { series: Series }) {
  const W = 900, H = 180, P = 28;
  const buckets = (s: number[]) => { const out: number[] = []; for (let i = 0; i < s.length; i += 10) out.push(s.slice(i, i + 10).reduce((a, b) => a + b, 0)); return out; };
  const data = Object.fromEntries(KINDS.map((k) => [k, buckets(series[k] ?? [])]));
  const n = Math.max(...KINDS.map((k) => data[k]?.length ?? 0), 2);
  const max = Math.max(1, ...KINDS.flatMap((k) => data[k] ?? []));
  const x = (i: number) => P + (i / (n - 1)) * (W - P * 2);
  const y = (v: number) => H - P - (v / max) * (H - P * 2);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label="throughput chart">
      {[0, 0.5, 1].map((f) => <g key={f}><line x1={P} x2={W - P} y1={y(max * f)} y2={y(max * f)} class="grid-line" /><text x={4} y={y(max * f) + 4} class="axis">{Math.round(max * f)}</text></g>)}
      {KINDS.map((k) => (
        <polyline key={k} fill="none" stroke={COLORS[k]} stroke-width="2.5" points={(data[k] ?? []).map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
      ))}
      <text x={P} y={H - 6} class="axis">−5 min</text>
      <text x={W - P - 24} y={H - 6} class="axis">now</text>
    </svg>
  );
}

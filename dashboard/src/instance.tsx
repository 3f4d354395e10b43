// Instance detail: summary (times, duration, custom status, why it is suspended or terminated), failure chain, the
// Gantt timeline and the full history; the actions its status and the caller's role allow, and drill-down.
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, hubPath, type InstanceJson } from './api.ts';
import { bulkActions, FINISHED } from './actions.ts';
import { formatDuration, formatTime, runTimeMs } from './format.ts';
import { Link, navigate } from './router.tsx';
import { bars, type FailureJson, type HistoryJson } from './timeline-bars.ts';
import { ConfirmDialog, Json, StatusBadge, usePoll, type ConfirmSpec } from './ui.tsx';

/** GET .../payloads: the instance's stored JSON texts and its failure. */
interface PayloadsJson {
  input?: string | null;
  output?: string | null;
  customStatus?: string | null;
  failureDetails?: FailureJson | null;
}

export function InstanceView({ hub, id, query, canWrite }: { hub: string; id: string; query: URLSearchParams; canWrite: boolean }) {
  const tab = query.get('tab') ?? 'timeline';
  const enc = encodeURIComponent(id);
  const meta = usePoll(() => api<InstanceJson>(hub, 'GET', `/taskhubs/orchestrations/${enc}`), [hub, id], 4000);
  const payloads = usePoll(() => api<PayloadsJson>(hub, 'GET', `/taskhubs/orchestrations/${enc}/payloads`), [hub, id, meta.data?.lastUpdatedAt]);
  const history = usePoll(() => api<HistoryJson[]>(hub, 'GET', `/taskhubs/orchestrations/${enc}/history`), [hub, id, meta.data?.lastUpdatedAt]);
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  if (meta.errorStatus === 404) {
    return <div><Back hub={hub} /><div class="error-box" data-testid="gone">{meta.error}. This page no longer refreshes.</div></div>;
  }
  if (meta.error) return <div><Back hub={hub} /><div class="error-box">{meta.error}</div></div>;
  const m = meta.data;
  if (!m) return <div class="muted">Loading…</div>;
  const reload = () => {
    meta.reload();
    payloads.reload();
    history.reload();
  };
  const actions = canWrite ? bulkActions(hub, [{ instanceId: id, status: m.status }], reload) : [];
  const purge = (a: ConfirmSpec): ConfirmSpec => (a.title === 'Purge' ? { ...a, run: async (v) => { await a.run(v); navigate(`${hubPath(hub)}/orchestrations`); } } : a);
  const setTab = (t: string) => navigate(`${hubPath(hub)}/orchestrations/${enc}?tab=${t}`, true);
  return (
    <div>
      <Back hub={hub} parent={m.parentInstanceId} />
      <div class="row between wrap">
        <div class="title">
          <h1 class="mono title-id">{id}</h1>
          <div class="row"><StatusBadge status={m.status} /><span class="muted">{m.name}{m.version ? ` v${m.version}` : ''}</span></div>
        </div>
        <div class="row wrap actions">
          {actions.map(purge).map((a) => (
            <button key={a.title} class={`btn ${a.danger ? 'danger' : ''}`} onClick={() => setConfirm(a)} data-action={a.title}>{a.confirm}</button>
          ))}
        </div>
      </div>
      <Summary hub={hub} m={m} customStatus={payloads.data?.customStatus} output={payloads.data?.output} events={history.data ?? []} />
      {payloads.data?.failureDetails && <Failure f={payloads.data.failureDetails} />}
      <div class="tabs">
        {['timeline', 'history', 'payloads'].map((t) => (
          <button key={t} class={tab === t ? 'on' : ''} onClick={() => setTab(t)}>{t[0]?.toUpperCase() + t.slice(1)}</button>
        ))}
      </div>
      {tab === 'timeline' && <Timeline hub={hub} events={history.data ?? []} m={m} />}
      {tab === 'history' && <History events={history.data ?? []} />}
      {tab === 'payloads' && payloads.data && (
        <div class="grid2">
          <div class="card"><h3>Input</h3><Json text={payloads.data.input} /></div>
          <div class="card"><h3>Output</h3><Json text={payloads.data.output} /></div>
          <div class="card"><h3>Custom status</h3><Json text={payloads.data.customStatus} /></div>
        </div>
      )}
      {confirm && <ConfirmDialog spec={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

/** A stored payload (JSON text) on one line: a JSON string as its text, anything else as compact JSON. */
function inline(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return text;
  }
}

/** The reason given with the last event of `kind` (a suspend's is plain text, a terminate's JSON; inline reads both). */
function reasonOf(events: readonly HistoryJson[], kind: string): string | undefined {
  return inline(events.filter((e) => e.kind === kind).at(-1)?.input);
}

function Summary({ hub, m, customStatus, output, events }: { hub: string; m: InstanceJson; customStatus?: string | null; output?: string | null; events: readonly HistoryJson[] }) {
  const custom = inline(customStatus);
  const suspended = m.status === 'SUSPENDED' ? reasonOf(events, 'executionSuspended') : undefined;
  // The terminate event holds the reason; a forced terminate leaves only the output.
  const terminated = m.status === 'TERMINATED' ? reasonOf(events, 'executionTerminated') ?? inline(output) : undefined;
  const ran = runTimeMs(m, Date.now());
  return (
    <div class="facts card" data-testid="summary">
      <Fact k="Created" v={formatTime(m.createdAt)} />
      {m.scheduledStartAt && <Fact k="Scheduled start" v={formatTime(m.scheduledStartAt)} />}
      <Fact k="Last updated" v={formatTime(m.lastUpdatedAt)} />
      <Fact k="Completed" v={formatTime(m.completedAt)} />
      <Fact k="Duration" v={m.completedAt ? formatDuration(ran) : `${formatDuration(ran)} so far`} />
      <Fact k="Execution" v={<span class="mono small">{m.executionId}</span>} />
      {m.parentInstanceId && <Fact k="Parent" v={<Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(m.parentInstanceId)}`}>{m.parentInstanceId}</Link>} />}
      {custom !== undefined && <Fact k="Custom status" v={<span class="mono small">{custom}</span>} />}
      {m.status === 'SUSPENDED' && <Fact k="Suspended because" v={suspended ?? '—'} />}
      {m.status === 'TERMINATED' && <Fact k="Terminated because" v={terminated ?? '—'} />}
      {Object.keys(m.tags).length > 0 && <Fact k="Tags" v={Object.entries(m.tags).map(([k, v]) => <span class="tag" key={k}>{k}={String(v)}</span>)} />}
    </div>
  );
}

function Back({ hub, parent }: { hub: string; parent?: string | null }) {
  return (
    <div class="crumbs">
      <Link href={`${hubPath(hub)}/orchestrations`}>← Orchestrations</Link>
      {parent && <> · <Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(parent)}`}>↑ Parent {parent}</Link></>}
    </div>
  );
}

function Fact({ k, v }: { k: string; v: ComponentChildren }) {
  return <div class="fact"><span class="fact-name">{k}</span><div class="fact-value">{v}</div></div>;
}

function Failure({ f }: { f: FailureJson }) {
  const chain: FailureJson[] = [];
  for (let x: FailureJson | null | undefined = f; x; x = x.innerFailure) chain.push(x);
  return (
    <div class="card failure">
      <h3>Failure</h3>
      {chain.map((x, i) => (
        <div key={i} class="fail-item" style={{ marginLeft: `${i * 16}px` }}>
          <b>{x.errorType}</b>{x.isNonRetriable ? <span class="tag">non-retriable</span> : null}: {x.errorMessage}
          {x.stackTrace && <pre class="json small">{x.stackTrace}</pre>}
        </div>
      ))}
    </div>
  );
}

function Timeline({ hub, events, m }: { hub: string; events: readonly HistoryJson[]; m: InstanceJson }) {
  const ended = FINISHED.has(m.status) ? Date.parse(m.completedAt ?? m.lastUpdatedAt) : undefined;
  const now = ended ?? Date.now();
  const list = bars(events, now, { running: m.status === 'RUNNING', ...(ended === undefined ? {} : { endedAt: ended }) });
  if (list.length === 0) return <div class="card muted">No history yet.</div>;
  const t0 = Math.min(...list.map((b) => b.start));
  const t1 = Math.max(...list.map((b) => b.end ?? now), t0 + 1);
  const span = t1 - t0;
  const length = (b: { start: number; end: number | null; outcome: string }) =>
    b.end === null ? 'running' : b.outcome === 'ended' ? `${formatDuration(b.end - b.start)}, cut short` : formatDuration(b.end - b.start);
  return (
    <div class="card timeline" data-testid="timeline">
      <div class="tl-axis"><span>0</span><span>{formatDuration(span / 2)}</span><span>{formatDuration(span)}</span></div>
      {list.map((b, i) => {
        const left = ((b.start - t0) / span) * 100;
        const width = Math.max(0.6, (((b.end ?? now) - b.start) / span) * 100);
        return (
          <div class="tl-row" key={i} data-kind={b.kind} data-outcome={b.outcome}>
            <div class="tl-label" title={b.label}>
              <span class={`kind k-${b.kind}`}>{b.kind === 'suborchestration' ? 'sub-orch' : b.kind === 'orchestration' ? 'run' : b.kind}</span>
              {b.child ? <Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(b.child)}`}>{b.label}</Link> : b.label}
              {b.attempt && b.attempt > 1 ? <span class="tag">attempt {b.attempt}</span> : null}
            </div>
            <div class="tl-track">
              <div class={`tl-bar o-${b.outcome} k-${b.kind}`} style={{ left: `${left}%`, width: b.kind === 'event' ? undefined : `${width}%` }}
                data-end={b.end ?? ''} title={`${b.label}: ${length(b)}${b.outcome === 'ended' ? ' (still open when the instance ended)' : ''}${b.detail ? ` — ${b.detail}` : ''}`} />
            </div>
            <div class="tl-dur">{b.kind === 'event' ? '' : length(b)}</div>
          </div>
        );
      })}
    </div>
  );
}

/** Control events whose input is the reason they were sent with. */
const REASONS = new Set(['executionSuspended', 'executionResumed', 'executionTerminated', 'executionRewound']);

function History({ events }: { events: readonly HistoryJson[] }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div class="card flush">
      <table class="table history" data-testid="history">
        <thead><tr><th>#</th><th>Event</th><th>Id</th><th>Time</th><th>Details</th></tr></thead>
        <tbody>
          {events.map((e, i) => {
            const { kind, eventId, timestamp, ...rest } = e;
            const target = rest.taskScheduledId ?? rest.timerId;
            const reason = REASONS.has(kind) ? inline(rest.input) : undefined;
            const summary = rest.name ?? rest.operation ?? reason ?? (target !== undefined ? `→ #${target}` : '');
            // A TimerFired is recorded when its timer is created and delivered when it is due: that is when it fired.
            const at = kind === 'timerFired' && rest.fireAt !== undefined ? rest.fireAt : timestamp;
            return [
              <tr key={i} class="clickable" onClick={() => setOpen(open === i ? null : i)}>
                <td class="muted">{i}</td>
                <td><span class={`ev ev-${kind}`}>{kind}</span></td>
                <td class="muted">{eventId >= 0 ? eventId : ''}</td>
                <td class="mono small nowrap" data-testid="event-time">{formatTime(at)}</td>
                <td>{String(summary)} {Object.keys(rest).length > 0 ? <span class="muted small">{open === i ? '▾' : '▸'}</span> : null}</td>
              </tr>,
              open === i && (
                <tr key={`${i}d`}><td /><td colSpan={4}><pre class="json">{JSON.stringify(expand(rest), null, 2)}</pre></td></tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Payload fields hold JSON text, shown parsed; times (epoch ms) are shown in the dashboard's format. */
function expand(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && ['input', 'result', 'output', 'data'].includes(k)) {
      try { out[k] = JSON.parse(v); continue; } catch { /* as is */ }
    }
    out[k] = typeof v === 'number' && ['fireAt', 'scheduledStartTimestamp'].includes(k) ? formatTime(v) : v;
  }
  return out;
}

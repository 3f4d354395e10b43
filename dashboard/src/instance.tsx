// Instance detail: status, payloads, failure chain, the Gantt timeline and the full history; actions and drill-down.
import { useState } from 'preact/hooks';
import { api, hubPath } from './api.ts';
import { bulkActions } from './actions.ts';
import { Link, navigate } from './router.tsx';
import { bars } from './timeline-bars.ts';
import { ConfirmDialog, duration, Json, StatusBadge, time, usePoll, type ConfirmSpec } from './ui.tsx';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);

export function InstanceView({ hub, id, query }: { hub: string; id: string; query: URLSearchParams }) {
  const tab = query.get('tab') ?? 'timeline';
  const enc = encodeURIComponent(id);
  const meta = usePoll(() => api(hub, 'GET', `/taskhubs/orchestrations/${enc}`), [hub, id], 4000);
  const payloads = usePoll(() => api(hub, 'GET', `/taskhubs/orchestrations/${enc}/payloads`), [hub, id, meta.data?.lastUpdatedAt]);
  const history = usePoll(() => api<any[]>(hub, 'GET', `/taskhubs/orchestrations/${enc}/history`), [hub, id, meta.data?.lastUpdatedAt]);
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  const reload = () => {
    meta.reload();
    payloads.reload();
    history.reload();
  };
  if (meta.error) return <div><Back hub={hub} /><div class="error-box">{meta.error}</div></div>;
  const m = meta.data;
  if (!m) return <div class="muted">Loading…</div>;
  const actions = bulkActions(hub, [id], () => {
    reload();
  }).map((a) => (a.title === 'Purge' ? { ...a, run: async (v: Record<string, string>) => { await a.run(v); navigate(`${hubPath(hub)}/orchestrations`); } } : a));
  const applies = (title: string): boolean => {
    const live = !FINISHED.has(m.status);
    if (title === 'Suspend') return live && m.status !== 'SUSPENDED';
    if (title === 'Resume') return m.status === 'SUSPENDED';
    if (title === 'Terminate' || title === 'Raise event') return live;
    if (title === 'Rewind') return m.status === 'FAILED';
    return !live;
  };
  const setTab = (t: string) => navigate(`${hubPath(hub)}/orchestrations/${enc}?tab=${t}`, true);
  return (
    <div>
      <Back hub={hub} parent={m.parentInstanceId} />
      <div class="row between">
        <div>
          <h1 class="mono title-id">{id}</h1>
          <div class="row"><StatusBadge status={m.status} /><span class="muted">{m.name}{m.version ? ` v${m.version}` : ''}</span></div>
        </div>
        <div class="row wrap actions">
          {actions.filter((a) => applies(a.title)).map((a) => (
            <button key={a.title} class={`btn ${a.danger ? 'danger' : ''}`} onClick={() => setConfirm(a)} data-action={a.title}>{a.confirm}</button>
          ))}
        </div>
      </div>
      <div class="facts card">
        <Fact k="Created" v={time(m.createdAt)} />
        <Fact k="Last updated" v={time(m.lastUpdatedAt)} />
        <Fact k="Completed" v={time(m.completedAt)} />
        <Fact k="Execution" v={<span class="mono small">{m.executionId}</span>} />
        {m.parentInstanceId && <Fact k="Parent" v={<Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(m.parentInstanceId)}`}>{m.parentInstanceId}</Link>} />}
        {Object.keys(m.tags).length > 0 && <Fact k="Tags" v={Object.entries(m.tags).map(([k, v]) => <span class="tag" key={k}>{k}={String(v)}</span>)} />}
      </div>
      {payloads.data?.failureDetails && <Failure f={payloads.data.failureDetails} />}
      <div class="tabs">
        {['timeline', 'history', 'payloads'].map((t) => (
          <button key={t} class={tab === t ? 'on' : ''} onClick={() => setTab(t)}>{t[0]?.toUpperCase() + t.slice(1)}</button>
        ))}
      </div>
      {tab === 'timeline' && <Timeline hub={hub} events={history.data ?? []} status={m.status} updated={m.lastUpdatedAt} />}
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

function Back({ hub, parent }: { hub: string; parent?: string | null }) {
  return (
    <div class="crumbs">
      <Link href={`${hubPath(hub)}/orchestrations`}>← Orchestrations</Link>
      {parent && <> · <Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(parent)}`}>↑ Parent {parent}</Link></>}
    </div>
  );
}

function Fact({ k, v }: { k: string; v: any }) {
  return <div class="fact"><span>{k}</span><div>{v}</div></div>;
}

function Failure({ f }: { f: any }) {
  const chain: any[] = [];
  for (let x = f; x; x = x.innerFailure) chain.push(x);
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

function Timeline({ hub, events, status, updated }: { hub: string; events: any[]; status: string; updated: string }) {
  const now = FINISHED.has(status) ? new Date(updated).getTime() : Date.now();
  const list = bars(events, now, status === 'RUNNING');
  if (list.length === 0) return <div class="card muted">No history yet.</div>;
  const t0 = Math.min(...list.map((b) => b.start));
  const t1 = Math.max(...list.map((b) => b.end ?? now), t0 + 1);
  const span = t1 - t0;
  return (
    <div class="card timeline" data-testid="timeline">
      <div class="tl-axis"><span>0</span><span>{duration(span / 2)}</span><span>{duration(span)}</span></div>
      {list.map((b, i) => {
        const left = ((b.start - t0) / span) * 100;
        const width = Math.max(0.6, (((b.end ?? now) - b.start) / span) * 100);
        return (
          <div class="tl-row" key={i}>
            <div class="tl-label" title={b.label}>
              <span class={`kind k-${b.kind}`}>{b.kind === 'suborchestration' ? 'sub-orch' : b.kind === 'orchestration' ? 'run' : b.kind}</span>
              {b.child ? <Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(b.child)}`}>{b.label}</Link> : b.label}
              {b.attempt && b.attempt > 1 ? <span class="tag">attempt {b.attempt}</span> : null}
            </div>
            <div class="tl-track">
              <div class={`tl-bar o-${b.outcome} k-${b.kind}`} style={{ left: `${left}%`, width: b.kind === 'event' ? undefined : `${width}%` }}
                title={`${b.label}: ${b.end === null ? 'running' : duration(b.end - b.start)}${b.detail ? ` — ${b.detail}` : ''}`} />
            </div>
            <div class="tl-dur">{b.kind === 'event' ? '' : b.end === null ? 'running' : duration(b.end - b.start)}</div>
          </div>
        );
      })}
    </div>
  );
}

function History({ events }: { events: any[] }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div class="card flush">
      <table class="table history" data-testid="history">
        <thead><tr><th>#</th><th>Event</th><th>Id</th><th>Time</th><th>Details</th></tr></thead>
        <tbody>
          {events.map((e, i) => {
            const { kind, eventId, timestamp, ...rest } = e;
            const summary = rest.name ?? rest.operation ?? rest.reason ?? (rest.taskScheduledId !== undefined ? `→ #${rest.taskScheduledId}` : '');
            return [
              <tr key={i} class="clickable" onClick={() => setOpen(open === i ? null : i)}>
                <td class="muted">{i}</td>
                <td><span class={`ev ev-${kind}`}>{kind}</span></td>
                <td class="muted">{eventId >= 0 ? eventId : ''}</td>
                <td class="mono small">{new Date(timestamp).toISOString().replace('T', ' ').replace('Z', '')}</td>
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

/** Payload fields hold JSON text; show them parsed. */
function expand(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && ['input', 'result', 'output', 'data'].includes(k)) {
      try { out[k] = JSON.parse(v); continue; } catch { /* as is */ }
    }
    out[k] = v;
  }
  return out;
}

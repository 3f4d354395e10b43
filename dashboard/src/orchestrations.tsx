// The orchestration list (filters in the URL, status cards, key-set paging, selection actions) and the start form.
import { useState } from 'preact/hooks';
import { api, hubPath, STATUSES } from './api.ts';
import { Link, navigate } from './router.tsx';
import { ago, ConfirmDialog, label, StatusBadge, time, toast, usePoll, type ConfirmSpec } from './ui.tsx';
import { bulkActions } from './actions.ts';

const PAGE = 25;

export function OrchestrationList({ hub, query }: { hub: string; query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const name = query.get('name') ?? '';
  const prefix = query.get('q') ?? '';
  const tag = query.get('tag') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const sort = query.get('sort') === 'asc' ? 'asc' : 'desc';
  const auto = Number(query.get('auto') ?? '0');
  const [pages, setPages] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  const token = pages[pages.length - 1];
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) (v === '' ? next.delete(k) : next.set(k, v));
    setPages([]);
    setSelected(new Set());
    navigate(`${hubPath(hub)}/orchestrations${next.size ? `?${next}` : ''}`);
  };
  const body = {
    filter: {
      ...(status ? { orchestrationStatus: status.split(',') } : {}),
      ...(name ? { name } : {}),
      ...(prefix ? { orchestrationId: prefix } : {}),
      ...(tag ? { tags: tag } : {}),
      ...(from || to ? { createdAt: { ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) } } : {}),
    },
    pagination: { count: PAGE, ...(token ? { continuationToken: token } : {}) },
    sort: [{ column: 'CREATED_AT', direction: sort === 'asc' ? 'ASCENDING_SORT' : 'DESCENDING_SORT' }],
  };
  const { data, error, reload, loading } = usePoll(() => api(hub, 'POST', '/taskhubs/orchestrations/query', body), [hub, query.toString(), token], auto * 1000);
  const counts: Record<string, number> = data?.statusCounts ?? {};
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows: any[] = data?.orchestrations ?? [];
  const toggle = (id: string) => {
    const next = new Set(selected);
    next.has(id) ? next.delete(id) : next.add(id);
    setSelected(next);
  };
  return (
    <div>
      <div class="row between">
        <h1>Orchestrations</h1>
        <div class="row">
          <select aria-label="Auto refresh" value={String(auto)} onChange={(e) => set({ auto: (e.target as HTMLSelectElement).value === '0' ? '' : (e.target as HTMLSelectElement).value })}>
            <option value="0">Auto refresh: off</option>
            <option value="5">Every 5 s</option>
            <option value="15">Every 15 s</option>
            <option value="60">Every minute</option>
          </select>
          <button class="btn" onClick={reload} data-testid="refresh">{loading ? 'Refreshing…' : '↻ Refresh'}</button>
          <button class="btn" onClick={() => navigator.clipboard?.writeText(location.href).then(() => toast('Link copied'))}>Copy link</button>
          <Link href={`${hubPath(hub)}/new`} class="btn primary">+ New</Link>
        </div>
      </div>
      <div class="cards">
        <button class={`stat ${status === '' ? 'on' : ''}`} onClick={() => set({ status: '' })}><b>{all.toLocaleString()}</b><span>All</span></button>
        {STATUSES.filter((s) => s !== 'CANCELED' && s !== 'CONTINUED_AS_NEW').map((s) => (
          <button key={s} class={`stat s-${s.toLowerCase()} ${status === s ? 'on' : ''}`} data-status={s} onClick={() => set({ status: status === s ? '' : s })}>
            <b>{(counts[s] ?? 0).toLocaleString()}</b>
            <span>{label(s)}</span>
          </button>
        ))}
      </div>
      <form class="filters" onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.target as HTMLFormElement);
        set({ q: String(f.get('q') ?? ''), name: String(f.get('name') ?? ''), tag: String(f.get('tag') ?? ''), from: String(f.get('from') ?? ''), to: String(f.get('to') ?? '') });
      }}>
        <input name="q" placeholder="Instance ID starts with…" value={prefix} key={`q${prefix}`} class="grow" />
        <input name="name" placeholder="Name contains" value={name} key={`n${name}`} />
        <input name="tag" placeholder="Tag key or value" value={tag} key={`t${tag}`} />
        <label class="inline">From <input type="datetime-local" name="from" value={from} key={`f${from}`} /></label>
        <label class="inline">To <input type="datetime-local" name="to" value={to} key={`to${to}`} /></label>
        <button class="btn primary" type="submit">Apply</button>
        <button class="btn" type="button" onClick={() => set({ q: '', name: '', tag: '', from: '', to: '', status: '' })}>Clear</button>
      </form>
      {error && <div class="error-box">{error}</div>}
      {selected.size > 0 && (
        <div class="selbar">
          <b>{selected.size} selected</b>
          {bulkActions(hub, [...selected], () => { setSelected(new Set()); reload(); }).map((a) => (
            <button key={a.title} class={`btn ${a.danger ? 'danger' : ''}`} onClick={() => setConfirm(a)}>{a.confirm}</button>
          ))}
          <button class="btn ghost" onClick={() => setSelected(new Set())}>Clear selection</button>
        </div>
      )}
      <div class="card flush">
        <table class="table">
          <thead>
            <tr>
              <th class="check"><input type="checkbox" aria-label="Select all" checked={rows.length > 0 && rows.every((r) => selected.has(r.instanceId))} onChange={(e) => setSelected((e.target as HTMLInputElement).checked ? new Set(rows.map((r) => r.instanceId)) : new Set())} /></th>
              <th>Instance ID</th>
              <th>Name</th>
              <th>Status</th>
              <th>Tags</th>
              <th><button class="linkish" onClick={() => set({ sort: sort === 'asc' ? '' : 'asc' })}>Created {sort === 'asc' ? '▲' : '▼'}</button></th>
              <th>Last updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.instanceId} class={selected.has(r.instanceId) ? 'sel' : ''}>
                <td class="check"><input type="checkbox" aria-label={`Select ${r.instanceId}`} checked={selected.has(r.instanceId)} onChange={() => toggle(r.instanceId)} /></td>
                <td class="mono"><Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(r.instanceId)}`}>{r.instanceId}</Link></td>
                <td>{r.tags?.['durabletask.displayName'] ?? r.name}{r.version ? <span class="muted small"> v{r.version}</span> : null}</td>
                <td><StatusBadge status={r.status} /></td>
                <td>{Object.entries(r.tags ?? {}).filter(([k]) => !k.startsWith('durabletask.')).map(([k, v]) => <span class="tag" key={k}>{k}={String(v)}</span>)}</td>
                <td title={r.createdAt}>{time(r.createdAt)}</td>
                <td title={r.lastUpdatedAt}>{ago(r.lastUpdatedAt)}</td>
              </tr>
            ))}
            {data && rows.length === 0 && <tr><td colSpan={7} class="empty">No orchestrations match these filters.</td></tr>}
          </tbody>
        </table>
      </div>
      <div class="row between pager">
        <span class="muted">{data ? `${data.totalCount.toLocaleString()} matching` : ''}</span>
        <div class="row">
          <button class="btn" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>← Newer</button>
          <span class="muted">Page {pages.length + 1}</span>
          <button class="btn" disabled={!data?.continuationToken} onClick={() => setPages([...pages, data.continuationToken])}>Older →</button>
        </div>
      </div>
      {confirm && <ConfirmDialog spec={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

export function NewOrchestration({ hub }: { hub: string }) {
  const [error, setError] = useState('');
  const [tags, setTags] = useState<[string, string][]>([['', '']]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const name = String(f.get('name') ?? '').trim();
    if (name === '') return setError('Name is required');
    let input: unknown;
    const raw = String(f.get('input') ?? '').trim();
    if (raw !== '') {
      try {
        input = JSON.parse(raw);
      } catch (err) {
        return setError(`Input is not valid JSON: ${(err as Error).message}`);
      }
    }
    const start = String(f.get('start') ?? '');
    const body = {
      name,
      ...(String(f.get('instanceId') ?? '').trim() ? { instanceId: String(f.get('instanceId')).trim() } : {}),
      ...(String(f.get('version') ?? '').trim() ? { version: String(f.get('version')).trim() } : {}),
      ...(raw !== '' ? { input } : {}),
      ...(start ? { scheduledStartTimestamp: new Date(start).toISOString() } : {}),
      tags: Object.fromEntries(tags.filter(([k]) => k.trim() !== '')),
    };
    try {
      const r = await api(hub, 'POST', '/taskhubs/orchestrations', body);
      toast(`Started ${r.instanceId}`);
      navigate(`${hubPath(hub)}/orchestrations/${encodeURIComponent(r.instanceId)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div>
      <h1>New orchestration</h1>
      <form class="card form" onSubmit={submit}>
        <label class="field"><span>Name *</span><input name="name" placeholder="e.g. ProcessOrder" /></label>
        <div class="row2">
          <label class="field"><span>Instance ID</span><input name="instanceId" placeholder="generated when empty" /></label>
          <label class="field"><span>Version</span><input name="version" /></label>
        </div>
        <label class="field"><span>Input (JSON)</span><textarea name="input" rows={6} placeholder={'{ "orderId": 42 }'} /></label>
        <label class="field"><span>Scheduled start</span><input type="datetime-local" name="start" /></label>
        <div class="field"><span>Tags</span>
          {tags.map(([k, v], i) => (
            <div class="row" key={i}>
              <input placeholder="key" value={k} onInput={(e) => setTags(tags.map((t, j) => (j === i ? [(e.target as HTMLInputElement).value, t[1]] : t)))} />
              <input placeholder="value" value={v} onInput={(e) => setTags(tags.map((t, j) => (j === i ? [t[0], (e.target as HTMLInputElement).value] : t)))} />
            </div>
          ))}
          <button type="button" class="btn ghost" onClick={() => setTags([...tags, ['', '']])}>+ Add tag</button>
        </div>
        {error && <div class="error-box">{error}</div>}
        <div class="row end"><button class="btn primary" type="submit">Start orchestration</button></div>
      </form>
    </div>
  );
}

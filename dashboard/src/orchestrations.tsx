// The orchestration list (filters, sort and page in the URL, status cards, key-set paging both ways, selection
// actions for a caller that may act) and the start form.
import { useState } from 'preact/hooks';
import { api, hubPath, STATUSES, type InstanceJson } from './api.ts';
import { bulkActions } from './actions.ts';
import { formatDuration, formatTime, runTimeMs } from './format.ts';
import { Link, navigate } from './router.tsx';
import { ConfirmDialog, copyText, label, StatusBadge, toast, usePoll, type ConfirmSpec } from './ui.tsx';

const PAGE = 25;

/** A page of the orchestration query, with the counts by status of everything it matches. */
interface QueryJson {
  orchestrations: InstanceJson[];
  statusCounts: Record<string, number>;
  totalCount: number;
  previousToken?: string | null;
  continuationToken?: string | null;
}

/** The list's state in its URL: filters, `sort` (created | updated), `dir` (asc | desc), `page` and its token `at`. */
function listState(query: URLSearchParams) {
  return {
    status: query.get('status') ?? '',
    name: query.get('name') ?? '',
    prefix: query.get('q') ?? '',
    tag: query.get('tag') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    sort: query.get('sort') === 'updated' ? 'updated' : 'created',
    dir: query.get('dir') === 'asc' ? 'asc' : 'desc',
    auto: Number(query.get('auto') ?? '0'),
    page: Math.max(1, Math.floor(Number(query.get('page') ?? '1')) || 1),
    at: query.get('at') ?? '',
  };
}

/**
 * The query for the URL's page. `at` is the token of the page's first row (exact, and cheap at any depth); a page
 * number without one (typed in) is read by offset.
 */
function queryBody(l: ReturnType<typeof listState>) {
  return {
    filter: {
      ...(l.status ? { orchestrationStatus: l.status.split(',') } : {}),
      ...(l.name ? { name: l.name } : {}),
      ...(l.prefix ? { orchestrationId: l.prefix } : {}),
      ...(l.tag ? { tags: l.tag } : {}),
      ...(l.from || l.to ? { createdAt: { ...(l.from ? { from: new Date(l.from).toISOString() } : {}), ...(l.to ? { to: new Date(l.to).toISOString() } : {}) } } : {}),
    },
    pagination: { count: PAGE, ...(l.at ? { continuationToken: l.at } : l.page > 1 ? { startIndex: (l.page - 1) * PAGE } : {}) },
    sort: [{ column: l.sort === 'updated' ? 'LAST_UPDATED_AT' : 'CREATED_AT', direction: l.dir === 'asc' ? 'ASCENDING_SORT' : 'DESCENDING_SORT' }],
  };
}

type ListState = ReturnType<typeof listState>;

export function OrchestrationList({ hub, query, canWrite }: { hub: string; query: URLSearchParams; canWrite: boolean }) {
  const l = listState(query);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) (v === '' ? next.delete(k) : next.set(k, v));
    setSelected(new Map());
    navigate(`${hubPath(hub)}/orchestrations${next.size ? `?${next}` : ''}`);
  };
  // Any other change starts again from the first page.
  const set = (changes: Record<string, string>) => go({ page: '', at: '', ...changes });
  const toPage = (page: number, token: string | null | undefined) => go(page <= 1 || !token ? { page: '', at: '' } : { page: String(page), at: token });
  const { data, error, reload, loading } = usePoll(() => api<QueryJson>(hub, 'POST', '/taskhubs/orchestrations/query', queryBody(l)), [hub, query.toString()], l.auto * 1000);
  return (
    <div>
      <ListHeader hub={hub} l={l} go={go} reload={reload} loading={loading} canWrite={canWrite} />
      <StatusCards l={l} counts={data?.statusCounts ?? {}} set={set} />
      <Filters l={l} set={set} />
      {error && <div class="error-box">{error}</div>}
      {canWrite && selected.size > 0 && (
        <SelectionBar hub={hub} selected={selected} clear={() => setSelected(new Map())} reload={reload} confirm={setConfirm} />
      )}
      <Rows hub={hub} l={l} rows={data?.orchestrations} selection={canWrite ? { selected, setSelected } : undefined} set={set} />
      <Pager l={l} totalCount={data?.totalCount} previousToken={data?.previousToken} continuationToken={data?.continuationToken} toPage={toPage} />
      {confirm && <ConfirmDialog spec={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

/** The title and the list's tools: auto refresh, refresh, copy link, new. */
function ListHeader({ hub, l, go, reload, loading, canWrite }: {
  hub: string; l: ListState; go: (changes: Record<string, string>) => void; reload: () => void; loading: boolean; canWrite: boolean;
}) {
  return (
    <div class="row between wrap">
      <h1>Orchestrations</h1>
      <div class="row wrap">
        <select aria-label="Auto refresh" value={String(l.auto)} onChange={(e) => go({ auto: (e.target as HTMLSelectElement).value === '0' ? '' : (e.target as HTMLSelectElement).value })}>
          <option value="0">Auto refresh: off</option>
          <option value="5">Every 5 s</option>
          <option value="15">Every 15 s</option>
          <option value="60">Every minute</option>
        </select>
        <button class="btn" onClick={reload} data-testid="refresh">{loading ? 'Refreshing…' : '↻ Refresh'}</button>
        <button class="btn" onClick={() => copyText(location.href, 'Link')}>Copy link</button>
        {canWrite && <Link href={`${hubPath(hub)}/new`} class="btn primary">+ New</Link>}
      </div>
    </div>
  );
}

/** The actions on the selected instances; each asks for confirmation first. */
function SelectionBar({ hub, selected, clear, reload, confirm }: {
  hub: string; selected: Map<string, string>; clear: () => void; reload: () => void; confirm: (spec: ConfirmSpec) => void;
}) {
  const targets = [...selected].map(([instanceId, status]) => ({ instanceId, status }));
  return (
    <div class="selbar">
      <b>{selected.size} selected</b>
      {bulkActions(hub, targets, () => { clear(); reload(); }).map((a) => (
        <button key={a.title} class={`btn ${a.danger ? 'danger' : ''}`} onClick={() => confirm(a)} data-action={a.title}>{a.confirm}</button>
      ))}
      <button class="btn ghost" onClick={clear}>Clear selection</button>
    </div>
  );
}

function Pager({ l, totalCount, previousToken, continuationToken, toPage }: {
  l: ListState; totalCount: number | undefined; previousToken: string | null | undefined; continuationToken: string | null | undefined;
  toPage: (page: number, token: string | null | undefined) => void;
}) {
  return (
    <div class="row between wrap pager">
      <span class="muted">{totalCount === undefined ? '' : `${totalCount.toLocaleString()} matching`}</span>
      <div class="row">
        <button class="btn" disabled={l.page === 1} onClick={() => toPage(l.page - 1, previousToken)}>← Previous</button>
        <span class="muted" data-testid="page">Page {l.page}</span>
        <button class="btn" disabled={!continuationToken} onClick={() => toPage(l.page + 1, continuationToken)}>Next →</button>
      </div>
    </div>
  );
}

function StatusCards({ l, counts, set }: { l: ListState; counts: Record<string, number>; set: (changes: Record<string, string>) => void }) {
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <div class="cards">
      <button class={`stat ${l.status === '' ? 'on' : ''}`} onClick={() => set({ status: '' })}><b>{all.toLocaleString()}</b><span>All</span></button>
      {STATUSES.filter((s) => s !== 'CANCELED' && s !== 'CONTINUED_AS_NEW').map((s) => (
        <button key={s} class={`stat s-${s.toLowerCase()} ${l.status === s ? 'on' : ''}`} data-status={s} onClick={() => set({ status: l.status === s ? '' : s })}>
          <b>{(counts[s] ?? 0).toLocaleString()}</b>
          <span>{label(s)}</span>
        </button>
      ))}
    </div>
  );
}

function Filters({ l, set }: { l: ListState; set: (changes: Record<string, string>) => void }) {
  return (
    <form class="filters" onSubmit={(e) => {
      e.preventDefault();
      const f = new FormData(e.target as HTMLFormElement);
      set({ q: String(f.get('q') ?? ''), name: String(f.get('name') ?? ''), tag: String(f.get('tag') ?? ''), from: String(f.get('from') ?? ''), to: String(f.get('to') ?? '') });
    }}>
      <input name="q" placeholder="Instance ID starts with…" value={l.prefix} key={`q${l.prefix}`} class="grow" />
      <input name="name" placeholder="Name contains" value={l.name} key={`n${l.name}`} />
      <input name="tag" placeholder="Tag key or value" value={l.tag} key={`t${l.tag}`} />
      <label class="inline">From <input type="datetime-local" name="from" value={l.from} key={`f${l.from}`} /></label>
      <label class="inline">To <input type="datetime-local" name="to" value={l.to} key={`to${l.to}`} /></label>
      <button class="btn primary" type="submit">Apply</button>
      <button class="btn" type="button" onClick={() => set({ q: '', name: '', tag: '', from: '', to: '', status: '' })}>Clear</button>
    </form>
  );
}

interface Selection {
  selected: Map<string, string>;
  setSelected: (next: Map<string, string>) => void;
}

/** The table; with `selection` (a caller that may act) each row has a checkbox. */
function Rows({ hub, l, rows, selection, set }: { hub: string; l: ListState; rows: InstanceJson[] | undefined; selection: Selection | undefined; set: (changes: Record<string, string>) => void }) {
  const list = rows ?? [];
  const sortBy = (column: 'created' | 'updated') => set({ sort: column === 'created' ? '' : column, dir: l.sort === column && l.dir === 'desc' ? 'asc' : '' });
  const arrow = (column: string) => (l.sort === column ? (l.dir === 'asc' ? ' ▲' : ' ▼') : '');
  const toggle = (r: InstanceJson) => {
    if (selection === undefined) return;
    const next = new Map(selection.selected);
    next.has(r.instanceId) ? next.delete(r.instanceId) : next.set(r.instanceId, r.status);
    selection.setSelected(next);
  };
  const all = (on: boolean) => selection?.setSelected(on ? new Map(list.map((r) => [r.instanceId, r.status])) : new Map());
  return (
    <div class="card flush">
      <table class="table" data-testid="orchestrations">
        <thead>
          <tr>
            {selection && <th class="check"><input type="checkbox" aria-label="Select all" checked={list.length > 0 && list.every((r) => selection.selected.has(r.instanceId))} onChange={(e) => all((e.target as HTMLInputElement).checked)} /></th>}
            <th>Instance ID</th>
            <th>Name</th>
            <th>Status</th>
            <th>Tags</th>
            <th><button class="linkish" onClick={() => sortBy('created')} data-sort="created">Created{arrow('created')}</button></th>
            <th><button class="linkish" onClick={() => sortBy('updated')} data-sort="updated">Last updated{arrow('updated')}</button></th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.instanceId} class={selection?.selected.has(r.instanceId) ? 'sel' : ''}>
              {selection && <td class="check"><input type="checkbox" aria-label={`Select ${r.instanceId}`} checked={selection.selected.has(r.instanceId)} onChange={() => toggle(r)} /></td>}
              <td class="mono"><Link href={`${hubPath(hub)}/orchestrations/${encodeURIComponent(r.instanceId)}`}>{r.instanceId}</Link></td>
              <td>{r.tags?.['durabletask.displayName'] ?? r.name}{r.version ? <span class="muted small"> v{r.version}</span> : null}</td>
              <td><StatusBadge status={r.status} /></td>
              <td>{Object.entries(r.tags ?? {}).filter(([k]) => !k.startsWith('durabletask.')).map(([k, v]) => <span class="tag" key={k}>{k}={String(v)}</span>)}</td>
              <td class="nowrap">{formatTime(r.createdAt)}</td>
              <td class="nowrap">{formatTime(r.lastUpdatedAt)}</td>
              <td class="nowrap" data-testid="duration" title={r.completedAt ? `Completed ${formatTime(r.completedAt)}` : 'not finished'}>
                {r.completedAt ? formatDuration(runTimeMs(r, Date.now())) : <span class="muted">—</span>}
              </td>
            </tr>
          ))}
          {rows !== undefined && rows.length === 0 && <tr><td colSpan={selection ? 8 : 7} class="empty">No orchestrations match these filters.</td></tr>}
        </tbody>
      </table>
    </div>
  );
}

export function NewOrchestration({ hub, canWrite }: { hub: string; canWrite: boolean }) {
  const [error, setError] = useState('');
  const [tags, setTags] = useState<[string, string][]>([['', '']]);
  // Shows every failure in the form, so its promise never rejects.
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
      const r = await api<{ instanceId: string }>(hub, 'POST', '/taskhubs/orchestrations', body);
      toast(`Started ${r.instanceId}`);
      navigate(`${hubPath(hub)}/orchestrations/${encodeURIComponent(r.instanceId)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!canWrite) return <div><h1>New orchestration</h1><div class="note">Starting an orchestration needs the role Durable Task Data Contributor on this task hub.</div></div>;
  return (
    <div>
      <h1>New orchestration</h1>
      <form class="card form" onSubmit={(e) => void submit(e)}>
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

// Entities: list (id, last modified, backlog, locked by) paged by continuation token, state, delete (for a caller that may act).
import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { formatTime } from './format.ts';
import { ConfirmDialog, Json, toast, usePoll, type ConfirmSpec } from './ui.tsx';

const PAGE = 50;

/** An entity as the entity query lists it. */
interface EntityJson {
  instanceId: string;
  lastModifiedAt: string;
  backlogQueueSize: number;
  lockedBy?: string | null;
}

export function EntitiesView({ hub, canWrite }: { hub: string; canWrite: boolean }) {
  const [name, setName] = useState('');
  // The continuation tokens of the pages before this one: previous pops one, next pushes the answer's.
  const [pages, setPages] = useState<string[]>([]);
  const token = pages[pages.length - 1];
  const [open, setOpen] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  const list = usePoll(
    () => api<{ entities: EntityJson[]; continuationToken?: string | null }>(hub, 'POST', '/taskhubs/entities/query', { filter: name ? { nameStartsWith: name } : {}, pagination: { count: PAGE, ...(token ? { continuationToken: token } : {}) } }),
    [hub, name, token], 5000);
  const state = usePoll(() => (open ? api<{ state?: string | null }>(hub, 'GET', `/taskhubs/entities/${encodeURIComponent(open)}`) : Promise.resolve(null)), [hub, open]);
  return (
    <div>
      <h1>Entities</h1>
      <div class="filters"><input placeholder="Entity name starts with…" value={name} onInput={(e) => { setName((e.target as HTMLInputElement).value); setPages([]); }} class="grow" /></div>
      {list.error && <div class="error-box">{list.error}</div>}
      <div class="grid2">
        <div class="card flush">
          <table class="table">
            <thead><tr><th>Entity</th><th>Last modified</th><th>Backlog</th><th>Locked by</th><th /></tr></thead>
            <tbody>
              {(list.data?.entities ?? []).map((e: EntityJson) => (
                <tr key={e.instanceId} class={`clickable ${open === e.instanceId ? 'sel' : ''}`} onClick={() => setOpen(e.instanceId)}>
                  <td class="mono">{e.instanceId}</td>
                  <td class="nowrap">{formatTime(e.lastModifiedAt)}</td>
                  <td>{e.backlogQueueSize}</td>
                  <td class="mono small">{e.lockedBy ?? '—'}</td>
                  <td>{canWrite && <button class="btn danger small" onClick={(ev) => {
                    ev.stopPropagation();
                    setConfirm({ title: 'Delete entity', message: `Delete ${e.instanceId}? A worker hosting the entity applies the delete.`, confirm: 'Delete', danger: true,
                      run: async () => { await api(hub, 'DELETE', `/taskhubs/entities/${encodeURIComponent(e.instanceId)}`); toast('Delete requested'); list.reload(); } });
                  }}>Delete</button>}</td>
                </tr>
              ))}
              {list.data && list.data.entities.length === 0 && <tr><td colSpan={5} class="empty">No entities.</td></tr>}
            </tbody>
          </table>
          <div class="row between pager entity-pager">
            <button class="btn" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>← Previous</button>
            <span class="muted">Page {pages.length + 1}</span>
            <button class="btn" disabled={!list.data?.continuationToken} onClick={() => { const next = list.data?.continuationToken; if (next) setPages([...pages, next]); }}>Next →</button>
          </div>
        </div>
        <div class="card">
          <h3>State {open ? <span class="mono small">{open}</span> : null}</h3>
          {open ? <Json text={state.data?.state} empty="no state" /> : <div class="muted">Select an entity.</div>}
        </div>
      </div>
      {confirm && <ConfirmDialog spec={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

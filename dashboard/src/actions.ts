// The lifecycle actions, each a confirmation spec, for one instance or for a selection.
import { api } from './api.ts';
import { toast, type ConfirmSpec } from './ui.tsx';

function payload(text: string | undefined): unknown {
  return text === undefined || text.trim() === '' ? undefined : JSON.parse(text);
}

async function each(ids: string[], run: (id: string) => Promise<unknown>): Promise<void> {
  const failed: string[] = [];
  for (const id of ids) {
    try {
      await run(id);
    } catch (e) {
      failed.push(`${id}: ${(e as Error).message}`);
    }
  }
  if (failed.length > 0) throw new Error(failed.join('\n'));
}

export function bulkActions(hub: string, ids: string[], done: () => void): ConfirmSpec[] {
  const n = ids.length === 1 ? `'${ids[0]}'` : `${ids.length} instances`;
  const control = (kind: string, extra: Record<string, unknown> = {}) => (id: string) => api(hub, 'POST', `/taskhubs/orchestrations/${encodeURIComponent(id)}/history`, { [kind]: extra });
  const wrap = (verb: string, run: (v: Record<string, string>) => Promise<void>) => async (v: Record<string, string>) => {
    await run(v);
    toast(`${verb} ${n}`);
    done();
  };
  return [
    { title: 'Suspend', message: `Suspend ${n}? They stop making progress until resumed.`, confirm: 'Suspend', fields: [{ name: 'reason', label: 'Reason' }],
      run: wrap('Suspended', (v) => each(ids, control('executionSuspended', { reason: v.reason || undefined }))) },
    { title: 'Resume', message: `Resume ${n}?`, confirm: 'Resume', fields: [{ name: 'reason', label: 'Reason' }],
      run: wrap('Resumed', (v) => each(ids, control('executionResumed', { reason: v.reason || undefined }))) },
    { title: 'Terminate', message: `Terminate ${n}? This cannot be undone.`, confirm: 'Terminate', danger: true, fields: [{ name: 'reason', label: 'Reason' }],
      run: wrap('Terminated', (v) => each(ids, control('executionTerminated', { reason: v.reason || undefined }))) },
    { title: 'Raise event', message: `Raise an event to ${n}.`, confirm: 'Raise event', fields: [{ name: 'name', label: 'Event name', required: true }, { name: 'input', label: 'Event data (JSON)', json: true }],
      run: wrap('Raised event on', (v) => each(ids, control('eventRaised', { name: v.name, input: payload(v.input) }))) },
    { title: 'Restart', message: `Restart ${n} with the same input?`, confirm: 'Restart',
      run: wrap('Restarted', () => each(ids, (id) => api(hub, 'POST', `/taskhubs/orchestrations/${encodeURIComponent(id)}/restart`, { restartWithNewInstanceId: false }))) },
    { title: 'Rewind', message: `Rewind ${n}? Failed work is retried.`, confirm: 'Rewind', fields: [{ name: 'reason', label: 'Reason' }],
      run: wrap('Rewound', (v) => each(ids, control('executionRewound', { reason: v.reason || undefined }))) },
    { title: 'Purge', message: `Purge ${n}? Their history is deleted for good (finished instances only).`, confirm: 'Purge', danger: true,
      run: wrap('Purged', async () => {
        const r = await api(hub, 'DELETE', '/taskhubs/orchestrations/purge', { instanceIds: ids });
        if (r.deletedInstanceCount < ids.length) throw new Error(`purged ${r.deletedInstanceCount} of ${ids.length}: only finished instances can be purged`);
      }) },
  ];
}

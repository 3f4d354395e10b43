// The lifecycle actions, each a confirmation spec, for one instance or for a selection. Each action is offered only
// for the statuses the server accepts it in (client-api.ts, management-api.ts), and on a selection it
// runs on the selected instances whose status allows it.
import { api } from './api.ts';
import { toast, type ConfirmSpec } from './ui.tsx';

export const FINISHED: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);

export interface Target {
  instanceId: string;
  status: string;
}

const live = (status: string) => !FINISHED.has(status);
const finished = (status: string) => FINISHED.has(status);

/** The statuses each action applies to, by its title. */
const APPLIES: Record<string, (status: string) => boolean> = {
  Suspend: (s) => s === 'RUNNING' || s === 'PENDING',
  Resume: (s) => s === 'SUSPENDED',
  Terminate: live,
  'Raise event': live,
  Restart: finished,
  Rewind: (s) => s === 'FAILED',
  Purge: finished,
};

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

/** The actions that apply to at least one target, each bound to the targets it applies to. */
export function bulkActions(hub: string, targets: readonly Target[], done: () => void): ConfirmSpec[] {
  return specs(hub).flatMap(({ spec: { message, done: verb, ...spec }, run }) => {
    const ids = targets.filter((t) => APPLIES[spec.title]?.(t.status) === true).map((t) => t.instanceId);
    if (ids.length === 0) return [];
    const skipped = targets.length - ids.length;
    const n = ids.length === 1 ? `'${ids[0]}'` : `${ids.length} instances`;
    const note = skipped === 0 ? '' : ` (${skipped} selected ${skipped === 1 ? 'is' : 'are'} left out: ${skipped === 1 ? 'its' : 'their'} status does not allow it)`;
    const confirmed = async (values: Record<string, string>) => {
      await run(ids, values);
      toast(`${verb} ${n}`);
      done();
    };
    return [{ ...spec, message: message(n) + note, run: confirmed }];
  });
}

interface Spec {
  spec: Omit<ConfirmSpec, 'message' | 'run'> & { message: (n: string) => string; done: string };
  run: (ids: string[], values: Record<string, string>) => Promise<void>;
}

function specs(hub: string): Spec[] {
  const control = (kind: string, extra: Record<string, unknown> = {}) => (id: string) => api(hub, 'POST', `/taskhubs/orchestrations/${encodeURIComponent(id)}/history`, { [kind]: extra });
  const reason = [{ name: 'reason', label: 'Reason' }];
  return [
    { spec: { title: 'Suspend', message: (n) => `Suspend ${n}? They stop making progress until resumed.`, confirm: 'Suspend', fields: reason, done: 'Suspended' },
      run: (ids, v) => each(ids, control('executionSuspended', { reason: v.reason || undefined })) },
    { spec: { title: 'Resume', message: (n) => `Resume ${n}?`, confirm: 'Resume', fields: reason, done: 'Resumed' },
      run: (ids, v) => each(ids, control('executionResumed', { reason: v.reason || undefined })) },
    { spec: { title: 'Terminate', message: (n) => `Terminate ${n}? This cannot be undone.`, confirm: 'Terminate', danger: true, fields: reason, done: 'Terminated' },
      run: (ids, v) => each(ids, control('executionTerminated', { reason: v.reason || undefined })) },
    { spec: { title: 'Raise event', message: (n) => `Raise an event to ${n}.`, confirm: 'Raise event', done: 'Raised event on',
      fields: [{ name: 'name', label: 'Event name', required: true }, { name: 'input', label: 'Event data (JSON)', json: true }] },
      run: (ids, v) => each(ids, control('eventRaised', { name: v.name, input: payload(v.input) })) },
    { spec: { title: 'Restart', message: (n) => `Restart ${n} with the same input?`, confirm: 'Restart', done: 'Restarted' },
      run: (ids) => each(ids, (id) => api(hub, 'POST', `/taskhubs/orchestrations/${encodeURIComponent(id)}/restart`, { restartWithNewInstanceId: false })) },
    { spec: { title: 'Rewind', message: (n) => `Rewind ${n}? Failed work is retried.`, confirm: 'Rewind', fields: reason, done: 'Rewound' },
      run: (ids, v) => each(ids, control('executionRewound', { reason: v.reason || undefined })) },
    { spec: { title: 'Purge', message: (n) => `Purge ${n}? The history is deleted for good.`, confirm: 'Purge', danger: true, done: 'Purged' },
      run: async (ids) => {
        const r = await api<{ deletedInstanceCount: number }>(hub, 'DELETE', '/taskhubs/orchestrations/purge', { instanceIds: ids });
        if (r.deletedInstanceCount < ids.length) throw new Error(`purged ${r.deletedInstanceCount} of ${ids.length}: only finished instances can be purged`);
      } },
  ];
}

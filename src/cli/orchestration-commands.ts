/**
 * `dts orchestration ...`, the data-plane commands on the model of `temporal workflow ...`: list
 * (filters, --top), show (payloads decoded, --history), start, raise-event, suspend, resume,
 * terminate, restart, rewind and purge (by id or by filter). Each calls the dashboard API of one
 * task hub (taskhub-target.ts); a purge by filter pages through the matching finished instances
 * and purges them page by page, as the server's own purge by filter does.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';
import { compact } from '../lib/compact.ts';
import { single, tagsFlag, UsageError, type FlagValues } from './cli-args.ts';
import { enc, f, need, TAGS, YES, type CommandSpec } from './control-commands.ts';
import { ALL, collectPages, decodePayload, PAGE_MAX, TOP_DEFAULT, topFlag, topOf } from './data-plane-kit.ts';
import { TARGET_FLAGS, taskHubClient, type TaskHubClient } from './taskhub-target.ts';

const STATUSES: readonly OrchestrationStatus[] = ['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'FAILED', 'CANCELED', 'TERMINATED', 'PENDING', 'SUSPENDED'];
const FINISHED: readonly OrchestrationStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'];

const ID = f('id', ['--id', '--instance-id'], 'the orchestration instance id', { required: true });
const REASON = f('reason', ['--reason'], 'why, recorded in the history');
const FILTERS = [
  f('status', ['--status'], `space-separated statuses: ${STATUSES.join(', ')} (any case)`, { multi: true }),
  f('name', ['--name'], 'orchestration name contains this'),
  f('prefix', ['--prefix', '--instance-id-prefix'], 'instance id starts with this'),
  f('created-from', ['--created-from'], 'created at or after this ISO-8601 time, e.g. 2025-01-31T00:00:00Z'),
  f('created-to', ['--created-to'], 'created at or before this ISO-8601 time'),
];

const instanceRow = (i: Record<string, unknown>) => ({ InstanceId: i['instanceId'], Name: i['name'], Status: i['status'], CreatedAt: i['createdAt'], LastUpdatedAt: i['lastUpdatedAt'] });

/** One command on one instance: the flags, and the control event it sends. */
function control(help: string, event: (v: FlagValues) => Record<string, unknown>, extra = [REASON]): CommandSpec {
  return {
    help,
    flags: [ID, ...extra, ...TARGET_FLAGS],
    run: async (v, c, sub) => {
      const body = event(v);
      await (await taskHubClient(v, c, sub)).call('POST', `orchestrations/${enc(need(v, 'id'))}/history`, body);
      return undefined;
    },
  };
}

const reason = (v: FlagValues) => compact({ reason: single(v, 'reason') });

export const ORCHESTRATION_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'orchestration list': {
    help: `List orchestration instances, newest first (--top, default ${TOP_DEFAULT}).`,
    flags: [...FILTERS, topFlag('instances'), ...TARGET_FLAGS],
    run: async (v, c, sub) => listInstances(await taskHubClient(v, c, sub), filterOf(v), topOf(v)),
    tableRow: instanceRow,
  },
  'orchestration show': {
    help: 'Show an instance with its input, output, custom status and failure (JSON payloads decoded); --history adds its history events.',
    flags: [ID, f('history', ['--history'], 'include the history events', { boolean: true }), ...TARGET_FLAGS],
    run: async (v, c, sub) => {
      const hub = await taskHubClient(v, c, sub);
      const path = `orchestrations/${enc(need(v, 'id'))}`;
      const instance = (await hub.call('GET', path)) as Record<string, unknown>;
      const payloads = (await hub.call('GET', `${path}/payloads`)) as Record<string, unknown>;
      const shown = { ...instance, input: decodePayload(payloads['input']), output: decodePayload(payloads['output']), customStatus: decodePayload(payloads['customStatus']), failureDetails: payloads['failureDetails'] };
      return v['history'] === undefined ? shown : { ...shown, history: await hub.call('GET', `${path}/history`) };
    },
    tableRow: instanceRow,
  },
  'orchestration start': {
    help: 'Start an orchestration (scheduled for later with --start-at); prints the new instance.',
    flags: [
      f('name', ['--name', '-n'], 'the orchestration name the worker registered', { required: true }),
      f('id', ['--id', '--instance-id'], 'the instance id (default: a new GUID)'),
      f('input', ['--input'], `the input as JSON, e.g. '{"city":"Tokyo"}' or '"text"'`),
      f('version', ['--version'], 'the orchestration version'),
      TAGS,
      f('start-at', ['--start-at'], 'start at this ISO-8601 time instead of now'),
      ...TARGET_FLAGS,
    ],
    run: async (v, c, sub) => {
      const hub = await taskHubClient(v, c, sub);
      const body = compact({ name: need(v, 'name'), instanceId: single(v, 'id'), version: single(v, 'version'), ...jsonFlag(v, 'input'), tags: tagsFlag(v), scheduledStartTimestamp: timeFlag(v, 'start-at') });
      const { instanceId } = (await hub.call('POST', 'orchestrations', body)) as { instanceId: string };
      return hub.call('GET', `orchestrations/${enc(instanceId)}`);
    },
    tableRow: instanceRow,
  },
  'orchestration raise-event': control(
    'Send an event to an instance (what the orchestration waits for with waitForExternalEvent).',
    (v) => ({ eventRaised: { name: need(v, 'event-name'), ...jsonFlag(v, 'event-data', 'input') } }),
    [f('event-name', ['--event-name'], 'the event name', { required: true }), f('event-data', ['--event-data', '--input'], 'the event data as JSON')],
  ),
  'orchestration suspend': control('Suspend an instance: it stops taking work until resumed.', (v) => ({ executionSuspended: reason(v) })),
  'orchestration resume': control('Resume a suspended instance.', (v) => ({ executionResumed: reason(v) })),
  'orchestration terminate': control(
    'Terminate an instance (the reason becomes its output); --recursive terminates its sub-orchestrations too.',
    (v) => ({ executionTerminated: { ...reason(v), recurse: v['recursive'] !== undefined } }),
    [REASON, f('recursive', ['--recursive'], 'terminate its sub-orchestrations too', { boolean: true })],
  ),
  'orchestration rewind': control('Rewind a failed instance: its failed activities and sub-orchestrations run again.', (v) => ({ executionRewound: reason(v) })),
  'orchestration restart': {
    help: 'Start a finished instance again with its input, under the same id or (--new-instance-id) a new one; prints the id.',
    flags: [ID, f('new-instance-id', ['--new-instance-id'], 'restart under a new instance id', { boolean: true }), ...TARGET_FLAGS],
    run: async (v, c, sub) => (await taskHubClient(v, c, sub)).call('POST', `orchestrations/${enc(need(v, 'id'))}/restart`, { restartWithNewInstanceId: v['new-instance-id'] !== undefined }),
  },
  'orchestration purge': {
    help: 'Delete finished instances and their histories (sub-orchestrations too): by --id, or every finished one matching the filters.',
    flags: [f('id', ['--id', '--instance-id'], 'space-separated instance ids', { multi: true }), ...FILTERS, YES, ...TARGET_FLAGS],
    run: async (v, c, sub) => {
      const what = purgeSelection(v);
      return purge(await taskHubClient(v, c, sub), what);
    },
    confirm: (v) => {
      const what = purgeSelection(v);
      return 'ids' in what ? `Purge orchestration ${what.ids.map((id) => `'${id}'`).join(', ')} with its history?` : 'Purge every finished orchestration that matches the filters, with its history?';
    },
  },
};

interface Filter {
  orchestrationStatus?: string[];
  name?: string;
  orchestrationId?: string;
  createdAt?: { from?: string; to?: string };
}

function filterOf(v: FlagValues): Filter {
  const statuses = (v['status'] ?? []).map((s) => {
    const status = s.toUpperCase().replace(/^ORCHESTRATION_STATUS_/, '') as OrchestrationStatus;
    if (!STATUSES.includes(status)) throw new UsageError(`argument --status: invalid choice: '${s}' (choose from ${STATUSES.join(', ')})`);
    return status;
  });
  const from = timeFlag(v, 'created-from');
  const to = timeFlag(v, 'created-to');
  return compact({
    orchestrationStatus: statuses.length === 0 ? undefined : statuses,
    name: single(v, 'name'),
    orchestrationId: single(v, 'prefix'),
    createdAt: from === undefined && to === undefined ? undefined : compact({ from, to }),
  });
}

type Instance = Record<string, unknown>;

/** Instances matching `filter`, newest first, up to `top`; `onPage` sees each page as it comes. */
function listInstances(hub: TaskHubClient, filter: Filter, top: number, onPage?: (items: Instance[]) => Promise<void>): Promise<Instance[]> {
  return collectPages(top, async (pagination) => {
    const page = (await hub.call('POST', 'orchestrations/query', { filter, pagination })) as { orchestrations: Instance[]; continuationToken: string | null };
    return { items: page.orchestrations, continuationToken: page.continuationToken };
  }, onPage);
}

/** What a purge deletes: the instances with these ids, or the finished ones matching a filter. */
function purgeSelection(v: FlagValues): { ids: readonly string[] } | { filter: Filter } {
  const ids = v['id'];
  const filter = filterOf(v);
  const filtered = Object.keys(filter).length > 0;
  if (ids !== undefined && ids.length > 0 && !filtered) return { ids };
  if (ids !== undefined) throw new UsageError('give --id with one or more ids, or filters (--status, --name, --prefix, --created-from, --created-to), not both');
  if (!filtered) throw new UsageError('give --id, or at least one filter: --status, --name, --prefix, --created-from, --created-to');
  const running = filter.orchestrationStatus?.filter((s) => !FINISHED.includes(s as OrchestrationStatus)) ?? [];
  if (running.length > 0) throw new UsageError(`argument --status: only finished orchestrations can be purged (${FINISHED.join(', ')}), not ${running.join(', ')}`);
  return { filter: { ...filter, orchestrationStatus: filter.orchestrationStatus ?? [...FINISHED] } };
}

async function purge(hub: TaskHubClient, what: { ids: readonly string[] } | { filter: Filter }): Promise<{ deletedInstanceCount: number; isComplete: boolean }> {
  let deleted = 0;
  const purgeIds = async (batch: readonly string[]) => {
    if (batch.length > 0) deleted += ((await hub.call('POST', 'orchestrations/purge', { instanceIds: batch })) as { deletedInstanceCount: number }).deletedInstanceCount;
  };
  if ('ids' in what) {
    for (let i = 0; i < what.ids.length; i += PAGE_MAX) await purgeIds(what.ids.slice(i, i + PAGE_MAX));
  } else {
    // Key-set paging: purging the instances of one page does not move the next page's position.
    await listInstances(hub, what.filter, ALL, (page) => purgeIds(page.map((i) => i['instanceId'] as string)));
  }
  return { deletedInstanceCount: deleted, isComplete: true };
}

/** A JSON flag as the body field `field` (the dashboard API stores its JSON text). */
function jsonFlag(v: FlagValues, key: string, field = key): Record<string, unknown> {
  const text = single(v, key);
  if (text === undefined) return {};
  try {
    return { [field]: JSON.parse(text) as unknown };
  } catch {
    throw new UsageError(`argument --${key}: '${text.length > 80 ? `${text.slice(0, 80)}...` : text}' is not JSON; a string needs quotes: '"text"'`);
  }
}

function timeFlag(v: FlagValues, key: string): string | undefined {
  const text = single(v, key);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`argument --${key}: '${text}' is not an ISO-8601 time, e.g. 2025-01-31T12:00:00Z`);
  return new Date(ms).toISOString();
}

/**
 * Which task hub a data-plane command (`dts orchestration ...`, `dts entity ...`) addresses, and
 * the dashboard API calls it makes there. The hub is named by `--taskhub` (default `default`) on a
 * scheduler named by `--resource-group` and `--scheduler-name`, or by `--endpoint` (the scheduler's
 * data-plane endpoint, as in a connection string), else on the default scheduler. The dashboard
 * API takes it in the `x-taskhub` header: the plain hub name on the default scheduler, else
 * `subscription/resourceGroup/scheduler/hub` with the scheduler's part lower-cased.
 */
import { single, UsageError, type FlagSpec, type FlagValues } from './cli-args.ts';
import type { ControlClient, HttpMethod } from './cli-http.ts';
import { enc, f } from './control-commands.ts';

export const TARGET_FLAGS: readonly FlagSpec[] = [
  f('taskhub', ['--taskhub', '--task-hub', '--task-hub-name'], "the task hub (default 'default')"),
  f('scheduler-name', ['--scheduler-name', '-s'], 'the scheduler of the task hub, with --resource-group (default: the default scheduler)'),
  f('resource-group', ['--resource-group', '-g'], 'the resource group of --scheduler-name'),
  f('endpoint', ['--endpoint'], "instead of -g/-s: the scheduler's data-plane endpoint, e.g. http://localhost:8100 (needs read access to the schedulers)"),
];

const DEFAULT_SCHEDULER = ['default', 'default', 'default'] as const;
const SCHEDULER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DurableTask\/schedulers\/([^/]+)$/i;

/** Calls of the dashboard API on one task hub. */
export interface TaskHubClient {
  readonly name: string;
  call(method: HttpMethod, path: string, body?: unknown): Promise<unknown>;
}

export async function taskHubClient(v: FlagValues, client: ControlClient, subscription: string): Promise<TaskHubClient> {
  const hub = single(v, 'taskhub') ?? 'default';
  if (hub === '') throw new UsageError('argument --taskhub: expected a task hub name');
  const path = await schedulerPath(v, client, subscription);
  const isDefault = path.every((name, i) => name.toLowerCase() === DEFAULT_SCHEDULER[i]);
  const name = isDefault ? hub : `${path.join('/').toLowerCase()}/${hub}`;
  return { name, call: (method, route, body) => client.call(method, `/v1/taskhubs/${route}`, body, { 'x-taskhub': name }) };
}

async function schedulerPath(v: FlagValues, client: ControlClient, subscription: string): Promise<readonly string[]> {
  const scheduler = single(v, 'scheduler-name');
  const group = single(v, 'resource-group');
  const endpoint = single(v, 'endpoint');
  if (endpoint !== undefined) {
    if (scheduler !== undefined || group !== undefined) throw new UsageError('give --endpoint or --resource-group/--scheduler-name, not both');
    return schedulerOfEndpoint(endpoint, client, subscription);
  }
  if (scheduler === undefined && group === undefined) return DEFAULT_SCHEDULER;
  if (scheduler === undefined || group === undefined) throw new UsageError('--scheduler-name/-s and --resource-group/-g go together');
  return [subscription, group, scheduler];
}

/** Each scheduler has a port of its own on the server, so the port names the scheduler. */
async function schedulerOfEndpoint(endpoint: string, client: ControlClient, subscription: string): Promise<readonly string[]> {
  const port = portOf(endpoint);
  const listed = (await client.call('GET', `/subscriptions/${enc(subscription)}/providers/Microsoft.DurableTask/schedulers`)) as { value?: { id?: string; properties?: { endpoint?: string } }[] };
  for (const scheduler of listed.value ?? []) {
    const own = scheduler.properties?.endpoint;
    const match = SCHEDULER_ID.exec(scheduler.id ?? '');
    if (own !== undefined && match !== null && portOf(own) === port) return [match[1], match[2], match[3]].map((s) => decodeURIComponent(s as string));
  }
  throw new Error(`no scheduler of subscription '${subscription}' has the endpoint ${endpoint}; see 'dts scheduler list --query [].properties.endpoint'`);
}

function portOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
  } catch {
    throw new UsageError(`argument --endpoint: '${endpoint}' is not a URL`);
  }
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

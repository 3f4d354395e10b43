/**
 * The control-plane commands of `dts`, mirroring `az group` and `az durabletask`: their flags
 * (long and short names as az has them) and the REST call each makes. `dts durabletask
 * scheduler ...` and `dts scheduler ...` are the same command.
 */
import { compact } from '../lib/compact.ts';
import { integerFlag, listFlag, single, tagsFlag, UsageError, type FlagSpec, type FlagValues } from './cli-args.ts';
import type { ControlClient } from './cli-http.ts';

export type { ControlClient };

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** What a command may use besides its flags and the server. */
export interface CommandContext {
  env: Readonly<Record<string, string | undefined>>;
  /** The words after `--` (for commands with `passthrough`). */
  passthrough: readonly string[];
}

export interface CommandSpec {
  help: string;
  flags: readonly FlagSpec[];
  run(values: FlagValues, client: ControlClient, subscription: string, context: CommandContext): Promise<unknown>;
  /** The columns of `--output table` when they are not simply the scalar fields (az's table transformers). */
  tableRow?(item: Record<string, unknown>): Record<string, unknown>;
  /** The question a destructive command asks first, as az asks it; `--yes` skips it. */
  confirm?(values: FlagValues): string;
  /** Takes a command line after `--` (`dts app run -- node app.js`). */
  passthrough?: boolean;
}

/** A result that is an exit code to end with rather than something to print (`dts app run`). */
export class ExitStatus {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

const PROVIDER = 'providers/Microsoft.DurableTask';

export const f = (key: string, names: string[], help: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ key, names, help, ...extra });
export const GROUP = f('resource-group', ['--resource-group', '-g'], 'name of the resource group', { required: true });
export const GROUP_OPTIONAL = { ...GROUP, required: false };
const SCHEDULER_NAME = f('name', ['--name', '-n', '--scheduler-name'], 'name of the scheduler', { required: true });
const HUB_SCHEDULER = f('scheduler-name', ['--scheduler-name', '-s'], 'name of the scheduler', { required: true });
const HUB_NAME = f('name', ['--name', '-n', '--task-hub-name'], 'name of the task hub', { required: true });
export const TAGS = f('tags', ['--tags'], "space-separated tags: key[=value] [key[=value] ...]; '' clears them", { multi: true });
export const YES = f('yes', ['--yes', '-y'], 'do not prompt for confirmation (needed when stdin is not a terminal)', { boolean: true });
/** az's --yes on commands that do not ask (identity, app and role assignment deletes). */
export const YES_ACCEPTED = f('yes', ['--yes', '-y'], 'accepted for az compatibility (this command does not prompt)', { boolean: true });
const IP_ALLOWLIST = f('ip-allowlist', ['--ip-allowlist'], 'IP addresses or CIDR ranges allowed to connect, e.g. "[0.0.0.0/0]"', { multi: true });
const SKU_NAME = f('sku-name', ['--sku-name'], 'SKU: dedicated or consumption');
const SKU_CAPACITY = f('sku-capacity', ['--sku-capacity'], 'capacity units of a dedicated scheduler: 1 to 3');
const RETENTION = [
  f('default-days', ['--default-days', '-d'], 'days to keep terminal orchestrations of any status (0-90)'),
  f('completed-days', ['--completed-days', '-c'], 'days to keep Completed orchestrations'),
  f('failed-days', ['--failed-days', '-f'], 'days to keep Failed orchestrations'),
  f('terminated-days', ['--terminated-days', '-t'], 'days to keep Terminated orchestrations'),
  f('canceled-days', ['--canceled-days', '-x'], 'days to keep Canceled orchestrations'),
];

const groupPath = (sub: string, v: FlagValues, key = 'resource-group') => `/subscriptions/${enc(sub)}/resourceGroups/${enc(need(v, key))}`;
const schedulerPath = (sub: string, v: FlagValues, nameKey = 'name') => `${groupPath(sub, v)}/${PROVIDER}/schedulers/${enc(need(v, nameKey))}`;
const hubPath = (sub: string, v: FlagValues) => `${schedulerPath(sub, v, 'scheduler-name')}/taskHubs/${enc(need(v, 'name'))}`;
const retentionPath = (sub: string, v: FlagValues) => `${schedulerPath(sub, v, 'scheduler-name')}/retentionPolicies/default`;

/** The value at `path` in a JSON reply, if each step is an object. */
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
type Row = (item: Record<string, unknown>) => Record<string, unknown>;
/** The columns people read in `-o table`, as az's table transformers pick them. */
const groupRow: Row = (g) => ({ Name: g['name'], Location: g['location'], State: at(g, 'properties', 'provisioningState') });
const schedulerRow: Row = (s) => ({
  Name: s['name'], ResourceGroup: s['resourceGroup'], Location: s['location'], Endpoint: at(s, 'properties', 'endpoint'),
  State: at(s, 'properties', 'provisioningState'), Sku: at(s, 'properties', 'sku', 'name'), Capacity: at(s, 'properties', 'sku', 'capacity'),
});
const taskHubRow: Row = (h) => ({ Name: h['name'], ResourceGroup: h['resourceGroup'], State: at(h, 'properties', 'provisioningState'), DashboardUrl: at(h, 'properties', 'dashboardUrl') });
const retentionRow: Row = (r) => {
  const rules = at(r, 'properties', 'retentionPolicies');
  const days = (state?: string) => at((Array.isArray(rules) ? (rules as unknown[]) : []).find((rule) => at(rule, 'orchestrationState') === state), 'retentionPeriodInDays');
  const scheduler = /\/schedulers\/([^/]+)\//i.exec(String(r['id']))?.[1];
  return { ResourceGroup: r['resourceGroup'], Scheduler: scheduler, DefaultDays: days(undefined), CompletedDays: days('Completed'), FailedDays: days('Failed'), TerminatedDays: days('Terminated'), CanceledDays: days('Canceled') };
};

export const COMMANDS: Readonly<Record<string, CommandSpec>> = withTableRows({
  'group create': {
    help: 'Create a resource group.',
    flags: [f('resource-group', ['--name', '-n', '--resource-group', '-g'], 'name of the resource group', { required: true }), f('location', ['--location', '-l'], 'location, e.g. westus', { required: true }), TAGS],
    run: (v, c, sub) => c.call('PUT', groupPath(sub, v), { location: single(v, 'location'), tags: tagsFlag(v) ?? {} }),
  },
  'group show': { help: 'Show a resource group.', flags: [f('resource-group', ['--name', '-n', '--resource-group', '-g'], 'name of the resource group', { required: true })], run: (v, c, sub) => c.call('GET', groupPath(sub, v)) },
  'group list': { help: 'List the resource groups of the subscription.', flags: [], run: (_v, c, sub) => c.call('GET', `/subscriptions/${enc(sub)}/resourceGroups`) },
  'group delete': {
    help: 'Delete an empty resource group (one with schedulers is refused).',
    flags: [f('resource-group', ['--name', '-n', '--resource-group', '-g'], 'name of the resource group', { required: true }), YES],
    run: (v, c, sub) => c.call('DELETE', groupPath(sub, v)),
    confirm: (v) => `Delete resource group '${need(v, 'resource-group')}'?`,
  },
  'scheduler create': {
    help: 'Create a scheduler. Its data-plane endpoint is in properties.endpoint.',
    flags: [SCHEDULER_NAME, GROUP, f('location', ['--location', '-l'], "location; default: the resource group's"), { ...IP_ALLOWLIST, required: true }, { ...SKU_NAME, required: true }, SKU_CAPACITY, TAGS],
    run: async (v, c, sub) => {
      const location = single(v, 'location') ?? ((await c.call('GET', groupPath(sub, v))) as { location?: string }).location;
      const capacity = integerFlag(v, 'sku-capacity');
      const sku = compact({ name: single(v, 'sku-name'), capacity });
      return c.call('PUT', schedulerPath(sub, v), { location, tags: tagsFlag(v) ?? {}, properties: { ipAllowlist: listFlag(v, 'ip-allowlist'), sku } });
    },
  },
  'scheduler update': {
    help: 'Update the allow list, SKU or tags of a scheduler.',
    flags: [SCHEDULER_NAME, GROUP, IP_ALLOWLIST, SKU_NAME, SKU_CAPACITY, TAGS],
    run: (v, c, sub) => {
      const capacity = integerFlag(v, 'sku-capacity');
      const sku: Record<string, unknown> = {};
      if (single(v, 'sku-name') !== undefined) sku['name'] = single(v, 'sku-name');
      // As az does: a capacity of 0 means "not given".
      if (capacity !== undefined && capacity !== 0) sku['capacity'] = capacity;
      const properties: Record<string, unknown> = {};
      if (v['ip-allowlist'] !== undefined) properties['ipAllowlist'] = listFlag(v, 'ip-allowlist');
      if (Object.keys(sku).length > 0) properties['sku'] = sku;
      return c.call('PATCH', schedulerPath(sub, v), compact({ tags: v['tags'] === undefined ? undefined : tagsFlag(v), properties }));
    },
  },
  'scheduler show': { help: 'Show a scheduler.', flags: [SCHEDULER_NAME, GROUP], run: (v, c, sub) => c.call('GET', schedulerPath(sub, v)) },
  'scheduler list': {
    help: 'List the schedulers of the subscription, or of one resource group with --resource-group.',
    flags: [GROUP_OPTIONAL],
    run: (v, c, sub) => c.call('GET', v['resource-group'] === undefined ? `/subscriptions/${enc(sub)}/${PROVIDER}/schedulers` : `${groupPath(sub, v)}/${PROVIDER}/schedulers`),
  },
  'scheduler delete': {
    help: 'Delete a scheduler; refused (CannotDeleteResource) while it has task hubs.',
    flags: [SCHEDULER_NAME, GROUP, YES],
    run: (v, c, sub) => c.call('DELETE', schedulerPath(sub, v)),
    confirm: (v) => `Delete scheduler '${need(v, 'name')}' of resource group '${need(v, 'resource-group')}'?`,
  },
  'taskhub create': { help: 'Create a task hub; it is live on the scheduler endpoint at once.', flags: [HUB_NAME, GROUP, HUB_SCHEDULER], run: (v, c, sub) => c.call('PUT', hubPath(sub, v), {}) },
  'taskhub show': { help: 'Show a task hub.', flags: [HUB_NAME, GROUP, HUB_SCHEDULER], run: (v, c, sub) => c.call('GET', hubPath(sub, v)) },
  'taskhub list': {
    help: 'List the task hubs of a scheduler.',
    flags: [GROUP, HUB_SCHEDULER],
    run: (v, c, sub) => c.call('GET', `${schedulerPath(sub, v, 'scheduler-name')}/taskHubs`),
  },
  'taskhub delete': {
    help: 'Delete a task hub and all its data.',
    flags: [HUB_NAME, GROUP, HUB_SCHEDULER, YES],
    run: (v, c, sub) => c.call('DELETE', hubPath(sub, v)),
    confirm: (v) => `Delete task hub '${need(v, 'name')}' of scheduler '${need(v, 'scheduler-name')}' and all its orchestrations and entities?`,
  },
  'retention-policy create': {
    help: 'Create or replace the retention policy of a scheduler (at least one of -d -c -f -t -x).',
    flags: [GROUP, HUB_SCHEDULER, ...RETENTION],
    run: (v, c, sub) => c.call('PUT', retentionPath(sub, v), { properties: { retentionPolicies: retentionRules(v) } }),
  },
  'retention-policy update': {
    help: 'Change some periods of the retention policy of a scheduler.',
    flags: [GROUP, HUB_SCHEDULER, ...RETENTION],
    run: (v, c, sub) => c.call('PATCH', retentionPath(sub, v), { properties: { retentionPolicies: retentionRules(v) } }),
  },
  'retention-policy show': { help: 'Show the retention policy of a scheduler.', flags: [GROUP, HUB_SCHEDULER], run: (v, c, sub) => c.call('GET', retentionPath(sub, v)) },
  'retention-policy delete': {
    help: 'Delete the retention policy: terminal orchestrations are kept for ever again.',
    flags: [GROUP, HUB_SCHEDULER, YES],
    run: (v, c, sub) => c.call('DELETE', retentionPath(sub, v)),
    confirm: (v) => `Delete the retention policy of scheduler '${need(v, 'scheduler-name')}'?`,
  },
});

function withTableRows(commands: Record<string, CommandSpec>): Record<string, CommandSpec> {
  const rows: Record<string, Row> = { group: groupRow, scheduler: schedulerRow, taskhub: taskHubRow, 'retention-policy': retentionRow };
  return Object.fromEntries(Object.entries(commands).map(([name, spec]) => [name, { tableRow: rows[name.split(' ')[0] as string], ...spec }]));
}

function retentionRules(v: FlagValues): { retentionPeriodInDays: number; orchestrationState?: string }[] {
  const states: [string, string | undefined][] = [['default-days', undefined], ['completed-days', 'Completed'], ['failed-days', 'Failed'], ['terminated-days', 'Terminated'], ['canceled-days', 'Canceled']];
  const rules = [];
  for (const [key, state] of states) {
    const days = integerFlag(v, key);
    if (days !== undefined) rules.push(compact({ retentionPeriodInDays: days, orchestrationState: state }));
  }
  if (rules.length === 0) throw new UsageError('at least one of --default-days/-d, --completed-days/-c, --failed-days/-f, --terminated-days/-t, --canceled-days/-x is required');
  return rules;
}

export function need(v: FlagValues, key: string): string {
  const value = single(v, key);
  if (value === undefined || value === '') throw new UsageError(`argument --${key} is required`);
  return value;
}

export function enc(name: string): string {
  return encodeURIComponent(name);
}

/**
 * The principal commands of `dts`, mirroring az: `ad user` (users who sign in with a password),
 * `identity` (user-assigned managed identities), `app` (the workloads: `az webapp` /
 * `az functionapp`, whose names work too) with its identity, settings and environment, and
 * `resource show` for reading any resource id by type. Each calls one REST route of the server.
 */
import { randomBytes } from 'node:crypto';
import { single, tagsFlag, UsageError, type FlagValues } from './cli-args.ts';
import type { ControlClient } from './cli-http.ts';
import { commandLine, runWithEnvironment } from './app-run.ts';
import { enc, ExitStatus, f, GROUP, GROUP_OPTIONAL, need, TAGS, YES_ACCEPTED, type CommandSpec } from './control-commands.ts';

const USER_ID = f('id', ['--id', '--user-principal-name', '--upn'], 'user name (user principal name), e.g. someone@example.com, or its object id', { required: true });
const NAME = (what: string) => f('name', ['--name', '-n'], `name of the ${what}`, { required: true });
const LOCATION = f('location', ['--location', '-l'], "location; default: the resource group's");

const groupPath = (sub: string, v: FlagValues) => `/subscriptions/${enc(sub)}/resourceGroups/${enc(need(v, 'resource-group'))}`;
const identityPath = (sub: string, v: FlagValues) => `${groupPath(sub, v)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${enc(need(v, 'name'))}`;
const appPath = (sub: string, v: FlagValues) => `${groupPath(sub, v)}/providers/Microsoft.Web/sites/${enc(need(v, 'name'))}`;

export const IDENTITY_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'ad user create': {
    help: 'Create a user who signs in with `dts login`. Without --password one is generated and printed once (as "password").',
    flags: [USER_ID, f('password', ['--password'], 'the password, 8-256 characters'), f('display-name', ['--display-name'], 'accepted for az compatibility (the display name is the user name)')],
    run: async (v, c) => {
      const given = single(v, 'password');
      const password = given ?? randomBytes(18).toString('base64url');
      const user = (await c.call('PUT', `/users/${enc(need(v, 'id'))}`, { password })) as object;
      return given === undefined ? { ...user, password } : user;
    },
  },
  'ad user show': { help: 'Show a user; its object id is "id".', flags: [USER_ID], run: async (v, c) => c.call('GET', `/users/${enc(await userName(c, need(v, 'id')))}`) },
  'ad user list': { help: 'List the users.', flags: [], run: (_v, c) => c.call('GET', '/users') },
  'ad user delete': {
    help: 'Delete a user; its tokens stop working and its role assignments no longer apply.',
    flags: [USER_ID],
    run: async (v, c) => c.call('DELETE', `/users/${enc(await userName(c, need(v, 'id')))}`).then(() => undefined),
  },
  'identity create': {
    help: 'Create a user-assigned managed identity; grant it roles by its clientId or principalId.',
    flags: [NAME('identity'), GROUP, LOCATION, TAGS],
    run: async (v, c, sub) => c.call('PUT', identityPath(sub, v), { location: await locationOf(v, c, sub), tags: tagsFlag(v) ?? {} }),
  },
  'identity show': { help: 'Show a user-assigned identity (clientId, principalId, tenantId, id).', flags: [NAME('identity'), GROUP], run: (v, c, sub) => c.call('GET', identityPath(sub, v)) },
  'identity list': {
    help: 'List the user-assigned identities of the subscription, or of one resource group with --resource-group.',
    flags: [GROUP_OPTIONAL],
    run: async (v, c, sub) => {
      if (v['resource-group'] !== undefined) return c.call('GET', `${groupPath(sub, v)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`);
      const groups = ((await c.call('GET', `/subscriptions/${enc(sub)}/resourceGroups`)) as { value: { name: string }[] }).value;
      const all = [];
      for (const group of groups) {
        const listed = (await c.call('GET', `/subscriptions/${enc(sub)}/resourceGroups/${enc(group.name)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`)) as { value: unknown[] };
        all.push(...listed.value);
      }
      return all;
    },
  },
  'identity delete': { help: 'Delete a user-assigned identity; tokens for it stop working.', flags: [NAME('identity'), GROUP, YES_ACCEPTED], run: (v, c, sub) => c.call('DELETE', identityPath(sub, v)).then(() => undefined) },
  'app create': {
    help: 'Create an app: a workload that gets tokens for its identities from the server (see `dts app env`).',
    flags: [NAME('app'), GROUP, LOCATION, f('plan', ['--plan', '-p'], 'accepted for az compatibility')],
    run: async (v, c, sub) => c.call('PUT', appPath(sub, v), { location: await locationOf(v, c, sub) }),
  },
  'app show': { help: 'Show an app and its identities.', flags: [NAME('app'), GROUP], run: (v, c, sub) => c.call('GET', appPath(sub, v)) },
  'app delete': { help: 'Delete an app; its IDENTITY_HEADER secret stops working.', flags: [NAME('app'), GROUP, YES_ACCEPTED], run: (v, c, sub) => c.call('DELETE', appPath(sub, v)).then(() => undefined) },
  'app identity assign': {
    help: "Assign identities to an app: user-assigned identity resource ids, and '[system]' for a system-assigned one (the default).",
    flags: [NAME('app'), GROUP, f('identities', ['--identities'], "space-separated identity resource ids, or '[system]'", { multi: true })],
    run: (v, c, sub) => {
      const identities = v['identities'] === undefined || v['identities'].length === 0 ? ['[system]'] : v['identities'];
      return c.call('POST', `${appPath(sub, v)}/identity/assign`, { identities });
    },
  },
  'app identity show': { help: "Show an app's identities.", flags: [NAME('app'), GROUP], run: async (v, c, sub) => ((await c.call('GET', appPath(sub, v))) as { identity: unknown }).identity },
  'app config appsettings set': {
    help: 'Add or change app settings (environment variables of the app).',
    flags: [NAME('app'), GROUP, f('settings', ['--settings'], 'space-separated KEY=VALUE pairs', { multi: true, required: true })],
    run: (v, c, sub) => c.call('PATCH', `${appPath(sub, v)}/config/appsettings`, { properties: settingsFlag(v) }),
  },
  'app config appsettings list': {
    help: 'List the app settings.',
    flags: [NAME('app'), GROUP],
    run: async (v, c, sub) => {
      const env = (await c.call('POST', `${appPath(sub, v)}/env`)) as Record<string, string>;
      return Object.entries(env).filter(([key]) => key !== 'IDENTITY_ENDPOINT' && key !== 'IDENTITY_HEADER').map(([name, value]) => ({ name, slotSetting: false, value }));
    },
  },
  'app env': {
    help: "Print the environment the app runs with: its settings plus IDENTITY_ENDPOINT and IDENTITY_HEADER (a secret). '-o env' prints export lines: eval \"$(dts app env -g RG -n APP -o env)\".",
    flags: [NAME('app'), GROUP],
    run: (v, c, sub) => c.call('POST', `${appPath(sub, v)}/env`),
  },
  'app run': {
    help: "Run a program with the app's environment (that of 'dts app env') added to yours; ends with its exit code.",
    flags: [NAME('app'), GROUP],
    passthrough: true,
    run: async (v, c, sub, context) => {
      const command = commandLine(context.passthrough);
      const appEnv = (await c.call('POST', `${appPath(sub, v)}/env`)) as Record<string, string>;
      return new ExitStatus(await runWithEnvironment(command, { ...context.env, ...appEnv }));
    },
  },
  'resource show': {
    help: 'Show a resource by group, name and type, e.g. --resource-type Microsoft.ManagedIdentity/userAssignedIdentities.',
    flags: [NAME('resource'), GROUP, f('resource-type', ['--resource-type'], 'Namespace/type, e.g. Microsoft.DurableTask/schedulers', { required: true })],
    run: (v, c, sub) => {
      const type = need(v, 'resource-type');
      if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9]+$/.test(type)) throw new UsageError(`argument --resource-type: '${type}' is not Namespace/type`);
      return c.call('GET', `${groupPath(sub, v)}/providers/${type}/${enc(need(v, 'name'))}`);
    },
  },
};

/** `--settings A=1 B=2`; a value may contain '=' (connection strings do). */
function settingsFlag(v: FlagValues): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const item of v['settings'] ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`argument --settings: '${item}' is not KEY=VALUE`);
    settings[item.slice(0, eq)] = item.slice(eq + 1);
  }
  if (Object.keys(settings).length === 0) throw new UsageError('argument --settings: give at least one KEY=VALUE');
  return settings;
}

async function locationOf(v: FlagValues, c: ControlClient, sub: string): Promise<string | undefined> {
  return single(v, 'location') ?? ((await c.call('GET', groupPath(sub, v))) as { location?: string }).location;
}

/** `--id` takes a user name or, as in az, the user's object id. */
async function userName(c: ControlClient, id: string): Promise<string> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return id;
  const users = ((await c.call('GET', '/users')) as { value: { id: string; userPrincipalName: string }[] }).value;
  return users.find((u) => u.id.toLowerCase() === id.toLowerCase())?.userPrincipalName ?? id;
}

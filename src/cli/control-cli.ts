/**
 * Runs a control-plane command of `dts` against a server's REST API: finds the command (with or
 * without the `durabletask` prefix; commands may be several words, `role assignment create`),
 * parses its flags and the global ones, calls the server with the sign-in's token, and prints
 * the result as az does. Errors are one line on stderr and a non-zero exit code: 2 for usage
 * errors, 1 for everything else.
 */
import { parseFlags, single, UsageError, type FlagSpec } from './cli-args.ts';
import { httpClient } from './cli-http.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './cli-output.ts';
import { DEFAULT_SERVER, resolveConnection } from './cli-session.ts';
import { COMMANDS as DURABLETASK_COMMANDS, type CommandSpec } from './control-commands.ts';
import { IDENTITY_COMMANDS } from './identity-commands.ts';
import { ROLE_COMMANDS } from './role-commands.ts';

const COMMANDS: Readonly<Record<string, CommandSpec>> = { ...DURABLETASK_COMMANDS, ...IDENTITY_COMMANDS, ...ROLE_COMMANDS };
/** az's names for apps. */
const GROUP_ALIASES: Readonly<Record<string, string>> = { functionapp: 'app', webapp: 'app' };
export const CONTROL_GROUPS: readonly string[] = [...new Set(Object.keys(COMMANDS).map((name) => name.split(' ')[0] as string)), ...Object.keys(GROUP_ALIASES)];

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { key: 'output', names: ['--output', '-o'], help: `output format: ${OUTPUT_FORMATS.join(', ')} (default json)` },
  { key: 'query', names: ['--query'], help: 'JMESPath query applied to the result, e.g. properties.endpoint' },
  { key: 'subscription', names: ['--subscription'], help: "subscription id (default 'default', or DTS_SUBSCRIPTION)" },
  { key: 'server', names: ['--server'], help: `the dts server's HTTP address (default: DTS_SERVER, else the server of 'dts login', else ${DEFAULT_SERVER})` },
  { key: 'ca-file', names: ['--ca-file'], help: "PEM file of the server's CA, e.g. <data dir>/tls/ca.pem (or DTS_CA_FILE; NODE_EXTRA_CA_CERTS works too)" },
  { key: 'only-show-errors', names: ['--only-show-errors'], help: 'accepted for az compatibility', boolean: true },
];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

type Env = Record<string, string | undefined>;

export async function runControlCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const unprefixed = argv[0] === 'durabletask' ? argv.slice(1) : argv;
  const alias = GROUP_ALIASES[unprefixed[0] ?? ''];
  const args = alias === undefined ? unprefixed : [alias, ...unprefixed.slice(1)];
  try {
    // The group is the longest run of leading words that starts some command: 'app config appsettings'.
    let depth = 1;
    while (depth < args.length && isGroup(args.slice(0, depth + 1).join(' '))) depth++;
    const group = args.slice(0, depth).join(' ');
    const verb = args[depth];
    const rest = args.slice(depth + 1);
    const verbs = [...new Set(Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `)).map((name) => name.slice(group.length + 1).split(' ')[0] as string))];
    if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
      if (verb === undefined) throw new UsageError(`'dts ${group}' needs a command: ${verbs.join(', ')}; see 'dts ${group} --help'`);
      io.out(groupHelp(group, verbs));
      return 0;
    }
    const spec = COMMANDS[`${group} ${verb}`];
    if (spec === undefined) {
      const hint = verb.startsWith('-') && group === 'scheduler' ? "; to delete a scheduler use 'dts scheduler delete --resource-group <group> --name <scheduler>'" : '';
      throw new UsageError(`'${verb}' is not a 'dts ${group}' command (use ${verbs.join(', ')})${hint}`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(`${group} ${verb}`, spec.help, [...spec.flags, ...GLOBAL_FLAGS]));
      return 0;
    }
    const values = parseFlags(rest, [...spec.flags, ...GLOBAL_FLAGS], `${group} ${verb}`);
    const format = (single(values, 'output') ?? 'json') as OutputFormat;
    if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`argument --output/-o: invalid choice: '${format}' (choose from ${OUTPUT_FORMATS.join(', ')})`);
    const subscription = single(values, 'subscription') ?? env['DTS_SUBSCRIPTION'] ?? 'default';
    const result = await spec.run(values, httpClient(resolveConnection(values, env, { withToken: true })), subscription);
    let shown = decorate(result);
    if (format === 'table' && spec.tableRow !== undefined && values['query'] === undefined) {
      shown = Array.isArray(shown) ? shown.map((item) => spec.tableRow!(item as Record<string, unknown>)) : spec.tableRow(shown as Record<string, unknown>);
    }
    const text = formatResult(shown, format, single(values, 'query'));
    if (text !== undefined) io.out(text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ERROR: ${error.message}`);
      return 2;
    }
    io.err(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Lists print as arrays, and resources carry their resource group, as az prints them. */
function decorate(result: unknown): unknown {
  if (result === undefined || result === null || typeof result !== 'object') return result;
  const value = (result as { value?: unknown }).value;
  if (Array.isArray(value)) return value.map(decorate);
  const id = (result as { id?: unknown }).id;
  const match = typeof id === 'string' ? /\/resourceGroups\/([^/]+)\/providers\//i.exec(id) : null;
  return match === null ? result : { ...result, resourceGroup: match[1] };
}

function isGroup(words: string): boolean {
  return Object.keys(COMMANDS).some((name) => name.startsWith(`${words} `));
}

function groupHelp(group: string, verbs: string[]): string {
  const lines = verbs.map((verb) => `  ${verb.padEnd(12)} ${COMMANDS[`${group} ${verb}`]?.help ?? `(commands: 'dts ${group} ${verb} --help')`}`);
  const also = DURABLETASK_COMMANDS[`${group} ${verbs[0]}`] === undefined ? '' : `   (also: dts durabletask ${group} ...)`;
  return `usage: dts ${group} <command> [flags]${also}\n\ncommands:\n${lines.join('\n')}\n\nRun 'dts ${group} <command> --help' for its flags.`;
}

function commandHelp(name: string, help: string, flags: readonly FlagSpec[]): string {
  const lines = flags.map((flag) => `  ${flag.names.join(' ').padEnd(40)} ${flag.help}${flag.required ? ' [required]' : ''}`);
  return `usage: dts ${name} [flags]\n\n${help}\n\nflags:\n${lines.join('\n')}`;
}

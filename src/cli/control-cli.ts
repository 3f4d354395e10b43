/**
 * Runs a command of `dts` that talks to a server (control plane, identities, and the data-plane
 * commands through the dashboard API): finds the command (with or without the `durabletask`
 * prefix; commands may be several words, `role assignment create`), parses its flags and the
 * global ones, asks for confirmation where az does, calls the server with the sign-in's token,
 * and prints the result as az does. A group without a command prints its help; a typo gets a
 * "did you mean". Errors are one line on stderr and a non-zero exit code: 2 for usage errors, 1
 * for everything else.
 */
import { closestMatch } from '../lib/closest-match.ts';
import { parseFlags, single, UsageError, type FlagSpec, type FlagValues } from './cli-args.ts';
import { httpClient } from './cli-http.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './cli-output.ts';
import { DEFAULT_SERVER, resolveConnection } from './cli-session.ts';
import type { Confirm } from './confirm.ts';
import { COMMANDS as DURABLETASK_COMMANDS, ExitStatus, type CliIo, type CommandSpec } from './control-commands.ts';
import { ENTITY_COMMANDS } from './entity-commands.ts';
import { IDENTITY_COMMANDS } from './identity-commands.ts';
import { ORCHESTRATION_COMMANDS } from './orchestration-commands.ts';
import { ROLE_COMMANDS } from './role-commands.ts';

export type { CliIo };

const COMMANDS: Readonly<Record<string, CommandSpec>> = { ...DURABLETASK_COMMANDS, ...IDENTITY_COMMANDS, ...ROLE_COMMANDS, ...ORCHESTRATION_COMMANDS, ...ENTITY_COMMANDS };
/** az's names for apps. */
const GROUP_ALIASES: Readonly<Record<string, string>> = { functionapp: 'app', webapp: 'app' };
/** The groups of `az durabletask`, which `dts durabletask` lists. */
const DURABLETASK_GROUPS: Readonly<Record<string, string>> = {
  scheduler: 'Schedulers: create, update, show, list, delete.',
  taskhub: 'Task hubs of a scheduler: create, show, list, delete.',
  'retention-policy': 'How long a scheduler keeps finished orchestrations: create, update, show, delete.',
};
export const CONTROL_GROUPS: readonly string[] = [...new Set(Object.keys(COMMANDS).map((name) => name.split(' ')[0] as string)), ...Object.keys(GROUP_ALIASES)];

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { key: 'output', names: ['--output', '-o'], help: `output format: ${OUTPUT_FORMATS.join(', ')} (default json; env: export lines)` },
  { key: 'query', names: ['--query'], help: 'JMESPath query applied to the result, e.g. properties.endpoint' },
  { key: 'subscription', names: ['--subscription'], help: "subscription id (default 'default', or DTS_SUBSCRIPTION)" },
  { key: 'server', names: ['--server'], help: `the dts server's HTTP address (default: DTS_SERVER, else the server of 'dts login', else ${DEFAULT_SERVER})` },
  { key: 'ca-file', names: ['--ca-file'], help: "PEM file of the server's CA, e.g. <data dir>/tls/ca.pem (or DTS_CA_FILE; NODE_EXTRA_CA_CERTS works too)" },
  { key: 'only-show-errors', names: ['--only-show-errors'], help: 'accepted for az compatibility', boolean: true },
];

type Env = Record<string, string | undefined>;

export async function runControlCommand(argv: readonly string[], env: Env, io: CliIo, confirm: Confirm): Promise<number> {
  try {
    if (argv[0] === 'durabletask' && (argv.length === 1 || isHelp(argv[1]))) {
      io.out(groupHelp('durabletask', Object.keys(DURABLETASK_GROUPS)));
      return 0;
    }
    const unprefixed = argv[0] === 'durabletask' ? argv.slice(1) : argv;
    const first = unprefixed[0] ?? '';
    if (!CONTROL_GROUPS.includes(first)) throw new UsageError(unknownCommand(first, CONTROL_GROUPS));
    const alias = GROUP_ALIASES[first];
    const args = alias === undefined ? unprefixed : [alias, ...unprefixed.slice(1)];
    // The group is the longest run of leading words that starts some command: 'app config appsettings'.
    let depth = 1;
    while (depth < args.length && isGroup(args.slice(0, depth + 1).join(' '))) depth++;
    const group = args.slice(0, depth).join(' ');
    const verb = args[depth];
    const verbs = [...new Set(Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `)).map((name) => name.slice(group.length + 1).split(' ')[0] as string))];
    if (verb === undefined || isHelp(verb)) {
      io.out(groupHelp(group, verbs));
      return 0;
    }
    const spec = COMMANDS[`${group} ${verb}`];
    if (spec === undefined) throw new UsageError(unknownVerb(group, verb, verbs));
    const dashes = args.indexOf('--', depth + 1);
    const rest = args.slice(depth + 1, dashes < 0 ? undefined : dashes);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(`${group} ${verb}`, spec, [...spec.flags, ...GLOBAL_FLAGS]));
      return 0;
    }
    const values = parseFlags(rest, [...spec.flags, ...GLOBAL_FLAGS], `${group} ${verb}`);
    const passthrough = dashes < 0 ? [] : args.slice(dashes + 1);
    if (spec.passthrough !== true && dashes >= 0) throw new UsageError(`'dts ${group} ${verb}' takes no command after --`);
    const format = outputFormat(values);
    const client = httpClient(resolveConnection(values, env, { withToken: true }));
    if (spec.confirm !== undefined && values['yes'] === undefined && !(await confirm(spec.confirm(values)))) throw new Error('Operation cancelled.');
    const subscription = single(values, 'subscription') ?? env['DTS_SUBSCRIPTION'] ?? 'default';
    const result = await spec.run(values, client, subscription, { env, passthrough });
    if (result instanceof ExitStatus) return result.code;
    print(io, spec, values, format, decorate(result));
    return 0;
  } catch (error) {
    io.err(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function outputFormat(values: FlagValues): OutputFormat {
  const format = (single(values, 'output') ?? 'json') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`argument --output/-o: invalid choice: '${format}' (choose from ${OUTPUT_FORMATS.join(', ')})`);
  return format;
}

function print(io: CliIo, spec: CommandSpec, values: FlagValues, format: OutputFormat, result: unknown): void {
  let shown = result;
  const row = spec.tableRow;
  if (format === 'table' && row !== undefined && values['query'] === undefined && shown !== undefined) {
    shown = Array.isArray(shown) ? shown.map((item) => row(item as Record<string, unknown>)) : row(shown as Record<string, unknown>);
  }
  const text = formatResult(shown, format, single(values, 'query'));
  if (text !== undefined) io.out(text);
}

function unknownVerb(group: string, verb: string, verbs: readonly string[]): string {
  if (verb.startsWith('-') && group === 'scheduler') {
    return `'${verb}' is not a 'dts ${group}' command (use ${verbs.join(', ')}); to delete a scheduler use 'dts scheduler delete --resource-group <group> --name <scheduler>'`;
  }
  const guess = closestMatch(verb, verbs);
  return `'${verb}' is not a 'dts ${group}' command (use ${verbs.join(', ')})${guess === undefined ? '' : `; did you mean '${guess}'?`}`;
}

/** Also used by dts.ts for the first word. */
export function unknownCommand(word: string, known: readonly string[]): string {
  const guess = closestMatch(word, known);
  return `'${word}' is not a dts command${guess === undefined ? ';' : `; did you mean '${guess}'?`} see 'dts --help'`;
}

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
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

function groupHelp(group: string, verbs: readonly string[]): string {
  const about = (verb: string) => COMMANDS[`${group} ${verb}`]?.help ?? (group === 'durabletask' ? DURABLETASK_GROUPS[verb] : undefined) ?? `(commands: 'dts ${group} ${verb} --help')`;
  const lines = verbs.map((verb) => `  ${verb.padEnd(18)} ${about(verb)}`);
  const also = group in DURABLETASK_GROUPS ? `   (also: dts durabletask ${group} ...)` : '';
  return `usage: dts ${group} <command> [flags]${also}\n\ncommands:\n${lines.join('\n')}\n\nRun 'dts ${group} <command> --help' for its flags.`;
}

function commandHelp(name: string, spec: CommandSpec, flags: readonly FlagSpec[]): string {
  const lines = flags.map((flag) => `  ${flag.names.join(' ').padEnd(40)} ${flag.help}${flag.required ? ' [required]' : ''}`);
  const usage = spec.passthrough === true ? `usage: dts ${name} [flags] -- <command> [args]` : `usage: dts ${name} [flags]`;
  const asks = spec.confirm === undefined ? '' : '\n\nAsks for confirmation on a terminal; without one (a pipe, a script) it needs --yes.';
  return `${usage}\n\n${spec.help}${asks}\n\nflags:\n${lines.join('\n')}`;
}

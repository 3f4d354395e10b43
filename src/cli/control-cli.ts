/**
 * Runs a control-plane command of `dts` against a server's REST API: finds the command (with or
 * without the `durabletask` prefix), parses its flags and the global ones, calls the server,
 * and prints the result as az does. Errors are one line on stderr and a non-zero exit code:
 * 2 for usage errors, 1 for everything else.
 */
import { parseFlags, single, UsageError, type FlagSpec } from './cli-args.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './cli-output.ts';
import { COMMANDS, type ControlClient } from './control-commands.ts';

export const CONTROL_GROUPS = ['group', 'scheduler', 'taskhub', 'retention-policy'] as const;
const DEFAULT_SERVER = 'http://localhost:8082';

const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { key: 'output', names: ['--output', '-o'], help: `output format: ${OUTPUT_FORMATS.join(', ')} (default json)` },
  { key: 'query', names: ['--query'], help: 'JMESPath query applied to the result, e.g. properties.endpoint' },
  { key: 'subscription', names: ['--subscription'], help: "subscription id (default 'default', or DTS_SUBSCRIPTION)" },
  { key: 'server', names: ['--server'], help: `the dts server's HTTP address (default ${DEFAULT_SERVER}, or DTS_SERVER)` },
  { key: 'only-show-errors', names: ['--only-show-errors'], help: 'accepted for az compatibility', boolean: true },
];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

type Env = Record<string, string | undefined>;

class ServerReplyError extends Error {}

export async function runControlCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const args = argv[0] === 'durabletask' ? argv.slice(1) : argv;
  try {
    const [group, verb, ...rest] = args;
    const verbs = Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `)).map((name) => name.split(' ')[1]);
    if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
      if (verb === undefined) throw new UsageError(`'dts ${group}' needs a command: ${verbs.join(', ')}; see 'dts ${group} --help'`);
      io.out(groupHelp(group as string, verbs as string[]));
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
    const server = single(values, 'server') ?? env['DTS_SERVER'] ?? DEFAULT_SERVER;
    const subscription = single(values, 'subscription') ?? env['DTS_SUBSCRIPTION'] ?? 'default';
    const result = await spec.run(values, httpClient(server), subscription);
    const text = formatResult(decorate(result), format, single(values, 'query'));
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

function httpClient(server: string): ControlClient {
  const base = server.replace(/\/+$/, '');
  return {
    async call(method, path, body) {
      const url = `${base}${path}?api-version=2025-11-01`;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`cannot reach the dts server at ${base} (${cause?.code ?? cause?.message ?? String(error)}); start it with 'dts serve' or set --server / DTS_SERVER`);
      }
      const text = await res.text();
      const json = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (!res.ok) {
        const failure = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new ServerReplyError(`(${failure?.code ?? res.status}) ${failure?.message ?? res.statusText}`);
      }
      return json;
    },
  };
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

function groupHelp(group: string, verbs: string[]): string {
  const lines = verbs.map((verb) => `  ${verb.padEnd(10)} ${COMMANDS[`${group} ${verb}`]?.help ?? ''}`);
  return `usage: dts ${group} <command> [flags]   (also: dts durabletask ${group} ...)\n\ncommands:\n${lines.join('\n')}\n\nRun 'dts ${group} <command> --help' for its flags.`;
}

function commandHelp(name: string, help: string, flags: readonly FlagSpec[]): string {
  const lines = flags.map((flag) => `  ${flag.names.join(' ').padEnd(40)} ${flag.help}${flag.required ? ' [required]' : ''}`);
  return `usage: dts ${name} [flags]\n\n${help}\n\nflags:\n${lines.join('\n')}`;
}

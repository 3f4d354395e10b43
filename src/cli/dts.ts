/**
 * The `dts` command. `dts serve` runs the server (its modules are loaded only then, so the other
 * commands start fast); the other command groups talk to a running server over HTTP. `dts
 * --version` prints the package version; an unknown command gets a "did you mean".
 */
import { ConfigError, loadServeConfig, SERVE_FLAGS } from '../config/config.ts';
import { setHeapGrowth } from '../lib/heap-growth.ts';
import { packageVersion } from '../lib/package-version.ts';
import { terminalConfirm, terminalSecret } from './confirm.ts';
import { CONTROL_GROUPS, runControlCommand, unknownCommand } from './control-cli.ts';
import { runSessionCommand, SESSION_COMMANDS } from './login-cli.ts';

const USAGE = `usage: dts <command> [flags]

commands:
  serve              run the Durable Task Scheduler server
  group              resource groups (az group)
  scheduler          schedulers (az durabletask scheduler; 'dts durabletask scheduler' works too)
  taskhub            task hubs (az durabletask taskhub)
  retention-policy   retention of finished orchestrations (az durabletask retention-policy)
  orchestration      list, show, start, raise-event, suspend, resume, terminate, restart, rewind, purge
  entity             list, show and delete durable entities
  login / logout     sign in to a server with --auth (az login -u -p); later commands send the token
  ad user            users who sign in with a password (az ad user)
  identity           user-assigned managed identities (az identity)
  role               role assignments and role definitions (az role assignment / definition)
  app                apps, their identities, settings and environment (az webapp / functionapp)
  resource           show any resource by type (az resource show)
  signing-key        list and rotate the server's token-signing keys
  version            print the version (also: dts --version)

Commands other than serve talk to a running server: --server or DTS_SERVER (default: the server
of 'dts login', else http://localhost:8082); --ca-file or DTS_CA_FILE for a server's own CA.

Run 'dts <command> --help' for a command's flags.`;

const TOP_LEVEL = ['serve', 'version', 'durabletask', ...SESSION_COMMANDS, ...CONTROL_GROUPS];

export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === '--version' || command === 'version') {
    console.log(packageVersion());
    return;
  }
  if (command === 'serve') return serve(rest);
  const io = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
  if ((SESSION_COMMANDS as readonly string[]).includes(command)) {
    process.exitCode = await runSessionCommand(argv, process.env, io, terminalSecret({ input: process.stdin, output: process.stderr }));
    return;
  }
  if (command === 'durabletask' || CONTROL_GROUPS.includes(command)) {
    process.exitCode = await runControlCommand(argv, process.env, io, terminalConfirm({ input: process.stdin, output: process.stderr }));
    return;
  }
  console.error(`ERROR: ${unknownCommand(command, TOP_LEVEL)}`);
  process.exitCode = 2;
}

async function serve(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(serveHelp());
    return;
  }
  let config;
  try {
    config = loadServeConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  setHeapGrowth(config.heapGrowthPercent);
  const { createServer, defaultDeps } = await import('../main.ts');
  const { pinoLogger } = await import('../lib/pino-logger.ts');
  const log = pinoLogger({ level: config.log.level, format: config.log.format ?? (process.stderr.isTTY ? 'pretty' : 'json') });
  const deps = defaultDeps(log);
  const server = await createServer(config, deps).catch((error: unknown) => {
    // A StartupError says all in one line; anything else gets its stack in the log too.
    if ((error as Error | undefined)?.name !== 'StartupError') log.error('could not start', { err: error });
    return fail(`could not start: ${describe(error)}`);
  });
  // Scripts and tests parse this line: new fields go at its end.
  console.log(`dts ready grpc=${config.host}:${server.grpcPort} http=${config.host}:${server.httpPort} version=${packageVersion()} dashboard=${server.dashboardUrl}${server.metricsPort === undefined ? '' : ` metrics=127.0.0.1:${server.metricsPort}`}`);
  const onSignal = (signal: string) => {
    log.info(`${signal} received; shutting down`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}

function serveHelp(): string {
  const lines = Object.entries(SERVE_FLAGS).map(([name, spec]) => {
    const env = spec.env === undefined ? '' : ` [env ${spec.env}]`;
    return `  --${name.padEnd(20)} ${spec.help}${env}`;
  });
  return `usage: dts serve [flags]\n\nRuns the server: gRPC data plane and HTTP.\n\nflags:\n${lines.join('\n')}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): never {
  console.error(`dts: ${message}`);
  process.exit(2);
}

/**
 * `dts login` and `dts logout`, as `az login -u -p` and `az logout`: sign in to a server with a
 * user name and password (flags, a password file, or DTS_USERNAME / DTS_PASSWORD), keep the
 * token in the session file (cli-session.ts) for later commands, and forget it again.
 */
import { readFileSync } from 'node:fs';
import { compact } from '../lib/compact.ts';
import { parseFlags, single, UsageError, type FlagSpec } from './cli-args.ts';
import { httpClient, ServerReplyError } from './cli-http.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './cli-output.ts';
import { normalizeServer, removeSessions, resolveConnection, saveSession, type Env } from './cli-session.ts';
import type { AskSecret } from './confirm.ts';
import { GLOBAL_FLAGS, type CliIo } from './control-cli.ts';

export const SESSION_COMMANDS = ['login', 'logout'] as const;

const LOGIN_FLAGS: readonly FlagSpec[] = [
  { key: 'username', names: ['--username', '-u'], help: 'user name, e.g. admin or someone@example.com (or DTS_USERNAME)' },
  { key: 'password', names: ['--password', '-p'], help: 'password (or DTS_PASSWORD, or --password-file)' },
  { key: 'password-file', names: ['--password-file'], help: "file whose first line is the password, e.g. <data dir>/admin-password.txt" },
  { key: 'new-password', names: ['--new-password'], help: "set this new password (8-256 characters); the first sign-in with the first-start admin's one-time password must, and asks for one on a terminal" },
];
const LOGOUT_FLAGS: readonly FlagSpec[] = [{ key: 'all', names: ['--all'], help: 'sign out of every server', boolean: true }];
const PASSWORD_FILE_BYTES_MAX = 4096;

const HELP: Record<(typeof SESSION_COMMANDS)[number], string> = {
  login: "Sign in to a dts server with a user name and password. The token is kept (mode 0600) in $DTS_CONFIG_DIR, else ~/.config/dts, and sent by later commands; the server becomes their default. (DTS_ACCESS_TOKEN, when set, is sent instead.)",
  logout: 'Forget the token for the server (--server, DTS_SERVER or the last one signed in to), or for every server with --all.',
};

export async function runSessionCommand(argv: readonly string[], env: Env, io: CliIo, askSecret?: AskSecret): Promise<number> {
  const command = argv[0] as (typeof SESSION_COMMANDS)[number];
  const flags = [...(command === 'login' ? LOGIN_FLAGS : LOGOUT_FLAGS), ...GLOBAL_FLAGS];
  try {
    const rest = argv.slice(1);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`usage: dts ${command} [flags]\n\n${HELP[command]}\n\nflags:\n${flags.map((f) => `  ${f.names.join(' ').padEnd(40)} ${f.help}`).join('\n')}`);
      return 0;
    }
    const values = parseFlags(rest, flags, command);
    const format = (single(values, 'output') ?? 'json') as OutputFormat;
    if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`argument --output/-o: invalid choice: '${format}' (choose from ${OUTPUT_FORMATS.join(', ')})`);
    const connection = resolveConnection(values, env, { withToken: false });
    let result: unknown;
    if (command === 'logout') {
      const all = values['all'] !== undefined;
      const removed = removeSessions(env, all ? undefined : normalizeServer(connection.server));
      if (removed.length === 0 && !all) throw new Error(`you are not signed in to ${connection.server}`);
      result = undefined;
    } else {
      const username = single(values, 'username') ?? env['DTS_USERNAME'];
      if (username === undefined || username === '') throw new UsageError('the user name is required: --username/-u or DTS_USERNAME');
      const password = passwordOf(single(values, 'password'), single(values, 'password-file'), env);
      const reply = await signIn(connection, { username, password, newPassword: single(values, 'new-password') }, askSecret);
      const file = saveSession(env, compact({ server: connection.server, user: reply.user, accessToken: reply.accessToken, expiresOn: reply.expiresOn, caFile: connection.caFile }));
      result = { server: connection.server, user: { name: reply.user, type: 'user' }, expiresOn: reply.expiresOn, tokenFile: file };
    }
    const text = formatResult(result, format, single(values, 'query'));
    if (text !== undefined) io.out(text);
    return 0;
  } catch (error) {
    io.err(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

interface LoginReply {
  accessToken: string;
  expiresOn: string;
  user: string;
}

/** POST /auth/login; a one-time password asks for a new one on a terminal, else wants --new-password. */
async function signIn(connection: Parameters<typeof httpClient>[0], body: { username: string; password: string; newPassword: string | undefined }, askSecret: AskSecret | undefined): Promise<LoginReply> {
  try {
    return (await httpClient(connection).call('POST', '/auth/login', body)) as LoginReply;
  } catch (error) {
    if (!(error instanceof ServerReplyError)) throw error;
    // A refused login needs no advice to log in.
    if (error.status === 401) throw new Error(error.message.replace(/\. You are not signed in.*$/, ''));
    if (!error.message.startsWith('(PasswordChangeRequired)') || body.newPassword !== undefined) throw error;
    if (askSecret === undefined) throw new Error(`${error.message.replace(/\. Ask an Owner.*$/, '')}: give --new-password`);
    const newPassword = await askSecret('New password (8-256 characters): ');
    if ((await askSecret('New password again: ')) !== newPassword) throw new Error('the new passwords differ');
    return signIn(connection, { ...body, newPassword }, undefined);
  }
}

function passwordOf(flag: string | undefined, file: string | undefined, env: Env): string {
  if (flag !== undefined && file !== undefined) throw new UsageError('give one of --password, --password-file');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').slice(0, PASSWORD_FILE_BYTES_MAX);
    } catch (error) {
      throw new UsageError(`argument --password-file: cannot read '${file}' (${(error as { code?: string }).code ?? (error as Error).message})`);
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  const password = flag ?? env['DTS_PASSWORD'];
  if (password === undefined || password === '') throw new UsageError('the password is required: --password/-p, --password-file or DTS_PASSWORD');
  return password;
}

/**
 * Where the `dts` CLI keeps its sign-in: `session.json` in the config directory ($DTS_CONFIG_DIR,
 * else $XDG_CONFIG_HOME/dts, else ~/.config/dts), mode 0600, holding one token per server and
 * which server was signed in to last. Also resolves, once per command, the server address, the
 * CA file and the bearer token a command uses: flag, then environment, then the session.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { compact } from '../lib/compact.ts';
import { single, UsageError, type FlagValues } from './cli-args.ts';

export type Env = Record<string, string | undefined>;

export interface Session {
  server: string;
  user: string;
  accessToken: string;
  expiresOn: string;
  /** The CA file given at login, used again for this server. */
  caFile?: string;
}

interface SessionFile {
  /** The server of the last `dts login`: the default for later commands. */
  current?: string;
  sessions: Record<string, Session>;
}

export interface Connection {
  server: string;
  token?: string;
  caFile?: string;
}

export const DEFAULT_SERVER = 'http://localhost:8082';
const SESSION_FILE = 'session.json';
const SESSION_BYTES_MAX = 1024 * 1024;

export function configDir(env: Env): string {
  if (env['DTS_CONFIG_DIR'] !== undefined && env['DTS_CONFIG_DIR'] !== '') return env['DTS_CONFIG_DIR'];
  if (env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '') return join(env['XDG_CONFIG_HOME'], 'dts');
  return join(homedir(), '.config', 'dts');
}

export function sessionPath(env: Env): string {
  return join(configDir(env), SESSION_FILE);
}

/** `127.0.0.1:8082` means http://127.0.0.1:8082; trailing slashes go. */
export function normalizeServer(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`;
  return withScheme.replace(/\/+$/, '');
}

export function readSessions(env: Env): SessionFile {
  const path = sessionPath(env);
  if (!existsSync(path)) return { sessions: {} };
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > SESSION_BYTES_MAX) throw new Error('too large');
    const parsed = JSON.parse(text) as SessionFile;
    return typeof parsed.sessions === 'object' && parsed.sessions !== null ? parsed : { sessions: {} };
  } catch (error) {
    throw new Error(`the sign-in file ${path} cannot be read (${(error as Error).message}); delete it and run 'dts login' again`);
  }
}

/** Stores the session (replacing one for the same server) and makes its server the default. */
export function saveSession(env: Env, session: Session): string {
  const file = readSessions(env);
  file.sessions[session.server] = session;
  file.current = session.server;
  return write(env, file);
}

/** Removes the session of `server`, or every session; returns the servers signed out of. */
export function removeSessions(env: Env, server: string | undefined): string[] {
  const file = readSessions(env);
  const removed = server === undefined ? Object.keys(file.sessions) : Object.keys(file.sessions).filter((s) => s === server);
  for (const s of removed) delete file.sessions[s];
  if (file.current !== undefined && file.sessions[file.current] === undefined) delete file.current;
  if (Object.keys(file.sessions).length === 0) rmSync(sessionPath(env), { force: true });
  else write(env, file);
  return removed;
}

function write(env: Env, file: SessionFile): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, SESSION_FILE);
  // Written aside and renamed, so a reader never sees half a file; 0600 because it holds tokens.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return path;
}

/** The server, CA file and token for a command: --flag, then DTS_* variables, then the session. */
export function resolveConnection(values: FlagValues, env: Env, options: { withToken: boolean }): Connection {
  const file = readSessions(env);
  const given = single(values, 'server') ?? env['DTS_SERVER'];
  const server = normalizeServer(given ?? file.current ?? DEFAULT_SERVER);
  const session = file.sessions[server];
  const caFile = single(values, 'ca-file') ?? env['DTS_CA_FILE'] ?? session?.caFile;
  if (caFile !== undefined && !existsSync(caFile)) throw new UsageError(`argument --ca-file: the file '${caFile}' does not exist`);
  const token = options.withToken ? (env['DTS_ACCESS_TOKEN'] ?? session?.accessToken) : undefined;
  return compact({ server, caFile, token: token === '' ? undefined : token });
}

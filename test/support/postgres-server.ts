/**
 * A real PostgreSQL server for tests, started from the installed binaries (no Docker here).
 *
 * PostgreSQL refuses to run as root, so the cluster is created and run as an unprivileged user
 * (`postgres` when the Debian package created it, else `nobody`; the child process gets its uid) in a temporary directory owned
 * by that user, on a free loopback port, with trust authentication on loopback only. Each test
 * process starts its own server and creates one database per test file (graphile/worker's
 * approach), and stops the server in its `after` hook; a process-exit hook kills it otherwise.
 * Also offers a restart (stop + start on the same data directory and port) for fault tests.
 * `npm run bench -- --pg` starts its server with this class too, with durable settings.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const liveServers = new Set<ChildProcess>();
let exitHookInstalled = false;

/** The directory of the newest installed PostgreSQL's binaries, or undefined. */
export function findPostgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(base, version, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
    }
  }
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  return undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  return findPostgresBin() === undefined ? 'PostgreSQL binaries (initdb, postgres) are not installed; .ci/run installs them' : undefined;
}

function runAsUser(): { name: string; uid: number; gid: number } {
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error('no unprivileged user (postgres or nobody) to run PostgreSQL as');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServerOptions {
  /** `postgres -c` settings over the test defaults (which turn durability off), e.g. `{ fsync: 'on' }`. */
  settings?: Readonly<Record<string, string>>;
}

export class PostgresServer {
  readonly port: number;
  readonly #bin: string;
  readonly #dir: string;
  readonly #asRoot: boolean;
  readonly #settings: Readonly<Record<string, string>>;
  #child: ChildProcess | undefined;
  #output = '';
  #databases = 0;

  private constructor(bin: string, dir: string, port: number, settings: Readonly<Record<string, string>>) {
    this.#bin = bin;
    this.#dir = dir;
    this.port = port;
    this.#settings = settings;
    this.#asRoot = process.getuid?.() === 0;
  }

  /** initdb into a new temporary directory and start the server; resolves when it accepts connections. */
  static async start(options: PostgresServerOptions = {}): Promise<PostgresServer> {
    const bin = findPostgresBin();
    if (bin === undefined) throw new Error(postgresUnavailableReason());
    const dir = mkdtempSync(join(tmpdir(), 'dts-pg-'));
    const server = new PostgresServer(bin, dir, await freePort(), options.settings ?? {});
    if (server.#asRoot) {
      const user = runAsUser();
      chownSync(dir, user.uid, user.gid);
    }
    chmodSync(dir, 0o700);
    server.#exec('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    await server.#launch();
    return server;
  }

  /** A connection URL for `database` (the maintenance database when absent). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates a new, empty database and returns its URL. */
  async createDatabase(prefix = 'dts'): Promise<string> {
    const name = `${prefix}_${process.pid}_${++this.#databases}`;
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Fast shutdown (clients are disconnected), waiting for the process to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.#child = undefined;
  }

  /** Stops and starts again on the same data directory and port (a database restart). */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.#launch();
  }

  /** Stops the server and removes its directory. Idempotent. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  get output(): string {
    return this.#output;
  }

  /** The postmaster's process id while it runs (its backends are its children). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawn options that drop root to the unprivileged user (signals then reach postgres itself). */
  #identity(): { uid?: number; gid?: number } {
    if (!this.#asRoot) return {};
    const { uid, gid } = runAsUser();
    return { uid, gid };
  }

  #exec(tool: string, args: readonly string[]): void {
    execFileSync(join(this.#bin, tool), [...args], { cwd: this.#dir, stdio: ['ignore', 'pipe', 'pipe'], ...this.#identity() });
  }

  async #launch(): Promise<void> {
    installExitHook();
    const settings = [
      '-c', 'listen_addresses=127.0.0.1', '-c', `port=${this.port}`, '-c', `unix_socket_directories=${this.#dir}`,
      // Test databases are disposable: durability settings off make them fast on a small machine.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=200', '-c', 'shared_buffers=64MB',
      ...Object.entries(this.#settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    const args = ['-D', join(this.#dir, 'data'), ...settings];
    const child = spawn(join(this.#bin, 'postgres'), args, { cwd: this.#dir, stdio: ['ignore', 'pipe', 'pipe'], ...this.#identity() });
    liveServers.add(child);
    child.once('exit', () => liveServers.delete(child));
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#child = child;
    await this.#waitUntilReady(child);
  }

  async #waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited at start:\n${this.#output}`);
      const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s:\n${this.#output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveServers) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

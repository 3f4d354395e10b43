/**
 * Builds the bench's Go module (bench/go: the peer and the Go driver) into bench/go/bin, which git
 * ignores, only when its sources changed: a hash of every source file (go.mod and go.sum
 * included) is kept beside the binaries. Also reads the versions the binaries were built with
 * (`go version -m`, from the binaries themselves, so no network).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './server.ts';

const MODULE_DIR = join(REPO_ROOT, 'bench/go');
const BIN_DIR = join(MODULE_DIR, 'bin');
const STAMP = join(BIN_DIR, '.source-hash');
const PROGRAMS = ['peer', 'driver'] as const;

export interface GoBinaries {
  peer: string;
  driver: string;
  versions: {
    go: string;
    /** The peer's server module and the driver's SDK module, as linked. */
    peerModule: string;
    sdkModule: string;
    grpc: string;
    sqliteDriver: string;
  };
}

export function ensureGoBinaries(): GoBinaries {
  const hash = sourceHash();
  const binaries = { peer: join(BIN_DIR, 'peer'), driver: join(BIN_DIR, 'driver') };
  const fresh = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && PROGRAMS.every((p) => existsSync(binaries[p]));
  if (!fresh) {
    console.error('[bench] building bench/go (peer, driver)');
    mkdirSync(BIN_DIR, { recursive: true });
    execFileSync('go', ['build', '-o', BIN_DIR, ...PROGRAMS.map((p) => `./${p}`)], { cwd: MODULE_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    writeFileSync(STAMP, hash);
  }
  const peerModules = linkedModules(binaries.peer);
  const driverModules = linkedModules(binaries.driver);
  return {
    ...binaries,
    versions: {
      go: execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(),
      peerModule: `github.com/microsoft/durabletask-go ${peerModules.get('github.com/microsoft/durabletask-go') ?? 'unknown'}`,
      sdkModule: `github.com/microsoft/durabletask-go ${driverModules.get('github.com/microsoft/durabletask-go') ?? 'unknown'}`,
      grpc: `google.golang.org/grpc ${peerModules.get('google.golang.org/grpc') ?? 'unknown'}`,
      sqliteDriver: `modernc.org/sqlite ${peerModules.get('modernc.org/sqlite') ?? 'unknown'}`,
    },
  };
}

/** Module path -> version, from the build information in a Go binary. */
function linkedModules(binary: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const line of execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' }).split('\n')) {
    const [kind, path, version] = line.trim().split(/\s+/);
    if (kind === 'dep' && path !== undefined && version !== undefined) modules.set(path, version);
  }
  return modules;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (path === BIN_DIR) continue;
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(MODULE_DIR, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(MODULE_DIR);
  return hash.digest('hex');
}

/**
 * What a benchmark result was measured on: machine (CPU model, cores, memory, kernel, the
 * filesystem holding the data directories, the load average), Node and package versions, and the
 * git commit of the code under test. (Each server's durability comes from bench/targets.ts.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './server.ts';

const requireHere = createRequire(import.meta.url);

export function describeEnvironment(dataRoot: string) {
  return {
    machine: {
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      kernel: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      dataFilesystem: filesystemOf(dataRoot),
      loadAverageAtStart: loadAverage(),
    },
    versions: {
      node: process.version,
      ...Object.fromEntries(
        ['@microsoft/durabletask-js', '@grpc/grpc-js', 'google-protobuf', 'better-sqlite3', 'tsx', 'typescript'].map(
          (name) => [name, packageVersion(name)],
        ),
      ),
      server: packageVersion(null),
      gitCommit: git(['rev-parse', '--short', 'HEAD']),
      gitDirty: git(['status', '--porcelain', '--', 'src', 'bin']) !== '',
    },
  };
}

/** The 1, 5 and 15 minute load averages, rounded to 0.01. */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/** Reads `PRAGMA journal_mode` from a stopped server's database file (checks what it claims). */
export function journalModeOf(file: string): string | undefined {
  try {
    const Database = requireHere('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return String(db.pragma('journal_mode', { simple: true }));
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

export function sqliteVersion(): string {
  try {
    const Database = requireHere('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    const version = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    return version.v;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string | null): string {
  try {
    const path = name === null ? join(REPO_ROOT, 'package.json') : join(REPO_ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Filesystem type of the mount holding `path` (longest matching mount point in /proc/mounts). */
function filesystemOf(path: string): string {
  try {
    let best = { mount: '', type: 'unknown', device: '' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, type] = line.split(' ');
      if (mount === undefined || type === undefined) continue;
      const prefix = mount.endsWith('/') ? mount : `${mount}/`;
      if ((path === mount || path.startsWith(prefix)) && mount.length > best.mount.length) {
        best = { mount, type, device: device ?? '' };
      }
    }
    return `${best.type} (${best.device} on ${best.mount})`;
  } catch {
    return 'unknown';
  }
}

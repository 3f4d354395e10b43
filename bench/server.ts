/**
 * Starts and stops a server under test (ours: `node bin/dts.js serve`; or any other process that
 * prints a ready line naming its gRPC address, bench/targets.ts), each in its own process on
 * 127.0.0.1 with ports chosen by the OS, and reads its resource figures from /proc: peak RSS
 * (VmHWM, plus the largest VmRSS seen by a 200 ms sampler), CPU seconds (utime + stime) and storage
 * writes (io). The server's stderr (its log) goes to a file beside the data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const READY = /^dts ready grpc=(\S+) http=(\S+)/;

export interface ServerFigures {
  peakRssMB: number;
  sampledPeakRssMB: number;
  cpuSeconds: number;
  /** Bytes the server caused to be written to storage, and its write-type syscalls (/proc/<pid>/io). */
  storageWriteMB: number;
  writeSyscalls: number;
}

export interface RunningServer {
  pid: number;
  grpcAddress: string;
  /** Ours only (the peer and the ceiling serve gRPC alone). */
  httpAddress?: string;
  /** Its stdout lines up to and including the ready line. */
  banner: string[];
  logFile: string;
  /** Current figures (call before stop). */
  figures(): ServerFigures;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<string>;
}

export interface StartOptions {
  dataDir: string;
  /** A store URL (`--store`, e.g. postgres://...); the data directory then holds only the server's other files. */
  store?: string;
  logFile: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/**
 * Node flags for a server process: `--server-heap-mb N` caps V8's old generation (V8 otherwise
 * grows the heap lazily on a machine with memory to spare), `--cpu-prof` profiles into `profileDir`.
 */
export function serverNodeArgs(flags: ReadonlyMap<string, string>, profileDir: string): string[] {
  const heapMb = flags.get('server-heap-mb');
  const heap = heapMb === undefined ? [] : [`--max-old-space-size=${Number(heapMb)}`];
  return flags.has('cpu-prof') ? [...heap, '--cpu-prof', `--cpu-prof-dir=${profileDir}`] : heap;
}

export function startServer(options: StartOptions): Promise<RunningServer> {
  const args = [
    ...(options.nodeArgs ?? []),
    join(REPO_ROOT, 'bin/dts.js'),
    'serve',
    '--grpc-port', '0',
    '--http-port', '0',
    '--data-dir', options.dataDir,
    ...(options.store === undefined ? [] : ['--store', options.store]),
  ];
  return startServerProcess({ command: process.execPath, args, ready: READY, logFile: options.logFile, readyTimeoutMs: options.readyTimeoutMs });
}

export interface ProcessOptions {
  command: string;
  args: string[];
  /** Matches the ready line on stdout: group 1 the gRPC address, group 2 (if any) the HTTP one. */
  ready: RegExp;
  logFile: string;
  readyTimeoutMs?: number;
}

export async function startServerProcess(options: ProcessOptions): Promise<RunningServer> {
  const child = spawn(options.command, options.args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logFile);
  child.stderr!.pipe(log);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );

  const { grpcAddress, httpAddress, banner } = await waitForReady(child, options.ready, exited, options.readyTimeoutMs ?? 30_000);
  const pid = child.pid!;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, readStatusKb(pid, 'VmRSS'));
  }, 200);
  sampler.unref();

  return {
    pid,
    grpcAddress,
    httpAddress,
    banner,
    logFile: options.logFile,
    figures: () => ({
      peakRssMB: Math.round(readStatusKb(pid, 'VmHWM') / 1024),
      sampledPeakRssMB: Math.round(Math.max(sampledPeak, readStatusKb(pid, 'VmRSS')) / 1024),
      cpuSeconds: readCpuSeconds(pid),
      ...readIo(pid),
    }),
    stop: async (graceMs = 15_000) => {
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      log.end();
      return result;
    },
  };
}

function waitForReady(
  child: ChildProcess,
  ready: RegExp,
  exited: Promise<string>,
  timeoutMs: number,
): Promise<{ grpcAddress: string; httpAddress?: string; banner: string[] }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const banner: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    lines.on('line', (line) => {
      banner.push(line);
      const match = ready.exec(line);
      if (match) {
        clearTimeout(timer);
        lines.removeAllListeners('line');
        resolve({ grpcAddress: match[1]!, httpAddress: match[2], banner });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready`));
    });
  });
}

function readStatusKb(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function readIo(pid: number): { storageWriteMB: number; writeSyscalls: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? 0);
    return { storageWriteMB: Math.round((field('write_bytes') / 2 ** 20) * 10) / 10, writeSyscalls: field('syscw') };
  } catch {
    return { storageWriteMB: 0, writeSyscalls: 0 };
  }
}

function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (fields 14 and 15 of proc(5)), in clock ticks (100/s).
    return Math.round((Number(fields[11]) + Number(fields[12]))) / 100;
  } catch {
    return 0;
  }
}

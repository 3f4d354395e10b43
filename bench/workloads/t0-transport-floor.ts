/**
 * T0 transport floor: what one unary gRPC round trip between two Node processes costs on this
 * machine with no server logic at all, so W3's latency can be split into transport and our work.
 * Forks t0-echo-server.ts and, for a grpc-js client and a bare node:http2 client, times sequential
 * echo calls back to back (with client and server CPU per call) and with W3's pause between them
 * (an idle connection and event loop before every call), and with many calls in flight at once, as
 * a loaded server sees them (its CPU per call there is the transport's share of W4's cost per work
 * item). Also times a 4 KiB append plus fdatasync in os.tmpdir(), where the bench keeps its data,
 * since every durable acknowledgement waits for one.
 *
 * No server under test: this process and its echo child are the whole workload.
 *
 * Flags: [--n 2000] [--n-paused 100] [--pause-ms 20] [--n-loaded 20000] [--in-flight 200] [--warmup 200]
 *        [--fsync-n 200] [--payload-bytes 64]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { grpcFrame } from '../driver/proto-wire.ts';
import { summarize, type LatencySummary } from '../stats.ts';
import { finish, flagNumber, parseFlags, runMain, sleep, withTimeout } from './common.ts';
import type { EchoServerMessage } from './t0-echo-server.ts';

const ECHO_PATH = '/bench.Echo/Echo';
/** Paused calls measured after this many unmeasured ones, so the first connection setup is excluded. */
const PAUSED_WARMUP = 5;
const FSYNC_WARMUP = 5;
const APPEND_BYTES = 4096;

/** One echo round trip; rejects on a transport or status error. */
type Call = () => Promise<void>;

interface Transport {
  call: Call;
  close(): void;
}

interface EchoServer {
  grpcPort: number;
  http2Port: number;
  /** The child's CPU time so far, in microseconds. */
  cpuMicros(): Promise<number>;
  stop(): void;
}

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const plan = {
    n: flagNumber(flags, 'n', 2000),
    nPaused: flagNumber(flags, 'n-paused', 100),
    pauseMs: flagNumber(flags, 'pause-ms', 20),
    nLoaded: flagNumber(flags, 'n-loaded', 20_000),
    inFlight: flagNumber(flags, 'in-flight', 200),
    warmup: flagNumber(flags, 'warmup', 200),
  };
  const payload = Buffer.alloc(flagNumber(flags, 'payload-bytes', 64), 0x61);
  const server = await startEchoServer();
  let transports: Record<string, unknown>;
  try {
    const grpcJs = await measureTransport(grpcJsTransport(server.grpcPort, payload), server, plan);
    const rawHttp2 = await measureTransport(http2Transport(server.http2Port, payload), server, plan);
    transports = { grpcJs, rawHttp2 };
  } finally {
    server.stop();
  }
  const fsync = measureAppendFdatasync(flagNumber(flags, 'fsync-n', 200));
  await finish({ payloadBytes: payload.length, pauseMs: plan.pauseMs, ...transports, fsync });
});

async function measureTransport(
  transport: Transport,
  server: EchoServer,
  plan: { n: number; nPaused: number; pauseMs: number; nLoaded: number; inFlight: number; warmup: number },
): Promise<Record<string, unknown>> {
  try {
    await timeCalls(transport.call, plan.warmup, 0);
    const backToBack = await withCpu(server, plan.n, () => timeCalls(transport.call, plan.n, 0));
    await timeCalls(transport.call, PAUSED_WARMUP, plan.pauseMs);
    const paused = await timeCalls(transport.call, plan.nPaused, plan.pauseMs);
    await timeInFlight(transport.call, plan.warmup, plan.inFlight);
    const started = performance.now();
    const loaded = await withCpu(server, plan.nLoaded, () => timeInFlight(transport.call, plan.nLoaded, plan.inFlight));
    const callsPerSec = Math.round(plan.nLoaded / ((performance.now() - started) / 1000));
    return {
      backToBack: { n: plan.n, ...backToBack },
      paused: { n: plan.nPaused, latencyMs: summarize(paused) },
      inFlight: { n: plan.nLoaded, inFlight: plan.inFlight, callsPerSec, ...loaded },
    };
  } finally {
    transport.close();
  }
}

/** Runs `n` timed calls, with the client's and the server's CPU per call over them. */
async function withCpu(server: EchoServer, n: number, run: () => Promise<number[]>) {
  const clientBefore = cpuMicros(process.cpuUsage());
  const serverBefore = await server.cpuMicros();
  const samples = await run();
  const clientCpuUs = cpuMicros(process.cpuUsage()) - clientBefore;
  const serverCpuUs = (await server.cpuMicros()) - serverBefore;
  return {
    latencyMs: summarize(samples),
    clientCpuMsPerCall: round3(clientCpuUs / n / 1000),
    serverCpuMsPerCall: round3(serverCpuUs / n / 1000),
  };
}

/**
 * Wall time of `n` sequential calls (ms each), sleeping `pauseMs` before every call when > 0.
 * No per-call timeout: its timer would add to the CPU being measured; run.ts's kill bounds a hang.
 */
async function timeCalls(call: Call, n: number, pauseMs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (pauseMs > 0) await sleep(pauseMs);
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Wall time of `n` calls (ms each), `inFlight` of them outstanding at any moment. */
async function timeInFlight(call: Call, n: number, inFlight: number): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      const start = performance.now();
      await call();
      samples.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
  return samples;
}

function grpcJsTransport(port: number, payload: Buffer): Transport {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const identity = (buffer: Buffer) => buffer;
  return {
    call: () =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(ECHO_PATH, identity, identity, payload, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => client.close(),
  };
}

/** A gRPC-shaped request (length-prefixed message, te: trailers) on one bare HTTP/2 session. */
function http2Transport(port: number, payload: Buffer): Transport {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const message = grpcFrame(payload);
  const headers = { ':method': 'POST', ':path': ECHO_PATH, 'content-type': 'application/grpc', te: 'trailers' };
  return {
    call: () =>
      new Promise((resolve, reject) => {
        const stream = session.request(headers);
        let status: unknown;
        stream.on('trailers', (trailers) => (status = trailers['grpc-status']));
        stream.on('data', () => {}); // the echoed body is read and dropped, as a client would
        stream.on('error', reject);
        stream.on('end', () => (status === '0' ? resolve() : reject(new Error(`grpc-status ${String(status)}`))));
        stream.end(message);
      }),
    close: () => session.close(),
  };
}

/** Appends 4 KiB and waits for fdatasync, `n` times, in a fresh directory under os.tmpdir(). */
function measureAppendFdatasync(n: number): { n: number; directory: string; latencyMs: LatencySummary } {
  const dir = mkdtempSync(join(os.tmpdir(), 'dts-bench-T0-'));
  const fd = openSync(join(dir, 'append.log'), 'a');
  const block = Buffer.alloc(APPEND_BYTES, 0x62);
  const samples: number[] = [];
  try {
    for (let i = 0; i < FSYNC_WARMUP + n; i++) {
      const start = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      if (i >= FSYNC_WARMUP) samples.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return { n, directory: os.tmpdir(), latencyMs: summarize(samples) };
}

/** Forks the echo server (stdout to our stderr: stdout carries only the result line). */
async function startEchoServer(): Promise<EchoServer> {
  const script = fileURLToPath(new URL('./t0-echo-server.ts', import.meta.url));
  const child = fork(script, ['--path', ECHO_PATH], { stdio: ['ignore', 2, 2, 'ipc'] });
  const ready = await withTimeout(nextMessage(child, 'ready'), 30_000, 'echo server ready');
  return {
    grpcPort: ready.grpcPort,
    http2Port: ready.http2Port,
    cpuMicros: async () => {
      const reply = nextMessage(child, 'cpu');
      child.send({ kind: 'cpu' });
      return cpuMicros((await withTimeout(reply, 5_000, 'echo server CPU')).usage);
    },
    stop: () => child.disconnect(),
  };
}

function nextMessage<K extends EchoServerMessage['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<EchoServerMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`echo server exited (${code}) before '${kind}'`));
    const onMessage = (message: EchoServerMessage) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<EchoServerMessage, { kind: K }>);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * W3 idle latency: single "hello sequence" orchestrations (3 activities), one after another on an
 * otherwise idle server, after a warm-up. Latency is measured in this process with a monotonic
 * clock, from just before the StartInstance call until waitForOrchestrationCompletion (a long-poll
 * issued right after the start) returns. Also reports the StartInstance call alone.
 *
 * Two nodes (`--address a,b`, the PostgreSQL variant): the client on the first, the worker on the
 * last, so every step crosses nodes (through the database's notifications).
 *
 * Flags: --address host:port[,host:port] [--n 50] [--warmup 5] [--activities 3] [--pause-ms 20] [--timeout-s S]
 */
import { performance } from 'node:perf_hooks';
import { summarize } from '../stats.ts';
import { cities, expectedOutput, newCounters, ORCHESTRATOR, registerHelloSequence } from './hello-sequence.ts';
import { finish, flagNumber, flagString, newClient, newWorker, parseFlags, runMain, sleep, withTimeout, wrongResult } from './common.ts';

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const addresses = flagString(flags, 'address').split(',');
  const n = flagNumber(flags, 'n', 50);
  const warmup = flagNumber(flags, 'warmup', 5);
  const pauseMs = flagNumber(flags, 'pause-ms', 20);
  const input = cities(flagNumber(flags, 'activities', 3));
  const expected = expectedOutput(input);
  const deadline = Date.now() + flagNumber(flags, 'timeout-s', 120) * 1000;

  const counters = newCounters();
  const worker = newWorker(addresses[addresses.length - 1]!);
  registerHelloSequence(worker, counters);
  await worker.start();
  const client = newClient(addresses[0]!);

  const totals: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    const id = await client.scheduleNewOrchestration(ORCHESTRATOR, input);
    const t1 = performance.now();
    const remainingS = Math.max(1, (deadline - Date.now()) / 1000);
    const state = await withTimeout(client.waitForOrchestrationCompletion(id, true, remainingS), remainingS * 1000 + 1000, id);
    const t2 = performance.now();
    if (i >= warmup) {
      totals.push(t2 - t0);
      starts.push(t1 - t0);
      const wrong = wrongResult(id, state, expected);
      if (wrong !== undefined) throw new Error(wrong);
    }
    await sleep(pauseMs); // idle gap: each run starts on a quiet server
  }
  await finish({ n, warmup, latencyMs: summarize(totals), startCallMs: summarize(starts), failed: 0 }, [worker, client]);
});

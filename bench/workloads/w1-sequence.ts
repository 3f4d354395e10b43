/**
 * W1 sequence (also W5's measured phase): N "hello sequence" orchestrations with A activities each,
 * all started at once through the SDK client, then awaited. One SDK worker + one SDK client in
 * this process.
 *
 * Waiting: a pool of K waiters walks the instances in start order with
 * waitForOrchestrationCompletion (K long-polls at a time, not N). Because a waiter may reach an
 * instance after it finished, per-instance latency is taken from the server's completion stamp
 * (lastUpdatedAt of the terminal state; same machine, same wall clock) minus the wall time the
 * StartInstance call was issued; if the stamp is implausible, the observation time is used.
 * Wall time runs from the first StartInstance call to the last completion so taken, so a server
 * whose completion waits poll (the peer's do, up to seconds apart) is timed by its work, not by
 * its polling; the JSON also keeps the wall time to the last completion observed.
 *
 * Several nodes (`--address a,b`, the PostgreSQL variant): one SDK worker and one SDK client per
 * node; instance i is started and awaited through client i mod nodes, so work crosses nodes.
 *
 * Flags: --address host:port[,host:port...] --n N --activities A [--waiters K] [--timeout-s S] [--warmup W]
 */
import { randomUUID } from 'node:crypto';
import { OrchestrationStatus } from '@microsoft/durabletask-js';
import { summarize, perSecond } from '../stats.ts';
import { cities, expectedOutput, newCounters, ORCHESTRATOR, registerHelloSequence } from './hello-sequence.ts';
import { finish, flagNumber, flagString, newClient, newWorker, parseFlags, runMain, withTimeout, wrongResult } from './common.ts';

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const addresses = flagString(flags, 'address').split(',');
  const n = flagNumber(flags, 'n', 1000);
  const activityCount = flagNumber(flags, 'activities', 3);
  const waiters = flagNumber(flags, 'waiters', 32);
  const warmup = flagNumber(flags, 'warmup', 5);
  const deadline = Date.now() + flagNumber(flags, 'timeout-s', 300) * 1000;
  const remainingS = () => Math.max(1, (deadline - Date.now()) / 1000);

  const counters = newCounters();
  const workers = addresses.map((address) => newWorker(address));
  for (const worker of workers) registerHelloSequence(worker, counters);
  await Promise.all(workers.map((worker) => worker.start()));
  const clients = addresses.map((address) => newClient(address));
  const clientFor = (i: number) => clients[i % clients.length]!;
  const input = cities(activityCount);
  const expected = expectedOutput(input);

  // Warm-up: opens the work-item stream and the client channel, JIT-compiles both sides.
  const warmIds = await Promise.all(
    Array.from({ length: warmup }, (_, i) => clientFor(i).scheduleNewOrchestration(ORCHESTRATOR, input)),
  );
  for (const [i, id] of warmIds.entries()) {
    await clientFor(i).waitForOrchestrationCompletion(id, false, Math.min(60, remainingS()));
  }
  counters.episodes = 0;
  counters.activities = 0;

  const ids = Array.from({ length: n }, (_, i) => `w1-${i}-${randomUUID()}`);
  const startedAt = new Array<number>(n);
  const t0 = Date.now();
  await withTimeout(
    Promise.all(
      ids.map((id, i) => {
        startedAt[i] = Date.now();
        return clientFor(i).scheduleNewOrchestration(ORCHESTRATOR, input, id);
      }),
    ),
    deadline - Date.now(),
    `starting ${n} orchestrations`,
  );
  const startPhaseMs = Date.now() - t0;

  const latencies = new Array<number>(n);
  let lastObserved = t0;
  let lastCompleted = t0;
  let failed = 0;
  let wrongOutput = 0;
  let firstWrong: string | undefined;
  let stampFallbacks = 0;
  let next = 0;
  const waiter = async () => {
    while (next < n) {
      const i = next++;
      const state = await clientFor(i).waitForOrchestrationCompletion(ids[i]!, true, remainingS());
      const observed = Date.now();
      lastObserved = Math.max(lastObserved, observed);
      const wrong = wrongResult(ids[i]!, state, expected);
      if (wrong !== undefined) {
        if (state?.runtimeStatus === OrchestrationStatus.COMPLETED) wrongOutput++;
        else failed++;
        firstWrong ??= wrong;
      }
      const stamp = state?.lastUpdatedAt.getTime() ?? 0;
      const plausible = stamp >= startedAt[i]! && stamp <= observed + 5;
      if (!plausible) stampFallbacks++;
      const completed = plausible ? stamp : observed;
      lastCompleted = Math.max(lastCompleted, completed);
      latencies[i] = completed - startedAt[i]!;
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: Math.min(waiters, n) }, waiter)),
    deadline - Date.now() + 1000,
    `waiting for ${n} orchestrations`,
  );
  if (firstWrong !== undefined) throw new Error(`${firstWrong} (${failed} not completed, ${wrongOutput} with a wrong output, of ${n})`);
  const wallMs = lastCompleted - t0;
  const workItems = counters.episodes + counters.activities;

  await finish(
    {
      n,
      activitiesPerOrchestration: activityCount,
      wallMs,
      observedWallMs: lastObserved - t0,
      startPhaseMs,
      startsPerSec: perSecond(n, startPhaseMs),
      orchestrationsPerSec: perSecond(n, wallMs),
      workItemsPerSec: perSecond(workItems, wallMs),
      episodes: counters.episodes,
      activityExecutions: counters.activities,
      workItems,
      latencyMs: summarize(latencies),
      failed,
      wrongOutput,
      stampFallbacks,
      waiters,
      nodes: addresses.length,
    },
    [...workers, ...clients],
  );
});

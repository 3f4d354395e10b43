/**
 * W2 fan-out/fan-in: one orchestration schedules F activities at once (whenAll) and sums their
 * results; run once per fan-out size given (default 1000 then 10000), one after another, on the
 * same server. Reports wall time (StartInstance call -> the server's completion stamp, as W1; the
 * completion observed by a long-poll is kept as observedWallMs) and activities/s, plus the number
 * of orchestration episodes the server needed (completions are batched into episodes; every
 * episode replays the whole history in the SDK). A wrong sum fails the workload.
 *
 * Flags: --address host:port [--sizes 1000,10000] [--timeout-s S]
 */
import { whenAll, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';
import { perSecond } from '../stats.ts';
import { finish, flagNumber, flagString, newClient, newWorker, parseFlags, runMain, wrongResult } from './common.ts';

const ORCHESTRATOR = 'fanOutFanIn';
const ACTIVITY = 'identity';

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const address = flagString(flags, 'address');
  const sizes = (flags.get('sizes') ?? '1000,10000').split(',').map(Number);
  const deadline = Date.now() + flagNumber(flags, 'timeout-s', 600) * 1000;
  const remainingS = () => Math.max(1, (deadline - Date.now()) / 1000);

  const counters = { episodes: 0, activities: 0 };
  const worker = newWorker(address);
  worker.addNamedActivity(ACTIVITY, (_ctx: ActivityContext, i: number) => {
    counters.activities++;
    return i;
  });
  worker.addNamedOrchestrator(ORCHESTRATOR, async function* (ctx: OrchestrationContext, count: number): AsyncGenerator<unknown, unknown> {
    counters.episodes++;
    const tasks = Array.from({ length: count }, (_, i) => ctx.callActivity<number, number>(ACTIVITY, i));
    const results: number[] = yield whenAll(tasks);
    return results.reduce((sum, v) => sum + v, 0);
  });
  await worker.start();
  const client = newClient(address);

  // Warm-up with a small fan-out.
  const warmId = await client.scheduleNewOrchestration(ORCHESTRATOR, 10);
  await client.waitForOrchestrationCompletion(warmId, false, Math.min(60, remainingS()));

  const runs = [];
  for (const size of sizes) {
    counters.episodes = 0;
    counters.activities = 0;
    const t0 = Date.now();
    const id = await client.scheduleNewOrchestration(ORCHESTRATOR, size);
    const state = await client.waitForOrchestrationCompletion(id, true, remainingS());
    const observedWallMs = Date.now() - t0;
    const wrong = wrongResult(id, state, String((size * (size - 1)) / 2));
    if (wrong !== undefined) throw new Error(`${wrong} (fan-out ${size})`);
    // Timed to the server's completion stamp, as W1 is (the observation, if the stamp is implausible).
    const stampMs = state!.lastUpdatedAt.getTime() - t0;
    const wallMs = stampMs >= 0 && stampMs <= observedWallMs + 5 ? stampMs : observedWallMs;
    runs.push({
      fanOut: size,
      wallMs,
      observedWallMs,
      activitiesPerSec: perSecond(size, wallMs),
      workItemsPerSec: perSecond(counters.episodes + counters.activities, wallMs),
      episodes: counters.episodes,
      activityExecutions: counters.activities,
    });
    console.error(`[w2] fan-out ${size}: ${wallMs} ms, ${counters.episodes} episodes`);
  }
  await finish({ runs }, [worker, client]);
});

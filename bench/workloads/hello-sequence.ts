/**
 * The "hello sequence" orchestration shared by W1, W3 and W5: calls the `hello` activity once per
 * city, in order, and returns the greetings ("Hello, Tokyo", "Hello, Seattle", "Hello, London", ...).
 * Counters tally orchestration episodes (each call of the orchestrator function is one episode:
 * the SDK replays the generator from the start for every work item) and activity executions.
 */
import type { ActivityContext, OrchestrationContext, TaskHubGrpcWorker } from '@microsoft/durabletask-js';

export const ORCHESTRATOR = 'helloSequence';
export const ACTIVITY = 'hello';
const CITIES = ['Tokyo', 'Seattle', 'London', 'Paris', 'Cairo'];

export interface Counters {
  episodes: number;
  activities: number;
}

export function newCounters(): Counters {
  return { episodes: 0, activities: 0 };
}

/** The input for an orchestration with `count` activities. */
export function cities(count: number): string[] {
  return Array.from({ length: count }, (_, i) => CITIES[i % CITIES.length]!);
}

/** The output a correct run returns for `input`. */
export function expectedOutput(input: readonly string[]): string {
  return JSON.stringify(input.map((city) => `Hello, ${city}`));
}

export function registerHelloSequence(worker: TaskHubGrpcWorker, counters: Counters): void {
  worker.addNamedActivity(ACTIVITY, (_ctx: ActivityContext, city: string) => {
    counters.activities++;
    return `Hello, ${city}`;
  });
  worker.addNamedOrchestrator(ORCHESTRATOR, async function* (ctx: OrchestrationContext, input: string[]): AsyncGenerator<unknown, unknown> {
    counters.episodes++;
    const greetings: string[] = [];
    for (const city of input) {
      greetings.push(yield ctx.callActivity(ACTIVITY, city));
    }
    return greetings;
  });
}

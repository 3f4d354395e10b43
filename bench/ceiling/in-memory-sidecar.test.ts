import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  OrchestrationStatus,
  TaskHubGrpcClient,
  TaskHubGrpcWorker,
  whenAll,
  type ActivityContext,
  type OrchestrationContext,
} from '@microsoft/durabletask-js';
import type { RunningServer } from '../server.ts';
import { ceiling } from '../targets.ts';

// The failing case logs its expected errors at error level: keep the test output clean.
const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

describe('the JavaScript ceiling (the SDK in-memory backend over gRPC)', () => {
  let dir: string;
  let server: RunningServer;
  let worker: TaskHubGrpcWorker;
  let client: TaskHubGrpcClient;

  before(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'dts-ceiling-test-'));
    server = await ceiling().start({ dataDir: dir, logFile: join(dir, 'ceiling.log'), nodeArgs: [] });
    worker = new TaskHubGrpcWorker({ hostAddress: server.grpcAddress, logger: silent });
    worker.addNamedActivity('greet', (_ctx: ActivityContext, name: string) => `Hello, ${name}`);
    worker.addNamedActivity('twice', (_ctx: ActivityContext, i: number) => 2 * i);
    worker.addNamedActivity('fail', () => {
      throw new Error('activity broke');
    });
    worker.addNamedOrchestrator('sequence', async function* (ctx: OrchestrationContext, names: string[]): AsyncGenerator<unknown, unknown> {
      const out: string[] = [];
      for (const name of names) out.push(yield ctx.callActivity('greet', name));
      return out;
    });
    worker.addNamedOrchestrator('fanOut', async function* (ctx: OrchestrationContext, count: number): AsyncGenerator<unknown, unknown> {
      const results: number[] = yield whenAll(Array.from({ length: count }, (_, i) => ctx.callActivity('twice', i)));
      return results.reduce((a, b) => a + b, 0);
    });
    worker.addNamedOrchestrator('failing', async function* (ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
      return yield ctx.callActivity('fail');
    });
    await worker.start();
    client = new TaskHubGrpcClient({ hostAddress: server.grpcAddress, logger: silent });
  });

  after(async () => {
    await Promise.allSettled([worker?.stop(), client?.stop()]);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a sequence of activities to its output', async () => {
    const id = await client.scheduleNewOrchestration('sequence', ['Tokyo', 'Seattle', 'London']);
    const state = await client.waitForOrchestrationCompletion(id, true, 30);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(state?.serializedOutput, JSON.stringify(['Hello, Tokyo', 'Hello, Seattle', 'Hello, London']));
  });

  it('keeps the results of a fan-out that arrive while the orchestration is being replayed', async () => {
    const id = await client.scheduleNewOrchestration('fanOut', 300);
    const state = await client.waitForOrchestrationCompletion(id, true, 60);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(state?.serializedOutput, String(300 * 299));
  });

  it('fails an orchestration whose activity throws', async () => {
    const id = await client.scheduleNewOrchestration('failing');
    const state = await client.waitForOrchestrationCompletion(id, true, 30);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.FAILED);
    assert.match(state?.failureDetails?.message ?? '', /activity broke/);
  });

  it('answers for an instance it does not have, and refuses an instance id twice', async () => {
    assert.equal(await client.getOrchestrationState('no-such-instance'), undefined);
    assert.equal(await client.waitForOrchestrationCompletion('no-such-instance', false, 5), undefined);
    const id = await client.scheduleNewOrchestration('sequence', [], 'twice-started');
    await client.waitForOrchestrationCompletion(id, false, 30);
    await assert.rejects(client.scheduleNewOrchestration('sequence', [], 'twice-started'), /ALREADY_EXISTS|exists/);
  });
});

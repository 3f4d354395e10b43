/**
 * A worker that stops reading its stream, beside a healthy one (`@microsoft/durabletask-js`):
 * the stalled stream (a bare HTTP/2 client whose flow-control window stays 0) takes only about
 * 1 MiB of work items before it is full; everything else goes to the healthy worker; what the
 * stalled stream holds goes back to the queue after --stream-stall-ms, and every orchestration
 * completes. Loads only the Microsoft SDK.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext, TaskHubGrpcClient, TaskHubGrpcWorker } from '@microsoft/durabletask-js';
import { OrchestrationStatus } from '@microsoft/durabletask-js';
import { frame, RawGrpc, SIDECAR } from '../support/raw-http2.ts';
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone } from '../support/sdk-ms.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { eventually, uniqueId } from '../support/wait.ts';
import { residentMb } from '../support/wire-requests.ts';

const INPUT_CHARS = 200_000;
const INSTANCES = 20;

let server: DtsServer;
let stalled: RawGrpc | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;

async function* inputLength(_ctx: OrchestrationContext, input: string): AsyncGenerator<never, number> {
  return input.length;
}

async function connectedWorkers(): Promise<{ orchestrations: { active: number } }[]> {
  const res = await fetch(`http://${server.httpAddress}/v1/taskhubs/workers`, { headers: { 'x-taskhub': 'default' } });
  return ((await res.json()) as { workers: { orchestrations: { active: number } }[] }).workers;
}

before(async () => {
  server = await DtsServer.start({ extraArgs: ['--stream-stall-ms', '2000'] });
});

after(async () => {
  stalled?.close();
  await stopAll(worker, client);
  await server?.dispose();
});

test('a stalled stream takes about 1 MiB of work, the healthy worker the rest, and the stalled items come back', { timeout: 120_000 }, withServerOutput(() => [server], async () => {
  stalled = RawGrpc.connect(server.grpcAddress, { settings: { initialWindowSize: 0 } });
  stalled.open(`${SIDECAR}GetWorkItems`, frame(new Uint8Array(0)));
  await eventually('the stalled stream to connect', async () => ((await connectedWorkers()).length === 1 ? true : undefined));
  client = createMsClient(server.grpcAddress);
  const input = 'x'.repeat(INPUT_CHARS);
  const ids: string[] = [];
  for (let i = 0; i < INSTANCES; i++) ids.push(await client.scheduleNewOrchestration('inputLength', input, uniqueId('stall')));
  await eventually('the stalled stream to hold work', async () => ((await connectedWorkers())[0]?.orchestrations.active ?? 0) > 0 || undefined);

  worker = await startMsWorker(server.grpcAddress, (w) => w.addNamedOrchestrator('inputLength', inputLength));
  for (const id of ids) {
    const state = await waitForDone(client, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, `${id}: ${JSON.stringify(state.failureDetails)}`);
    assert.equal(outputOf(state), INPUT_CHARS);
  }
  const returned = /has not drained for 2000 ms; its (\d+) work items go back to the queue/.exec(server.describeOutput(200));
  assert.ok(returned, 'the stalled stream\'s work went back to the queue');
  const held = Number(returned[1]);
  // Each item carries its 200 KB input: a full stream holds at most 1 MiB plus one item.
  assert.ok(held >= 1 && held <= Math.ceil((1024 * 1024) / INPUT_CHARS) + 1, `the stalled stream held ${held} of ${INSTANCES} items`);
  const { peak } = residentMb(server.pid!);
  assert.ok(peak < 400, `the server's peak RSS was ${peak.toFixed(0)} MB`);
}));

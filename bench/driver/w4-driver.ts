/**
 * W4 server ceiling (and W5's seeder): a minimal protocol driver, raw grpc-js with the generated
 * stubs and no SDK. It plays the worker (Hello, then one GetWorkItems stream) and answers every
 * work item at once with a prepared answer, echoing its completion token:
 *   - orchestration item whose newEvents hold TaskCompleted -> completeOrchestration(COMPLETED)
 *   - orchestration item with ExecutionStarted -> scheduleTask("noop") (mode "activity") or
 *     completeOrchestration(COMPLETED) right away (mode "trivial", used to seed W5's store)
 *   - activity item -> result "ok"
 * A client on its own connection starts N instances with at most C StartInstance calls in flight.
 * Wall time runs from the first StartInstance to the acknowledgement of the N-th completing
 * CompleteOrchestratorTask; work items/s = (orchestration + activity items acknowledged) / wall.
 *
 * Flags: --address host:port [--n 10000] [--concurrency 200] [--mode activity|trivial]
 *        [--warmup 200] [--timeout-s S]
 */
import { createRequire } from 'node:module';
import type * as GrpcPbModule from '@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js';
import type * as GrpcJs from '@grpc/grpc-js';
import { Empty, proto, StringValue, type pb } from '../../src/protocol/proto/load.ts';
import { perSecond } from '../stats.ts';
import { fail, finish, flagNumber, flagString, parseFlags, runMain, sleep, withTimeout } from '../workloads/common.ts';

const requireHere = createRequire(import.meta.url);
const grpcPbPath = requireHere.resolve('@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js');
const requireBesidePb = createRequire(grpcPbPath);
const { TaskHubSidecarServiceClient } = requireBesidePb(grpcPbPath) as typeof GrpcPbModule;
const grpc = requireBesidePb('@grpc/grpc-js') as typeof GrpcJs;

const ORCHESTRATOR = 'w4Orchestration';
const ACTIVITY = 'noop';

function stringValue(value: string): InstanceType<typeof StringValue> {
  const v = new StringValue();
  v.setValue(value);
  return v;
}

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const address = flagString(flags, 'address');
  const n = flagNumber(flags, 'n', 10_000);
  const concurrency = flagNumber(flags, 'concurrency', 200);
  const warmup = flagNumber(flags, 'warmup', 200);
  const mode = flags.get('mode') ?? 'activity';
  if (mode !== 'activity' && mode !== 'trivial') throw new Error(`unknown --mode ${mode}`);
  const deadline = Date.now() + flagNumber(flags, 'timeout-s', 300) * 1000;

  // Separate connections for the worker role and the client role, as separate processes would have.
  const channelOptions = { 'grpc.use_local_subchannel_pool': 1 };
  const workerStub = new TaskHubSidecarServiceClient(address, grpc.credentials.createInsecure(), channelOptions);
  const clientStub = new TaskHubSidecarServiceClient(address, grpc.credentials.createInsecure(), channelOptions);

  // Prepared parts of the answers.
  const okResult = stringValue('"ok"');
  const noopInput = stringValue('null');
  const counts = { orchestrationItems: 0, activityItems: 0, completedInstances: 0, rpcErrors: 0, unexpected: 0 };
  let onAllCompleted: (() => void) | undefined;
  let target = Number.POSITIVE_INFINITY;

  const completeOrchestration = (request: pb.OrchestratorRequest, token: string, finished: boolean) => {
    const action = new proto.OrchestratorAction();
    if (finished) {
      const complete = new proto.CompleteOrchestrationAction();
      complete.setOrchestrationstatus(proto.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      complete.setResult(okResult);
      action.setId(mode === 'activity' ? 1 : 0);
      action.setCompleteorchestration(complete);
    } else {
      const schedule = new proto.ScheduleTaskAction();
      schedule.setName(ACTIVITY);
      schedule.setInput(noopInput);
      action.setId(0);
      action.setScheduletask(schedule);
    }
    const response = new proto.OrchestratorResponse();
    response.setInstanceid(request.getInstanceid());
    response.setActionsList([action]);
    response.setCompletiontoken(token);
    workerStub.completeOrchestratorTask(response, (error) => {
      if (error) {
        counts.rpcErrors++;
        console.error(`[w4] CompleteOrchestratorTask: ${error.message}`);
        return;
      }
      counts.orchestrationItems++;
      if (finished && ++counts.completedInstances >= target) onAllCompleted?.();
    });
  };

  const onWorkItem = (item: pb.WorkItem) => {
    const token = item.getCompletiontoken();
    if (item.hasOrchestratorrequest()) {
      const request = item.getOrchestratorrequest()!;
      const events = request.getNeweventsList();
      let started = false;
      let taskDone = false;
      for (const event of events) {
        if (event.hasTaskcompleted()) taskDone = true;
        else if (event.hasExecutionstarted()) started = true;
      }
      if (!started && !taskDone) counts.unexpected++;
      completeOrchestration(request, token, taskDone || mode === 'trivial' || !started);
    } else if (item.hasActivityrequest()) {
      const request = item.getActivityrequest()!;
      const response = new proto.ActivityResponse();
      response.setInstanceid(request.getOrchestrationinstance()?.getInstanceid() ?? '');
      response.setTaskid(request.getTaskid());
      response.setResult(okResult);
      response.setCompletiontoken(token);
      workerStub.completeActivityTask(response, (error) => {
        if (error) {
          counts.rpcErrors++;
          console.error(`[w4] CompleteActivityTask: ${error.message}`);
          return;
        }
        counts.activityItems++;
      });
    }
  };

  await withTimeout(
    new Promise<void>((resolve, reject) => workerStub.hello(new Empty(), (error) => (error ? reject(error) : resolve()))),
    10_000,
    'Hello',
  );
  const stream = workerStub.getWorkItems(new proto.GetWorkItemsRequest());
  stream.on('data', onWorkItem);
  stream.on('error', (error: Error & { code?: number }) => {
    if (error.code !== grpc.status.CANCELLED) fail(new Error(`work-item stream failed: ${error.message}`));
  });
  await sleep(200); // let the server register the stream

  const runPhase = async (prefix: string, count: number) => {
    counts.orchestrationItems = 0;
    counts.activityItems = 0;
    counts.completedInstances = 0;
    target = count;
    const allCompleted = new Promise<void>((resolve) => (onAllCompleted = resolve));
    const t0 = Date.now();
    let next = 0;
    const starter = async () => {
      while (next < count) {
        const request = new proto.CreateInstanceRequest();
        request.setInstanceid(`${prefix}-${next++}`);
        request.setName(ORCHESTRATOR);
        request.setInput(noopInput);
        await new Promise<void>((resolve, reject) =>
          clientStub.startInstance(request, (error) => (error ? reject(error) : resolve())),
        );
      }
    };
    await withTimeout(Promise.all(Array.from({ length: Math.min(concurrency, count) }, starter)), deadline - Date.now(), `${prefix}: starting ${count} instances`);
    const startPhaseMs = Date.now() - t0;
    await withTimeout(allCompleted, deadline - Date.now(), `${prefix}: ${count} completions (have ${counts.completedInstances})`);
    const wallMs = Date.now() - t0;
    await sleep(50); // stragglers: acknowledgements already in flight
    return { startPhaseMs, wallMs };
  };

  const runId = Date.now().toString(36);
  if (warmup > 0) await runPhase(`w4warm-${runId}`, warmup);
  const { startPhaseMs, wallMs } = await runPhase(`w4-${runId}`, n);
  const workItems = counts.orchestrationItems + counts.activityItems;
  stream.cancel();
  await finish(
    {
      n,
      mode,
      concurrency,
      wallMs,
      startPhaseMs,
      startsPerSec: perSecond(n, startPhaseMs),
      orchestrationsPerSec: perSecond(n, wallMs),
      workItemsPerSec: perSecond(workItems, wallMs),
      orchestrationItems: counts.orchestrationItems,
      activityItems: counts.activityItems,
      workItems,
      rpcErrors: counts.rpcErrors,
      unexpectedItems: counts.unexpected,
    },
    [{ stop: async () => { workerStub.close(); clientStub.close(); } }],
  );
});

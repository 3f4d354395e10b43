/**
 * W4 server ceiling (and W5's seeder): a minimal protocol driver of our own, gRPC spoken straight
 * over node:http2 with a hand-written protobuf subset (proto-wire.ts), no grpc-js, no generated
 * stubs and no SDK, so that its CPU (it shares the machine's 2 cores with the server) caps the
 * measured server throughput as little as we can make it. It plays the worker (Hello, then one
 * GetWorkItems stream) and answers every work item at once with a prepared answer, echoing its
 * completion token:
 *   - orchestration item whose newEvents hold TaskCompleted -> completeOrchestration(COMPLETED)
 *   - orchestration item with ExecutionStarted -> scheduleTask("noop") (mode "activity") or
 *     completeOrchestration(COMPLETED) right away (mode "trivial", used to seed W5's store)
 *   - activity item -> result "ok"
 * A client on its own HTTP/2 session starts N instances with at most C StartInstance calls in
 * flight. Wall time runs from the first StartInstance to the acknowledgement of the N-th completing
 * CompleteOrchestratorTask; work items/s = (orchestration + activity items acknowledged) / wall.
 * A call whose grpc-status is not 0 fails the run: at once for Hello, StartInstance and the
 * work-item stream; for completions (counted as RPC errors) at the end, as does a work item that is
 * neither an instance's start nor its task's result. It prints `BENCH_MARK measure-start` and
 * `BENCH_MARK measure-end` around the measured phase (bench/suite.ts reads the server's CPU there).
 *
 * Flags: --address host:port [--n 10000] [--concurrency 200] [--mode activity|trivial]
 *        [--warmup 200] [--timeout-s S]
 */
import http2 from 'node:http2';
import { perSecond } from '../stats.ts';
import { fail, finish, flagNumber, flagString, MARK_PREFIX, parseFlags, runMain, sleep, withTimeout } from '../workloads/common.ts';
import {
  activityResponseEncoder,
  completeOrchestrationAction,
  createInstanceRequestEncoder,
  decodeWorkItem,
  grpcFrame,
  grpcMessageSplitter,
  orchestratorResponseEncoder,
  scheduleTaskAction,
  type WorkItemSummary,
} from './proto-wire.ts';

const ORCHESTRATOR = 'w4Orchestration';
const ACTIVITY = 'noop';
/** OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED in the upstream proto. */
const STATUS_COMPLETED = 1;
const EMPTY_MESSAGE = Buffer.alloc(0);

type Method = 'Hello' | 'StartInstance' | 'GetWorkItems' | 'CompleteOrchestratorTask' | 'CompleteActivityTask';
type Done = (error: Error | undefined) => void;

function connect(address: string, role: string): http2.ClientHttp2Session {
  const session = http2.connect(`http://${address}`);
  session.on('error', (error) => fail(new Error(`${role} HTTP/2 session failed: ${error.message}`)));
  return session;
}

/** Sends one request message and half-closes; `onDone` gets the call's outcome once it closed. */
function startCall(session: http2.ClientHttp2Session, method: Method, message: Uint8Array, onDone: Done): http2.ClientHttp2Stream {
  const stream = session.request({ ':method': 'POST', ':path': `/TaskHubSidecarService/${method}`, 'content-type': 'application/grpc', te: 'trailers' });
  let status: string | undefined;
  let statusMessage = '';
  let streamError: Error | undefined;
  // A trailers-only response (an error before any message) carries grpc-status in its headers.
  const readStatus = (headers: http2.IncomingHttpHeaders) => {
    const value = headers['grpc-status'];
    if (typeof value !== 'string') return;
    status = value;
    statusMessage = String(headers['grpc-message'] ?? '');
  };
  stream.on('response', readStatus);
  stream.on('trailers', readStatus);
  stream.on('error', (error) => (streamError = error));
  stream.on('close', () => {
    if (status === '0') onDone(undefined);
    else if (status !== undefined) onDone(new Error(`${method}: grpc-status ${status} ${decodeGrpcMessage(statusMessage)}`));
    else onDone(new Error(`${method}: no grpc-status (${streamError?.message ?? `RST_STREAM code ${stream.rstCode}`})`));
  });
  stream.end(grpcFrame(message));
  return stream;
}

/** grpc-message is percent-encoded. */
function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A unary call whose response message the driver does not need. */
function unary(session: http2.ClientHttp2Session, method: Method, message: Uint8Array, onDone: Done): void {
  // Reading (and dropping) the response returns its flow-control credit to the session.
  startCall(session, method, message, onDone).resume();
}

function unaryAsync(session: http2.ClientHttp2Session, method: Method, message: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => unary(session, method, message, (error) => (error ? reject(error) : resolve())));
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

  // Separate sessions for the worker role and the client role, as separate processes would have.
  const worker = connect(address, 'worker');
  const client = connect(address, 'client');

  // Prepared answers: only the instance id, task id and completion token change per answer.
  const completeAnswer = orchestratorResponseEncoder(completeOrchestrationAction(mode === 'activity' ? 1 : 0, STATUS_COMPLETED, '"ok"'));
  const scheduleAnswer = orchestratorResponseEncoder(scheduleTaskAction(0, ACTIVITY, 'null'));
  const activityAnswer = activityResponseEncoder('"ok"');
  const startRequest = createInstanceRequestEncoder(ORCHESTRATOR, 'null');
  const counts = { orchestrationItems: 0, activityItems: 0, completedInstances: 0, rpcErrors: 0, unexpected: 0 };
  let onAllCompleted: (() => void) | undefined;
  let target = Number.POSITIVE_INFINITY;

  const completeOrchestration = (item: WorkItemSummary, finished: boolean) => {
    const answer = finished ? completeAnswer : scheduleAnswer;
    unary(worker, 'CompleteOrchestratorTask', answer(item.instanceId, item.completionToken), (error) => {
      if (error) {
        counts.rpcErrors++;
        console.error(`[w4] ${error.message}`);
        return;
      }
      counts.orchestrationItems++;
      if (finished && ++counts.completedInstances >= target) onAllCompleted?.();
    });
  };

  const completeActivity = (item: WorkItemSummary) => {
    unary(worker, 'CompleteActivityTask', activityAnswer(item.instanceId, item.taskId, item.completionToken), (error) => {
      if (error) {
        counts.rpcErrors++;
        console.error(`[w4] ${error.message}`);
        return;
      }
      counts.activityItems++;
    });
  };

  const onWorkItem = (bytes: Buffer) => {
    const item = decodeWorkItem(bytes);
    if (item.kind === 'orchestrator') {
      if (!item.executionStarted && !item.taskCompleted) counts.unexpected++;
      completeOrchestration(item, item.taskCompleted || mode === 'trivial' || !item.executionStarted);
    } else if (item.kind === 'activity') completeActivity(item);
  };

  await withTimeout(unaryAsync(worker, 'Hello', EMPTY_MESSAGE), 10_000, 'Hello');
  let streamCancelled = false;
  const stream = startCall(worker, 'GetWorkItems', EMPTY_MESSAGE, (error) => {
    if (!streamCancelled) fail(new Error(`work-item stream ended: ${error?.message ?? 'grpc-status 0'}`));
  });
  const split = grpcMessageSplitter(onWorkItem);
  stream.on('data', (chunk: Buffer) => {
    try {
      split(chunk);
    } catch (error) {
      fail(error);
    }
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
      while (next < count) await unaryAsync(client, 'StartInstance', startRequest(`${prefix}-${next++}`));
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
  // The bounds of the measured phase, for bench/suite.ts to read the server's CPU at.
  process.stdout.write(`${MARK_PREFIX}measure-start\n`);
  const { startPhaseMs, wallMs } = await runPhase(`w4-${runId}`, n);
  process.stdout.write(`${MARK_PREFIX}measure-end\n`);
  const workItems = counts.orchestrationItems + counts.activityItems;
  streamCancelled = true;
  stream.close(http2.constants.NGHTTP2_CANCEL);
  if (counts.rpcErrors > 0 || counts.unexpected > 0) {
    throw new Error(`wrong result: ${counts.rpcErrors} completion calls failed, ${counts.unexpected} work items were neither a start nor a task result`);
  }
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
    [worker, client].map((session) => ({ stop: () => new Promise<void>((resolve) => session.close(resolve)) })),
  );
});

/**
 * The JavaScript ceiling: @microsoft/durabletask-js's own in-memory backend
 * (`InMemoryOrchestrationBackend`, its testing package, which the SDK otherwise drives in-process)
 * served over gRPC with grpc-js and the SDK's generated service definition, so an SDK worker and
 * client in another process run against a server that costs almost nothing and keeps nothing on
 * disk. Not durable: a ceiling for W1, not a peer.
 *
 * It serves what the hello-sequence and fan-out workloads use: Hello, StartInstance, GetInstance,
 * WaitForInstanceCompletion, GetWorkItems (one stream at a time) and the two completions, with at
 * most as many work items in flight as our server allows a stream (200 orchestrations, 1,000
 * activities). The backend keeps no lease: it hands an instance out again as soon as it has new
 * events, and a completion moves every pending event into the history. So while an orchestration
 * work item is out, activity results for that instance are held here and applied after its
 * completion. Timers and sub-orchestrations (the backend fires those on its own clock) are not
 * dispatched.
 *
 * Prints `CEILING_READY grpc=127.0.0.1:PORT` once it serves; stops on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { InMemoryOrchestrationBackend, type OrchestrationInstance } from '@microsoft/durabletask-js/dist/testing/in-memory-backend.js';
import type * as PbModule from '@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js';
import type * as GrpcModule from '@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js';
import type * as EmptyModule from 'google-protobuf/google/protobuf/empty_pb.js';
import type * as TimestampModule from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type * as WrappersModule from 'google-protobuf/google/protobuf/wrappers_pb.js';

// The classes the SDK's backend builds its events with: loaded beside its generated code.
const requireSdk = createRequire(createRequire(import.meta.url).resolve('@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js'));
const pb = requireSdk('./orchestrator_service_pb.js') as typeof PbModule;
const { TaskHubSidecarServiceService } = requireSdk('./orchestrator_service_grpc_pb.js') as typeof GrpcModule;
const { Empty } = requireSdk('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyModule;
const { Timestamp } = requireSdk('google-protobuf/google/protobuf/timestamp_pb.js') as typeof TimestampModule;
const { StringValue } = requireSdk('google-protobuf/google/protobuf/wrappers_pb.js') as typeof WrappersModule;

type Callback<T> = grpc.sendUnaryData<T>;
type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: Callback<Res>) => void;

const TERMINAL = new Set([
  pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED,
  pb.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED,
  pb.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED,
]);

const backend = new InMemoryOrchestrationBackend();
/**
 * Instances with an orchestration work item out: its completion token (kept here, since not every
 * SDK echoes it) and the activity results held until it completes.
 */
const inFlight = new Map<string, { token: number; held: Array<() => void> }>();
let activitiesInFlight = 0;
let stream: grpc.ServerWritableStream<PbModule.GetWorkItemsRequest, PbModule.WorkItem> | undefined;
const MAX_ORCHESTRATIONS_IN_FLIGHT = 200;
const MAX_ACTIVITIES_IN_FLIGHT = 1000;

function stringValue(value: string | undefined): WrappersModule.StringValue | undefined {
  return value === undefined ? undefined : new StringValue().setValue(value);
}

/** Writes every dispatchable work item to the worker's stream. */
function dispatch(): void {
  if (stream === undefined) return;
  while (inFlight.size < MAX_ORCHESTRATIONS_IN_FLIGHT) {
    const instance = backend.getNextOrchestrationWorkItem();
    if (instance === undefined) break;
    if (inFlight.has(instance.instanceId)) throw new Error(`instance ${instance.instanceId} dispatched twice`);
    inFlight.set(instance.instanceId, { token: instance.completionToken, held: [] });
    const request = new pb.OrchestratorRequest()
      .setInstanceid(instance.instanceId)
      .setExecutionid(stringValue(instance.executionId))
      .setPasteventsList([...instance.history])
      .setNeweventsList([...instance.pendingEvents]);
    stream.write(new pb.WorkItem().setOrchestratorrequest(request).setCompletiontoken(String(instance.completionToken)));
  }
  while (activitiesInFlight < MAX_ACTIVITIES_IN_FLIGHT) {
    const item = backend.getNextActivityWorkItem();
    if (item === undefined) break;
    activitiesInFlight++;
    const request = new pb.ActivityRequest()
      .setName(item.name)
      .setInput(stringValue(item.input))
      .setTaskid(item.taskId)
      .setOrchestrationinstance(new pb.OrchestrationInstance().setInstanceid(item.instanceId));
    stream.write(new pb.WorkItem().setActivityrequest(request).setCompletiontoken(String(item.completionToken)));
  }
}

function timestamp(date: Date): TimestampModule.Timestamp {
  return Timestamp.fromDate(date);
}

function instanceResponse(instance: OrchestrationInstance | undefined, payloads: boolean): PbModule.GetInstanceResponse {
  const response = new pb.GetInstanceResponse().setExists(instance !== undefined);
  if (instance === undefined) return response;
  const state = new pb.OrchestrationState()
    .setInstanceid(instance.instanceId)
    .setName(instance.name)
    .setOrchestrationstatus(instance.status)
    .setCreatedtimestamp(timestamp(instance.createdAt))
    .setLastupdatedtimestamp(timestamp(instance.lastUpdatedAt))
    .setExecutionid(stringValue(instance.executionId))
    .setFailuredetails(instance.failureDetails);
  if (payloads) state.setInput(stringValue(instance.input)).setOutput(stringValue(instance.output)).setCustomstatus(stringValue(instance.customStatus));
  return response.setOrchestrationstate(state);
}

const startInstance: Unary<PbModule.CreateInstanceRequest, PbModule.CreateInstanceResponse> = (call, callback) => {
  const request = call.request;
  const id = request.getInstanceid() || randomUUID();
  if (backend.getInstance(id) !== undefined) {
    callback({ code: grpc.status.ALREADY_EXISTS, details: `instance ${id} exists` });
    return;
  }
  backend.createInstance(id, request.getName(), request.getInput()?.getValue());
  dispatch();
  callback(null, new pb.CreateInstanceResponse().setInstanceid(id));
};

const getInstance: Unary<PbModule.GetInstanceRequest, PbModule.GetInstanceResponse> = (call, callback) => {
  callback(null, instanceResponse(backend.getInstance(call.request.getInstanceid()), call.request.getGetinputsandoutputs()));
};

const waitForInstanceCompletion: Unary<PbModule.GetInstanceRequest, PbModule.GetInstanceResponse> = (call, callback) => {
  const id = call.request.getInstanceid();
  if (backend.getInstance(id) === undefined) {
    callback(null, instanceResponse(undefined, false));
    return;
  }
  // The backend's waitForState takes 0 as "no timeout": the call's deadline, if it has one, bounds it.
  const deadline = Number(call.getDeadline());
  const timeoutMs = Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : 0;
  backend.waitForState(id, (instance) => TERMINAL.has(instance.status), timeoutMs).then(
    (instance) => callback(null, instanceResponse(instance, call.request.getGetinputsandoutputs())),
    () => callback({ code: grpc.status.DEADLINE_EXCEEDED, details: `instance ${id} did not complete in time` }),
  );
};

const completeOrchestratorTask: Unary<PbModule.OrchestratorResponse, PbModule.CompleteTaskResponse> = (call, callback) => {
  const response = call.request;
  const id = response.getInstanceid();
  const lease = inFlight.get(id);
  if (lease === undefined) {
    callback({ code: grpc.status.FAILED_PRECONDITION, details: `instance ${id} has no work item out` });
    return;
  }
  inFlight.delete(id);
  backend.completeOrchestration(id, lease.token, response.getActionsList(), response.getCustomstatus()?.getValue());
  for (const apply of lease.held) apply();
  dispatch();
  callback(null, new pb.CompleteTaskResponse());
};

const completeActivityTask: Unary<PbModule.ActivityResponse, PbModule.CompleteTaskResponse> = (call, callback) => {
  const response = call.request;
  const id = response.getInstanceid();
  const failure = response.getFailuredetails();
  const apply = () =>
    backend.completeActivity(id, response.getTaskid(), response.getResult()?.getValue(), failure ? new Error(failure.getErrormessage()) : undefined);
  activitiesInFlight--;
  const lease = inFlight.get(id);
  if (lease) lease.held.push(apply);
  else apply();
  dispatch();
  callback(null, new pb.CompleteTaskResponse());
};

function getWorkItems(call: grpc.ServerWritableStream<PbModule.GetWorkItemsRequest, PbModule.WorkItem>): void {
  stream?.end();
  stream = call;
  call.on('cancelled', () => {
    if (stream === call) stream = undefined;
  });
  dispatch();
}

const server = new grpc.Server();
server.addService(TaskHubSidecarServiceService, {
  hello: ((_call, callback) => callback(null, new Empty())) satisfies Unary<EmptyModule.Empty, EmptyModule.Empty>,
  startInstance,
  getInstance,
  waitForInstanceCompletion,
  getWorkItems,
  completeOrchestratorTask,
  completeActivityTask,
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error('[ceiling] bind failed', error);
    process.exit(1);
  }
  console.log(`CEILING_READY grpc=127.0.0.1:${port}`);
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));

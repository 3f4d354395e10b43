/**
 * A bare protocol client for tests that must control the wire exactly (caps, tokens, chunks,
 * malformed bytes): grpc-js with the generated stubs of the installed protocol package, no SDK.
 */
import { createRequire } from 'node:module';
import { credentials, Metadata, type ChannelOptions, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { proto, type pb } from '../../src/protocol/proto/load.ts';

const requireHere = createRequire(import.meta.url);
const grpcPb = requireHere('@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js') as {
  TaskHubSidecarServiceClient: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ChannelOptions) => RawSidecarClient;
};

type Callback<T> = (error: ServiceError | null, value: T) => void;

/** The generated client's methods that the tests use. */
export interface RawSidecarClient {
  startInstance(req: pb.CreateInstanceRequest, md: Metadata, cb: Callback<pb.CreateInstanceResponse>): void;
  getInstance(req: pb.GetInstanceRequest, md: Metadata, cb: Callback<pb.GetInstanceResponse>): void;
  getWorkItems(req: pb.GetWorkItemsRequest, md: Metadata): ClientReadableStream<pb.WorkItem>;
  streamInstanceHistory(req: pb.StreamInstanceHistoryRequest, md: Metadata): ClientReadableStream<pb.HistoryChunk>;
  raiseEvent(req: pb.RaiseEventRequest, md: Metadata, cb: Callback<pb.RaiseEventResponse>): void;
  completeOrchestratorTask(req: pb.OrchestratorResponse, md: Metadata, cb: Callback<pb.CompleteTaskResponse>): void;
  completeActivityTask(req: pb.ActivityResponse, md: Metadata, cb: Callback<pb.CompleteTaskResponse>): void;
  abandonTaskOrchestratorWorkItem(req: pb.AbandonOrchestrationTaskRequest, md: Metadata, cb: Callback<unknown>): void;
  makeUnaryRequest<Req, Res>(
    path: string,
    serialize: (r: Req) => Buffer,
    deserialize: (b: Buffer) => Res,
    req: Req,
    md: Metadata,
    cb: Callback<Res>,
  ): void;
  close(): void;
}

/**
 * Plain text by default; `credentials.createSsl(ca)` for an `--auth` server. `options` are grpc-js
 * channel options, e.g. `grpc.primary_user_agent` to pose as another gRPC runtime.
 */
export function rawClient(address: string, channel = credentials.createInsecure(), options: ChannelOptions = {}): RawSidecarClient {
  return new grpcPb.TaskHubSidecarServiceClient(address, channel, options);
}

export function call<Req, Res>(
  fn: (req: Req, md: Metadata, cb: Callback<Res>) => void,
  client: RawSidecarClient,
  req: Req,
  md = new Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => fn.call(client, req, md, (error, value) => (error ? reject(error) : resolve(value))));
}

/** Reads a work-item stream into a queue the test can await item by item. */
export class WorkItemReader {
  readonly stream: ClientReadableStream<pb.WorkItem>;
  readonly #items: pb.WorkItem[] = [];
  #waiter?: () => void;

  constructor(client: RawSidecarClient, request: pb.GetWorkItemsRequest = new proto.GetWorkItemsRequest()) {
    this.stream = client.getWorkItems(request, new Metadata());
    this.stream.on('data', (item: pb.WorkItem) => {
      if (item.hasHealthping()) return;
      this.#items.push(item);
      this.#waiter?.();
    });
    this.stream.on('error', () => undefined);
  }

  /** The next work item, or an error after `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<pb.WorkItem> {
    const deadline = Date.now() + timeoutMs;
    while (this.#items.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no work item arrived within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.#items.shift() as pb.WorkItem;
  }

  /** The next item for `instanceId`; others (the entity capability probe, other tests' work) are skipped. */
  async nextFor(instanceId: string, timeoutMs = 10_000): Promise<pb.WorkItem> {
    for (;;) {
      const item = await this.next(timeoutMs);
      const id = item.getOrchestratorrequest()?.getInstanceid() ?? item.getActivityrequest()?.getOrchestrationinstance()?.getInstanceid();
      if (id === instanceId) return item;
    }
  }

  /** Items that arrived and were not taken yet. */
  get pending(): number {
    return this.#items.length;
  }

  close(): void {
    this.stream.cancel();
  }
}

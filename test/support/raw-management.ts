/**
 * Bare-client calls for the management RPCs no SDK exposes: purge by instance batch,
 * SkipGracefulOrchestrationTerminations, CreateTaskHub and DeleteTaskHub. Each takes an
 * optional `taskhub` header. Uses the generated stubs of the installed protocol package.
 */
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { proto, type pb } from '../../src/protocol/proto/load.ts';
import type { RawSidecarClient } from './raw-client.ts';

type Callback<T> = (error: ServiceError | null, value: T) => void;
type Unary<Req, Res> = (req: Req, md: Metadata, cb: Callback<Res>) => void;

function metadata(taskHub: string | undefined): Metadata {
  const md = new Metadata();
  if (taskHub !== undefined) md.set('taskhub', taskHub);
  return md;
}

function invoke<Req, Res>(client: RawSidecarClient, method: string, req: Req, taskHub?: string): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary<Req, Res>>)[method];
  if (fn === undefined) throw new Error(`the generated client has no ${method}`);
  return new Promise((resolve, reject) => fn.call(client, req, metadata(taskHub), (error, value) => (error ? reject(error) : resolve(value))));
}

export async function purgeBatch(client: RawSidecarClient, ids: readonly string[], recursive = false, taskHub?: string): Promise<pb.PurgeInstancesResponse> {
  const req = new proto.PurgeInstancesRequest().setInstancebatch(new proto.InstanceBatch().setInstanceidsList([...ids])).setRecursive(recursive);
  return invoke(client, 'purgeInstances', req, taskHub);
}

export async function skipGracefulTerminations(client: RawSidecarClient, ids: readonly string[], taskHub?: string): Promise<string[]> {
  const req = new proto.SkipGracefulOrchestrationTerminationsRequest().setInstancebatch(new proto.InstanceBatch().setInstanceidsList([...ids]));
  const res = await invoke<pb.SkipGracefulOrchestrationTerminationsRequest, pb.SkipGracefulOrchestrationTerminationsResponse>(
    client, 'skipGracefulOrchestrationTerminations', req, taskHub);
  return res.getUnterminatedinstanceidsList();
}

export async function createTaskHub(client: RawSidecarClient, taskHub: string, recreateIfExists = false): Promise<void> {
  await invoke(client, 'createTaskHub', new proto.CreateTaskHubRequest().setRecreateifexists(recreateIfExists), taskHub);
}

export async function deleteTaskHub(client: RawSidecarClient, taskHub: string): Promise<void> {
  await invoke(client, 'deleteTaskHub', new proto.DeleteTaskHubRequest(), taskHub);
}

export async function getInstanceStatus(client: RawSidecarClient, instanceId: string, taskHub?: string): Promise<pb.GetInstanceResponse> {
  return invoke(client, 'getInstance', new proto.GetInstanceRequest().setInstanceid(instanceId), taskHub);
}

/**
 * Which operation group each gRPC RPC of `TaskHubSidecarService` belongs to. An RPC missing here
 * is refused (deny by default). REST routes name their group where they are declared (src/control).
 */
import type { OperationGroup } from './roles.ts';

const RPC_GROUPS: Readonly<Record<string, OperationGroup>> = {
  hello: 'data.connect',
  startInstance: 'data.clientWrite',
  rewindInstance: 'data.clientWrite',
  restartInstance: 'data.clientWrite',
  raiseEvent: 'data.clientWrite',
  terminateInstance: 'data.clientWrite',
  suspendInstance: 'data.clientWrite',
  resumeInstance: 'data.clientWrite',
  purgeInstances: 'data.clientWrite',
  signalEntity: 'data.clientWrite',
  cleanEntityStorage: 'data.clientWrite',
  skipGracefulOrchestrationTerminations: 'data.clientWrite',
  getInstance: 'data.clientRead',
  waitForInstanceStart: 'data.clientRead',
  waitForInstanceCompletion: 'data.clientRead',
  queryInstances: 'data.clientRead',
  listInstanceIds: 'data.clientRead',
  getEntity: 'data.clientRead',
  queryEntities: 'data.clientRead',
  streamInstanceHistory: 'data.history',
  getWorkItems: 'data.worker',
  completeActivityTask: 'data.worker',
  completeOrchestratorTask: 'data.worker',
  completeEntityTask: 'data.worker',
  abandonTaskActivityWorkItem: 'data.worker',
  abandonTaskOrchestratorWorkItem: 'data.worker',
  abandonTaskEntityWorkItem: 'data.worker',
  // Task hubs are control-plane resources, whichever plane a request comes by.
  createTaskHub: 'control.write',
  deleteTaskHub: 'control.write',
};

/** The group of an RPC by its implementation name (`startInstance`) or path (`/…/StartInstance`). */
export function rpcGroup(method: string): OperationGroup | undefined {
  const name = method.slice(method.lastIndexOf('/') + 1);
  return RPC_GROUPS[name] ?? RPC_GROUPS[name.charAt(0).toLowerCase() + name.slice(1)];
}

export function rpcNames(): string[] {
  return Object.keys(RPC_GROUPS);
}

/**
 * The permission each gRPC RPC of `TaskHubSidecarService` needs. An RPC missing here
 * is refused (deny by default). REST routes name theirs where they are declared (src/control).
 */
import type { Permission } from './roles.ts';

const RPC_PERMISSIONS: Readonly<Record<string, Permission>> = {
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

/** The permission of an RPC by its implementation name (`startInstance`) or path (`/…/StartInstance`). */
export function rpcPermission(method: string): Permission | undefined {
  const name = method.slice(method.lastIndexOf('/') + 1);
  return RPC_PERMISSIONS[name] ?? RPC_PERMISSIONS[name.charAt(0).toLowerCase() + name.slice(1)];
}

export function rpcNames(): string[] {
  return Object.keys(RPC_PERMISSIONS);
}

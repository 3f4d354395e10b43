/**
 * Reading what workers send back: `OrchestratorResponse` (the actions of one episode) and
 * `ActivityResponse`, into domain data. It only translates: whether an action makes sense is
 * the engine's decision. An action whose oneof is unset (or set to a case this protocol version
 * does not know, which google-protobuf drops on parsing) becomes `{ kind: 'unknown' }`.
 */
import type {
  ActivityResponse,
  CompleteOrchestrationAction,
  CreateSubOrchestrationAction,
  OrchestratorAction,
  OrchestratorActionBody,
  OrchestratorResponse,
  ScheduleTaskAction,
  SendEntityMessageAction,
  SendEventAction,
  TerminateOrchestrationAction,
} from '../../domain/orchestrator-action.ts';
import { compact } from '../../lib/compact.ts';
import {
  fromFailureDetails,
  fromOrchestrationStatus,
  fromStringValue as str,
  fromTags,
  fromTimestamp,
  fromTraceContext,
} from './common-map.ts';
import {
  entityLockRequestedFromProto,
  entityOperationCalledFromProto,
  entityOperationSignaledFromProto,
  entityUnlockSentFromProto,
  historyEventFromProto,
} from './history-event-map.ts';
import { proto, type pb } from './load.ts';

export function orchestratorResponseFromProto(m: pb.OrchestratorResponse): OrchestratorResponse {
  return compact({
    instanceId: m.getInstanceid(),
    actions: m.getActionsList().map(actionFromProto),
    customStatus: str(m.getCustomstatus()),
    completionToken: m.getCompletiontoken(),
    numEventsProcessed: m.getNumeventsprocessed()?.getValue(),
    requiresHistory: m.getRequireshistory(),
    isPartial: m.getIspartial(),
    chunkIndex: m.getChunkindex()?.getValue(),
  });
}

export function activityResponseFromProto(m: pb.ActivityResponse): ActivityResponse {
  return compact({
    instanceId: m.getInstanceid(),
    taskId: m.getTaskid(),
    result: str(m.getResult()),
    failureDetails: fromFailureDetails(m.getFailuredetails()),
    completionToken: m.getCompletiontoken(),
  });
}

function actionFromProto(a: pb.OrchestratorAction): OrchestratorAction {
  const action = actionBodyFromProto(a) as OrchestratorAction;
  action.id = a.getId();
  return action;
}

function actionBodyFromProto(a: pb.OrchestratorAction): OrchestratorActionBody {
  const C = proto.OrchestratorAction.OrchestratoractiontypeCase;
  const caseNumber = a.getOrchestratoractiontypeCase();
  switch (caseNumber) {
    case C.SCHEDULETASK: return scheduleTaskFromProto(a.getScheduletask()!);
    case C.CREATESUBORCHESTRATION: return createSubOrchestrationFromProto(a.getCreatesuborchestration()!);
    case C.CREATETIMER: return { kind: 'createTimer', fireAt: fromTimestamp(a.getCreatetimer()!.getFireat()) ?? 0 };
    case C.SENDEVENT: return sendEventFromProto(a.getSendevent()!);
    case C.COMPLETEORCHESTRATION: return completeOrchestrationFromProto(a.getCompleteorchestration()!);
    case C.TERMINATEORCHESTRATION: return terminateOrchestrationFromProto(a.getTerminateorchestration()!);
    case C.SENDENTITYMESSAGE: return sendEntityMessageFromProto(a.getSendentitymessage()!, caseNumber);
    case C.REWINDORCHESTRATION:
      return { kind: 'rewindOrchestration', newHistory: a.getRewindorchestration()!.getNewhistoryList().map(historyEventFromProto) };
    default: return { kind: 'unknown', caseNumber };
  }
}

function scheduleTaskFromProto(x: pb.ScheduleTaskAction): ScheduleTaskAction {
  return compact({
    kind: 'scheduleTask',
    name: x.getName(),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    tags: fromTags(x.getTagsMap()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
  });
}

function createSubOrchestrationFromProto(x: pb.CreateSubOrchestrationAction): CreateSubOrchestrationAction {
  return compact({
    kind: 'createSubOrchestration',
    instanceId: x.getInstanceid(),
    name: x.getName(),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
    tags: fromTags(x.getTagsMap()),
  });
}

/** The target is `instance.instanceId`; the protocol's execution id there is never used. */
function sendEventFromProto(x: pb.SendEventAction): SendEventAction {
  const instanceId = x.getInstance()?.getInstanceid() ?? '';
  return compact({ kind: 'sendEvent', instanceId, name: x.getName(), data: str(x.getData()) });
}

function completeOrchestrationFromProto(x: pb.CompleteOrchestrationAction): CompleteOrchestrationAction {
  return compact({
    kind: 'completeOrchestration',
    orchestrationStatus: fromOrchestrationStatus(x.getOrchestrationstatus()),
    result: str(x.getResult()),
    details: str(x.getDetails()),
    newVersion: str(x.getNewversion()),
    carryoverEvents: x.getCarryovereventsList().map(historyEventFromProto),
    failureDetails: fromFailureDetails(x.getFailuredetails()),
    tags: fromTags(x.getTagsMap()),
  });
}

function terminateOrchestrationFromProto(x: pb.TerminateOrchestrationAction): TerminateOrchestrationAction {
  return compact({
    kind: 'terminateOrchestration',
    instanceId: x.getInstanceid(),
    reason: str(x.getReason()),
    recurse: x.getRecurse(),
  });
}

/** A message with none of its four variants set is as unusable as an unknown action. */
function sendEntityMessageFromProto(x: pb.SendEntityMessageAction, caseNumber: number): OrchestratorActionBody {
  const C = proto.SendEntityMessageAction.EntitymessagetypeCase;
  let message: SendEntityMessageAction['message'];
  switch (x.getEntitymessagetypeCase()) {
    case C.ENTITYOPERATIONSIGNALED: message = entityOperationSignaledFromProto(x.getEntityoperationsignaled()!); break;
    case C.ENTITYOPERATIONCALLED: message = entityOperationCalledFromProto(x.getEntityoperationcalled()!); break;
    case C.ENTITYLOCKREQUESTED: message = entityLockRequestedFromProto(x.getEntitylockrequested()!); break;
    case C.ENTITYUNLOCKSENT: message = entityUnlockSentFromProto(x.getEntityunlocksent()!); break;
    default: return { kind: 'unknown', caseNumber };
  }
  return { kind: 'sendEntityMessage', message };
}

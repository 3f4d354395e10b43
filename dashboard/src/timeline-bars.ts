// The timeline's bars, computed from an instance's history (the dashboard API's JSON events, in history order):
// activities (retries numbered), timers, sub-orchestrations, entity calls and locks, raised events, and the waits
// for external events. Pure, so test/dashboard/timeline-bars.test.ts checks it without a browser.
import { formatTime } from './format.ts';

export interface Bar {
  kind: 'activity' | 'timer' | 'suborchestration' | 'entity' | 'event' | 'wait' | 'orchestration';
  label: string;
  start: number;
  end: number | null;
  /** `ended`: still open when the instance ended (a timer raced by an event, work in flight at a terminate). */
  outcome: 'ok' | 'failed' | 'running' | 'ended';
  attempt?: number;
  child?: string;
  detail?: string;
}

/** A failure as the history and the payloads carry it. */
export interface FailureJson {
  errorType: string;
  errorMessage: string;
  stackTrace?: string | null;
  isNonRetriable?: boolean;
  innerFailure?: FailureJson | null;
}

/** One event as GET .../history answers it: `kind`, `eventId`, ISO `timestamp` and the kind's own fields. */
export interface HistoryJson {
  kind: string;
  eventId: number;
  timestamp: string;
  name?: string;
  input?: string;
  operation?: string;
  instanceId?: string;
  targetInstanceId?: string;
  requestId?: string;
  criticalSectionId?: string;
  lockSet?: string[];
  taskScheduledId?: number;
  timerId?: number;
  fireAt?: string | number;
  orchestrationStatus?: string;
  failureDetails?: FailureJson;
  [field: string]: unknown;
}

/** What the instance record says beside the history. */
export interface InstanceState {
  /** RUNNING now (not pending, suspended or finished), so an open wait can be shown. */
  running: boolean;
  /** When it finished (completedAt), also when the history has no end event (a forced terminate). */
  endedAt?: number;
}

/**
 * Bars of unfinished work end where the instance ended, marked `ended`; open ones end at `now`.
 *
 * Waits. The protocol records no "started waiting" event: waitForExternalEvent produces no action, and an
 * EventRaised is only the arrival. So the rule is: an EventRaised delivered in episode k (k >= 2) is drawn as a
 * wait from the OrchestratorStarted of episode k-1 (the last time the orchestrator ran, so the earliest point it
 * can have started waiting) to the event's own timestamp (when it was raised). An event delivered in the first
 * episode was raised before the orchestrator ran and gets no wait bar. While the instance is running and no
 * activity, sub-orchestration or entity call is outstanding, it can be waiting for an external event: that open
 * wait is drawn from the last OrchestratorStarted to `now`. With a timer outstanding it is drawn too, beside the
 * timer, as "the timer or an external event": a wait with a timeout records only its timer, so the history cannot
 * tell it from a plain timer. An event raised before the orchestrator asked for it also shows as a wait from the
 * previous episode: the history cannot tell the two apart either.
 */
export function bars(events: readonly HistoryJson[], now: number, state: InstanceState = { running: false }): Bar[] {
  const out: Bar[] = [];
  const open = new Map<string, Bar>();
  const attempts = new Map<string, number>();
  const lastByName = new Map<string, Bar>();
  const episodes: number[] = [];
  let start: number | null = null;
  let end: number | null = null;
  let failed = false;
  const begin = (key: string, b: Bar) => {
    open.set(key, b);
    out.push(b);
  };
  const finish = (key: string, t: number, outcome: 'ok' | 'failed', detail?: string) => {
    const b = open.get(key);
    if (b === undefined) return;
    b.end = Math.max(b.start, t);
    b.outcome = outcome;
    if (detail !== undefined) b.detail = detail;
    open.delete(key);
  };
  for (const e of events) {
    const t = Date.parse(e.timestamp);
    switch (e.kind) {
      case 'orchestratorStarted': episodes.push(t); break;
      case 'executionStarted': start ??= t; break;
      case 'executionCompleted': end = t; failed = e['orchestrationStatus'] === 'FAILED' || e['failureDetails'] !== undefined; break;
      case 'executionTerminated': end = t; failed = true; break;
      case 'taskScheduled': {
        // A retry: the same activity scheduled again after its last attempt failed.
        const name = String(e['name']);
        const prev = lastByName.get(name);
        const n = prev !== undefined && prev.outcome === 'failed' ? (attempts.get(name) ?? 1) + 1 : 1;
        attempts.set(name, n);
        const b: Bar = { kind: 'activity', label: name, start: t, end: null, outcome: 'running', attempt: n };
        lastByName.set(name, b);
        begin(`t${e.eventId}`, b);
        break;
      }
      case 'taskCompleted': finish(`t${e['taskScheduledId']}`, t, 'ok'); break;
      case 'taskFailed': finish(`t${e['taskScheduledId']}`, t, 'failed', e['failureDetails']?.errorMessage); break;
      case 'timerCreated': begin(`timer${e.eventId}`, { kind: 'timer', label: `Timer → ${formatTime(e['fireAt'])}`, start: t, end: null, outcome: 'running' }); break;
      case 'timerFired': finish(`timer${e['timerId']}`, typeof e['fireAt'] === 'number' ? e['fireAt'] : t, 'ok'); break;
      case 'subOrchestrationInstanceCreated':
        begin(`s${e.eventId}`, { kind: 'suborchestration', label: String(e['name']), start: t, end: null, outcome: 'running', child: e['instanceId'] });
        break;
      case 'subOrchestrationInstanceCompleted': finish(`s${e['taskScheduledId']}`, t, 'ok'); break;
      case 'subOrchestrationInstanceFailed': finish(`s${e['taskScheduledId']}`, t, 'failed', e['failureDetails']?.errorMessage); break;
      case 'entityOperationCalled':
        begin(`e${e['requestId']}`, { kind: 'entity', label: `${e['operation']} → ${e['targetInstanceId'] ?? 'entity'}`, start: t, end: null, outcome: 'running' });
        break;
      case 'entityOperationCompleted': finish(`e${e['requestId']}`, t, 'ok'); break;
      case 'entityOperationFailed': finish(`e${e['requestId']}`, t, 'failed', e['failureDetails']?.errorMessage); break;
      case 'entityLockRequested':
        begin(`l${e['criticalSectionId']}`, { kind: 'entity', label: `Lock ${(e['lockSet'] ?? []).join(', ')}`, start: t, end: null, outcome: 'running' });
        break;
      case 'entityLockGranted': finish(`l${e['criticalSectionId']}`, t, 'ok'); break;
      case 'eventRaised': {
        const name = String(e['name']);
        const since = episodes.length >= 2 ? (episodes[episodes.length - 2] as number) : undefined;
        if (since !== undefined && t > since) out.push({ kind: 'wait', label: `Wait for ${name}`, start: since, end: t, outcome: 'ok' });
        out.push({ kind: 'event', label: `Event ${name}`, start: t, end: t, outcome: 'ok' });
        break;
      }
      default: break;
    }
  }
  end ??= state.endedAt ?? null;
  if (end !== null) {
    for (const b of open.values()) Object.assign(b, { end: Math.max(b.start, end), outcome: 'ended' });
    open.clear();
  }
  const idleSince = episodes[episodes.length - 1];
  const timersOnly = [...open.values()].every((b) => b.kind === 'timer');
  if (state.running && end === null && timersOnly && idleSince !== undefined) {
    const label = open.size === 0 ? 'Waiting for an external event' : 'Waiting for the timer or an external event';
    out.push({ kind: 'wait', label, start: idleSince, end: null, outcome: 'running' });
  }
  if (start !== null) out.unshift({ kind: 'orchestration', label: 'Orchestration', start, end: end ?? now, outcome: end === null ? 'running' : failed ? 'failed' : 'ok' });
  return out;
}

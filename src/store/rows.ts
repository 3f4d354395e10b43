/**
 * Conversions between table rows and the contract's records, shared by the SQLite and
 * PostgreSQL backends (their tables have the same columns). Events and nested records are
 * stored as JSON text. Anything read back that does not parse, or does not look like what was
 * written, is corrupt state: it throws an `InvariantError` and is never skipped.
 */
import { ORCHESTRATION_STATUSES, type FailureDetails, type HistoryEvent, type OrchestrationStatus, type Tags } from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import { InvariantError, invariant } from '../lib/assert.ts';
import type { ActivityTask, StoredInboxMessage } from './work-store.ts';

const STATUSES: ReadonlySet<string> = new Set(ORCHESTRATION_STATUSES);

export interface InstanceRow {
  instance_id: string;
  execution_id: string;
  name: string;
  version: string | null;
  status: string;
  created_at: number;
  last_updated_at: number;
  completed_at: number | null;
  scheduled_start_at: number | null;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  failure_details: string | null;
  parent_instance_id: string | null;
  tags: string | null;
}

export interface InboxRow {
  seq: number;
  instance_id: string;
  execution_id: string | null;
  visible_at: number;
  event: string;
}

export interface ActivityTaskRow {
  seq: number;
  instance_id: string;
  execution_id: string;
  task_id: number;
  payload: string;
  visible_at: number;
}

/** The parts of an activity task not kept in their own columns. */
type ActivityPayload = Omit<ActivityTask, 'instanceId' | 'executionId' | 'taskId'>;

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvariantError(`corrupt JSON in ${where}: ${(error as Error).message}`);
  }
}

function parseObject(text: string, where: string): Record<string, unknown> {
  const value = parseJson(text, where);
  invariant(typeof value === 'object' && value !== null && !Array.isArray(value), `${where} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function parseEvent(text: string, where: string): HistoryEvent {
  const value = parseObject(text, where);
  invariant(typeof value.kind === 'string' && typeof value.eventId === 'number', `${where} is not a history event`);
  return value as unknown as HistoryEvent;
}

export function toInstanceRecord(row: InstanceRow, where: string): InstanceRecord {
  invariant(STATUSES.has(row.status), `${where} has unknown status ${JSON.stringify(row.status)}`);
  const record: InstanceRecord = {
    instanceId: row.instance_id,
    executionId: row.execution_id,
    name: row.name,
    status: row.status as OrchestrationStatus,
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
  };
  if (row.version !== null) record.version = row.version;
  if (row.completed_at !== null) record.completedAt = row.completed_at;
  if (row.scheduled_start_at !== null) record.scheduledStartAt = row.scheduled_start_at;
  if (row.input !== null) record.input = row.input;
  if (row.output !== null) record.output = row.output;
  if (row.custom_status !== null) record.customStatus = row.custom_status;
  if (row.failure_details !== null) {
    record.failureDetails = parseObject(row.failure_details, `${where}.failure_details`) as unknown as FailureDetails;
  }
  if (row.parent_instance_id !== null) record.parentInstanceId = row.parent_instance_id;
  if (row.tags !== null) record.tags = parseObject(row.tags, `${where}.tags`) as Tags;
  return record;
}

/** Positional parameters for the instance upsert, after (hub). */
export function instanceParams(record: InstanceRecord): unknown[] {
  return [
    record.instanceId,
    record.executionId,
    record.name,
    record.version ?? null,
    record.status,
    record.createdAt,
    record.lastUpdatedAt,
    record.completedAt ?? null,
    record.scheduledStartAt ?? null,
    record.input ?? null,
    record.output ?? null,
    record.customStatus ?? null,
    record.failureDetails === undefined ? null : JSON.stringify(record.failureDetails),
    record.parentInstanceId ?? null,
    record.tags === undefined ? null : JSON.stringify(record.tags),
  ];
}

export function toInboxMessage(row: InboxRow, where: string): StoredInboxMessage {
  const message: StoredInboxMessage = {
    seq: row.seq,
    instanceId: row.instance_id,
    event: parseEvent(row.event, `${where} inbox seq ${row.seq}`),
    visibleAt: row.visible_at,
  };
  if (row.execution_id !== null) message.executionId = row.execution_id;
  return message;
}

export function activityPayload(task: ActivityTask): string {
  const payload: ActivityPayload = { name: task.name };
  if (task.version !== undefined) payload.version = task.version;
  if (task.input !== undefined) payload.input = task.input;
  if (task.tags !== undefined) payload.tags = task.tags;
  if (task.parentTraceContext !== undefined) payload.parentTraceContext = task.parentTraceContext;
  return JSON.stringify(payload);
}

export function toActivityTask(row: ActivityTaskRow, where: string): ActivityTask {
  const payload = parseObject(row.payload, `${where} activity task seq ${row.seq}`) as unknown as ActivityPayload;
  invariant(typeof payload.name === 'string', `${where} activity task seq ${row.seq} has no name`);
  return { instanceId: row.instance_id, executionId: row.execution_id, taskId: row.task_id, ...payload };
}

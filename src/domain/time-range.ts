/**
 * The range of times the protocol can carry. A google.protobuf.Timestamp covers
 * 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, a Duration ±10,000 years; both keep
 * their nanoseconds in 0..999,999,999 (a Duration's with the sign of its seconds). Requests are
 * held to this range at the edge; a time stored by an older version that did not check is
 * clamped into it when read (`clampTimeMs`), so one bad value cannot make every read of its
 * instance fail.
 */
import type { HistoryEvent } from './history-event.ts';
import type { InstanceRecord } from './instance.ts';

/** 0001-01-01T00:00:00Z. */
export const TIMESTAMP_SECONDS_MIN = -62_135_596_800;
/** 9999-12-31T23:59:59Z. */
export const TIMESTAMP_SECONDS_MAX = 253_402_300_799;
export const DURATION_SECONDS_MAX = 315_576_000_000;
export const NANOS_MAX = 999_999_999;

export const TIME_MS_MIN = TIMESTAMP_SECONDS_MIN * 1000;
export const TIME_MS_MAX = TIMESTAMP_SECONDS_MAX * 1000 + 999;

/** `ms` held to the Timestamp range (NaN reads as the start of the range). */
export function clampTimeMs(ms: number): number {
  if (ms >= TIME_MS_MIN && ms <= TIME_MS_MAX) return ms;
  return ms > TIME_MS_MAX ? TIME_MS_MAX : TIME_MS_MIN;
}

function inRange(ms: number | undefined): boolean {
  return ms === undefined || (ms >= TIME_MS_MIN && ms <= TIME_MS_MAX);
}

/** The record itself when its times are in range (the rule); else a copy with them clamped. */
export function instanceTimesInRange(record: InstanceRecord): InstanceRecord {
  const { createdAt, lastUpdatedAt, completedAt, scheduledStartAt } = record;
  if (inRange(createdAt) && inRange(lastUpdatedAt) && inRange(completedAt) && inRange(scheduledStartAt)) return record;
  const copy: InstanceRecord = { ...record, createdAt: clampTimeMs(createdAt), lastUpdatedAt: clampTimeMs(lastUpdatedAt) };
  if (completedAt !== undefined) copy.completedAt = clampTimeMs(completedAt);
  if (scheduledStartAt !== undefined) copy.scheduledStartAt = clampTimeMs(scheduledStartAt);
  return copy;
}

/** The event itself when its timestamp is in range; else a copy with it clamped. */
export function eventTimeInRange(event: HistoryEvent): HistoryEvent {
  return inRange(event.timestamp) ? event : { ...event, timestamp: clampTimeMs(event.timestamp) };
}

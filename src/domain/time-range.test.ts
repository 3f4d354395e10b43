import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InstanceRecord } from './instance.ts';
import { clampTimeMs, eventTimeInRange, instanceTimesInRange, TIME_MS_MAX, TIME_MS_MIN } from './time-range.ts';

it('clamps times outside 0001-01-01 .. 9999-12-31 to the nearest end, and keeps the others', () => {
  assert.equal(new Date(TIME_MS_MIN).toISOString(), '0001-01-01T00:00:00.000Z');
  assert.equal(new Date(TIME_MS_MAX).toISOString(), '9999-12-31T23:59:59.999Z');
  assert.equal(clampTimeMs(1e18), TIME_MS_MAX);
  assert.equal(clampTimeMs(-1e18), TIME_MS_MIN);
  assert.equal(clampTimeMs(1_700_000_000_000), 1_700_000_000_000);
});

it('returns a record or event untouched when its times are in range, else a clamped copy', () => {
  const record: InstanceRecord = { instanceId: 'i', executionId: 'e', name: 'n', status: 'PENDING', createdAt: 1, lastUpdatedAt: 2 };
  assert.equal(instanceTimesInRange(record), record);
  const legacy = { ...record, scheduledStartAt: 1e18, completedAt: -1e18 };
  assert.deepEqual(instanceTimesInRange(legacy), { ...record, scheduledStartAt: TIME_MS_MAX, completedAt: TIME_MS_MIN });
  assert.equal(legacy.scheduledStartAt, 1e18, 'the stored record is not changed');
  const event = { kind: 'orchestratorStarted' as const, eventId: -1, timestamp: 5 };
  assert.equal(eventTimeInRange(event), event);
  assert.equal(eventTimeInRange({ ...event, timestamp: 9e15 }).timestamp, TIME_MS_MAX);
});

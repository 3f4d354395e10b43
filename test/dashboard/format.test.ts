/**
 * The dashboard's one time format (local time, milliseconds, the zone's offset) and its
 * durations. The browser tests check the format on the pages, in a set time zone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatTime } from '../../dashboard/src/format.ts';

test('a time is local, to the millisecond, with the offset of its zone', () => {
  const at = Date.UTC(2026, 4, 4, 12, 3, 22, 7);
  const text = formatTime(at);
  assert.match(text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.007 UTC([+-]\d{1,2}(:\d\d)?)?$/);
  const [, sign, hours, minutes] = /UTC(?:([+-])(\d+)(?::(\d\d))?)?$/.exec(text) ?? [];
  const offsetMin = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes ?? 0));
  assert.equal(offsetMin + new Date(at).getTimezoneOffset(), 0, "the offset is the zone's at that time");
  assert.equal(formatTime(new Date(at).toISOString()), text, 'an ISO string is the same time');
  for (const empty of [null, undefined, '']) assert.equal(formatTime(empty), '—');
});

test('durations grow their unit', () => {
  assert.deepEqual([450, 1234, 12_345, 61_500, 3_723_000, 90_061_000].map(formatDuration), ['450 ms', '1.23 s', '12.3 s', '1m 1s', '1h 2m', '1d 1h']);
});

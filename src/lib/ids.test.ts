import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cryptoIdSource } from './ids.ts';

test('execution ids are 32 lowercase hex characters, distinct across many pool refills and between sources', () => {
  const a = cryptoIdSource();
  const b = cryptoIdSource();
  const seen = new Set<string>();
  for (let i = 0; i < 5_000; i++) {
    for (const id of [a.executionId(), b.executionId()]) {
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.ok(!seen.has(id), `execution id ${id} repeated`);
      seen.add(id);
    }
  }
});

test('execution ids use every byte value: random bytes, not a counter or a fixed part', () => {
  const ids = cryptoIdSource();
  const nibbles = new Map<string, number>();
  for (let i = 0; i < 2_000; i++) for (const c of ids.executionId()) nibbles.set(c, (nibbles.get(c) ?? 0) + 1);
  // 64,000 hex digits: each of the 16 appears about 4,000 times; a fixed or counting part would skew them.
  assert.equal(nibbles.size, 16);
  for (const [c, n] of nibbles) assert.ok(n > 3_400 && n < 4_600, `hex digit ${c} appeared ${n} times`);
});

test('tokens are unique and share the source\'s prefix', () => {
  const ids = cryptoIdSource();
  const [first, second] = [ids.token(), ids.token()];
  assert.notEqual(first, second);
  assert.equal(first.split('.')[0], second.split('.')[0]);
});

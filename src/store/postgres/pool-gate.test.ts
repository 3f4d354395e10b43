import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServerError } from '../../domain/errors.ts';
import { PoolGate } from './pool-gate.ts';

test('callers beyond the permits wait, first come first served, and a full queue refuses with UNAVAILABLE', async () => {
  const gate = new PoolGate(1, 2);
  await gate.acquire();
  const order: string[] = [];
  const second = gate.acquire().then(() => order.push('second'));
  const third = gate.acquire().then(() => order.push('third'));
  await assert.rejects(gate.acquire(), (e) => isServerError(e, 'UNAVAILABLE'));
  await Promise.resolve();
  assert.deepEqual(order, [], 'nobody passes while the permit is held');
  gate.release();
  await second;
  assert.deepEqual(order, ['second']);
  gate.release();
  await third;
  assert.deepEqual(order, ['second', 'third']);
  gate.release();
  await gate.acquire(); // the permit is free again
});

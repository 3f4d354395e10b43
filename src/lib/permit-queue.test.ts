import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermitQueue } from './permit-queue.ts';

test('callers beyond the permits wait, first come first served, and a full queue refuses with its own error', async () => {
  const gate = new PermitQueue(1, 2, () => new RangeError('full'));
  await gate.acquire();
  const order: string[] = [];
  const second = gate.acquire().then(() => order.push('second'));
  const third = gate.acquire().then(() => order.push('third'));
  await assert.rejects(gate.acquire(), RangeError);
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

test('a waiter that goes first is given the next permit, ahead of those already waiting', async () => {
  const gate = new PermitQueue(1, 10, () => new RangeError('full'));
  await gate.acquire();
  const order: string[] = [];
  const waiting = [gate.acquire().then(() => order.push('bulk 1')), gate.acquire().then(() => order.push('bulk 2'))];
  const urgent = gate.acquire(true).then(() => order.push('renewal'));
  gate.release();
  await urgent;
  assert.deepEqual(order, ['renewal']);
  gate.release();
  gate.release();
  await Promise.all(waiting);
  assert.deepEqual(order, ['renewal', 'bulk 1', 'bulk 2'], 'the others keep their order');
});

/** Unit tests of compact(): which keys it drops. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compact } from './compact.ts';

test('compact drops undefined-valued keys and keeps falsy values', () => {
  assert.deepStrictEqual(compact({ a: undefined, b: 0, c: '', d: false, e: null }), { b: 0, c: '', d: false, e: null });
});

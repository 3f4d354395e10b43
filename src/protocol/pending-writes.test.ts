import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PendingWrites } from './pending-writes.ts';

it('is writable below the bound, full from it, and says once when it is writable again', () => {
  let writable = 0;
  const pending = new PendingWrites(100, () => writable++);
  assert.equal(pending.add(60), true);
  assert.equal(pending.add(60), false, '120 bytes wait: full');
  assert.equal(pending.add(500), false, 'a full stream stays full');
  pending.taken(500);
  assert.equal(writable, 0, '120 bytes still wait');
  pending.taken(60);
  assert.equal(writable, 1, '60 bytes wait: writable again');
  pending.taken(60);
  assert.equal(writable, 1, 'told once');
  assert.equal(pending.add(1000), false, 'one large write fills an empty stream at once');
});

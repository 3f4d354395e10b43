import assert from 'node:assert/strict';
import { it } from 'node:test';
import { closestMatch, editDistance } from './closest-match.ts';

it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
  assert.equal(editDistance('delete', 'delete'), 0);
  assert.equal(editDistance('delte', 'delete'), 1);
  assert.equal(editDistance('dleete', 'delete'), 1);
  assert.equal(editDistance('deletx', 'delete'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

it('suggests the closest known name, a unique extension, or nothing', () => {
  const verbs = ['create', 'update', 'show', 'list', 'delete'];
  assert.equal(closestMatch('lst', verbs), 'list');
  assert.equal(closestMatch('DELTE', verbs), 'delete');
  assert.equal(closestMatch('shwo', verbs), 'show');
  assert.equal(closestMatch('frobnicate', verbs), undefined);
  assert.equal(closestMatch('', verbs), undefined);
  const flags = ['--resource-group', '--name', '--scheduler-name'];
  assert.equal(closestMatch('--resource-grup', flags), '--resource-group');
  assert.equal(closestMatch('--resource', flags), '--resource-group', 'a prefix of exactly one flag');
  assert.equal(closestMatch('--n', flags), undefined, 'too short to extend');
});

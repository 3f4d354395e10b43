/**
 * Read-model conformance tests for single instances: getInstance returns every field as
 * written, and an unknown instance reads as absent.
 */
import assert from 'node:assert/strict';
import type { InstanceRecord } from '../../src/domain/instance.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, NON_ASCII, T0, create, newInstance, raised, record } from './fixtures.ts';

export const instanceReadTests: ConformanceTests = {
  'createInstance: getInstance returns every InstanceRecord field as written, non-ASCII included': async ({ store }) => {
    const full: InstanceRecord = {
      instanceId: 'full',
      executionId: 'exec-1',
      name: `Orchestration ${NON_ASCII}`,
      version: 'v1.0-β',
      status: 'RUNNING',
      createdAt: T0,
      lastUpdatedAt: T0 + 5,
      completedAt: T0 + 9,
      scheduledStartAt: T0 + 1,
      input: JSON.stringify({ greeting: NON_ASCII }),
      output: NON_ASCII,
      customStatus: `"${NON_ASCII}"`,
      failureDetails: {
        errorType: 'Error', errorMessage: NON_ASCII, stackTrace: 'at x', isNonRetriable: true,
        innerFailure: { errorType: 'Inner', errorMessage: '内部', isNonRetriable: false }, properties: { n: 1, s: '世界', nested: [null, true] },
      },
      parentInstanceId: 'parent-1',
      tags: { team: '世界', emoji: '🎉', empty: '' },
    };
    await create(store, { instance: full, startEvent: raised('x'), startVisibleAt: T0, replaceableStatuses: [] });
    assert.deepStrictEqual(await store.getInstance(HUB, 'full'), full);
    const minimal = record('minimal');
    await create(store, newInstance('minimal'));
    assert.deepStrictEqual(await store.getInstance(HUB, 'minimal'), minimal);
  },

  'getInstance and readHistory: an unknown instance is undefined with no history': async ({ store }) => {
    assert.equal(await store.getInstance(HUB, 'nope'), undefined);
    assert.deepEqual(await store.readHistory(HUB, 'nope'), []);
  },
};

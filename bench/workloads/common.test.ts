import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrchestrationState, OrchestrationStatus } from '@microsoft/durabletask-js';
import { wrongResult } from './common.ts';

const state = (status: OrchestrationStatus, output?: string) => new OrchestrationState('i-1', 'o', status, new Date(), new Date(), undefined, output);

describe('the workloads\' outcome check', () => {
  it('passes a completion with the expected output', () => {
    assert.equal(wrongResult('i-1', state(OrchestrationStatus.COMPLETED, '"ok"'), '"ok"'), undefined);
  });

  it('names the instance and the wrong value otherwise', () => {
    assert.equal(wrongResult('i-1', state(OrchestrationStatus.COMPLETED, '"no"'), '"ok"'), 'wrong result: instance i-1: output "\\"no\\"", expected "\\"ok\\""');
    assert.equal(wrongResult('i-1', state(OrchestrationStatus.FAILED), '"ok"'), 'wrong result: instance i-1: status FAILED');
    assert.equal(wrongResult('i-1', undefined, '"ok"'), 'wrong result: instance i-1: no state returned');
  });
});

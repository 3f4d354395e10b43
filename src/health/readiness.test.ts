/**
 * Readiness on a manual clock with a probe the test controls: a failed store call makes the
 * server not ready at once; a successful probe ends that only after the hold; a failed probe
 * names its cause; probes are rate-limited; listeners see each change once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../lib/clock.ts';
import { recordingLogger } from '../lib/logger.ts';
import { Readiness, type ReadinessState } from './readiness.ts';

function setUp() {
  const clock = new ManualClock();
  const log = recordingLogger();
  let outcome: Error | undefined;
  let probes = 0;
  const readiness = new Readiness({
    probe: async () => {
      probes++;
      if (outcome !== undefined) throw outcome;
    },
    describe: (error) => `described: ${(error as Error).message}`,
    clock,
    log,
  }, { probeIntervalMs: 1000, probeTimeoutMs: 2000, holdMs: 5000 });
  const seen: ReadinessState[] = [];
  readiness.onChange((state) => seen.push(state));
  return { clock, log, readiness, seen, fail: (error?: Error) => (outcome = error), probes: () => probes };
}

test('a failed call: not ready at once; a probe after the hold makes it ready again', async () => {
  const { clock, log, readiness, seen } = setUp();
  try {
    assert.deepEqual(await readiness.check(), { ready: true });
    readiness.noteFailure('disk full at /data');
    assert.deepEqual(readiness.state, { ready: false, reason: 'disk full at /data' });
    clock.advance(1000);
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'disk full at /data' }, 'a probe within the hold changes nothing');
    clock.advance(4000);
    assert.deepEqual(await readiness.check(), { ready: true });
    assert.deepEqual(seen, [{ ready: false, reason: 'disk full at /data' }, { ready: true }]);
    assert.deepEqual(log.lines.map((l) => [l.level, l.message]), [['error', 'not ready: disk full at /data'], ['info', 'ready: the store commits again']]);
  } finally {
    readiness.stop();
  }
});

test('a failed probe names its cause; probes run at most once per interval', async () => {
  const { clock, readiness, fail, probes } = setUp();
  try {
    fail(new Error('read-only'));
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'described: read-only' });
    await readiness.check();
    await readiness.check();
    assert.equal(probes(), 1, 'within the interval the last state is answered');
    fail(undefined);
    clock.advance(1000);
    assert.deepEqual(await readiness.check(), { ready: true }, 'no call failed, so no hold');
    assert.equal(probes(), 2);
  } finally {
    readiness.stop();
  }
});

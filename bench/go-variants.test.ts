/**
 * The Go side of the benchmark, end to end with tiny N: the bench builds bench/go, the peer
 * (durabletask-go's sidecar) serves both SDKs, the Go driver runs W1-W3 against our compiled
 * server (run `npm run build` first, as for the e2e tests), and the module's own Go tests pass.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureGoBinaries, type GoBinaries } from './go-build.ts';
import { Harness, type Sdk, type SdkWorkload } from './harness.ts';
import { sqliteVersion } from './environment.ts';
import { ours, peer, type Target } from './targets.ts';

function goInstalled(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = goInstalled() ? false : 'the Go toolchain is not installed (the bench needs it for the peer and the Go driver)';

describe('the benchmark\'s Go driver and peer', { skip, timeout: 15 * 60_000 }, () => {
  let dir: string;
  let go: GoBinaries;
  let h: Harness;

  before(() => {
    dir = mkdtempSync(join(os.tmpdir(), 'dts-bench-go-test-'));
    go = ensureGoBinaries(); // minutes on a cold Go build cache, seconds after
    h = new Harness(new Map(), 1, dir, dir, go);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (target: Target, sdk: Sdk, workload: SdkWorkload, args: Array<string | number>) =>
    h.withServer(target, `${target.name}-${sdk}-${workload}`, undefined, (s) => h.runSdkWorkload(`${target.name}-${sdk}`, sdk, workload, [s, ...args, '--timeout-s', 120]));

  for (const sdk of ['JS', 'Go'] as const) {
    it(`the peer runs hello sequences for the ${sdk} SDK, on SQLite in its data directory`, async () => {
      const result = await run(peer(go), sdk, 'w1', ['--n', 3, '--activities', 2, '--warmup', 1]);
      assert.equal(result.value.error, undefined);
      assert.equal(result.value.activityExecutions, 6);
      assert.equal(result.server.journalMode, 'delete');
    });
  }

  it('the Go driver runs W1, W2 and W3 against our server', async () => {
    const w1 = await run(ours(sqliteVersion()), 'Go', 'w1', ['--n', 4, '--activities', 3, '--warmup', 1]);
    assert.equal(w1.value.error, undefined);
    assert.equal(w1.value.episodes, 16);
    assert.ok(w1.value.orchestrationsPerSec > 0);
    const w2 = await run(ours(sqliteVersion()), 'Go', 'w2', ['--sizes', '3,20']);
    assert.equal(w2.value.error, undefined);
    assert.deepEqual(w2.value.runs.map((r: { fanOut: number; activityExecutions: number }) => [r.fanOut, r.activityExecutions]), [[3, 3], [20, 20]]);
    const w3 = await run(ours(sqliteVersion()), 'Go', 'w3', ['--n', 2, '--warmup', 1, '--pause-ms', 1]);
    assert.equal(w3.value.error, undefined);
    assert.equal(w3.value.latencyMs.count, 2);
  });

  it('passes its own Go tests (the outcome checks that fail a run on a wrong result)', () => {
    execFileSync('go', ['test', './...'], { cwd: join(import.meta.dirname, 'go'), stdio: ['ignore', 'pipe', 'pipe'] });
  });
});

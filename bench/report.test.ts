import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianRows, renderTable, type Against, type Row } from './report.ts';
import { judgeTargets } from './rows.ts';

const SHAPE = '3 activities, N=1,000';

function run(against: Against, sdk: string, primary: number, extra: Partial<Row> = {}): Row {
  return { workload: 'W1', shape: SHAPE, sdk, against, throughput: `${primary} orch/s`, primary, ...extra };
}

const REPORT = { timestamp: 't', repeat: 3, machine: {}, versions: {}, durability: {} };

/** The cells of the table line for (workload, shape, SDK). */
function cells(table: string, sdk: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| W1 | ${SHAPE} | ${sdk} |`));
  assert.ok(line, `no line for ${sdk} in\n${table}`);
  return line.slice(2, -2).split(' | ');
}

describe('bench report', () => {
  it('keeps, per server and SDK, the run with the median figure and the range of all runs', () => {
    const rows = medianRows([run('ours', 'JS', 240), run('ours', 'JS', 220), run('ours', 'JS', 260), run('peer', 'JS', 20)]);
    const ours = rows.find((r) => r.against === 'ours')!;
    assert.equal(ours.primary, 240);
    assert.deepEqual(ours.spread, { runs: 3, min: 220, max: 260 });
    assert.equal(rows.find((r) => r.against === 'peer')!.primary, 20);
  });

  it('keeps a failed run in the median row, so the run still counts as failed', () => {
    const rows = medianRows([run('ours', 'Go', 900), run('ours', 'Go', Number.NaN, { error: 'wrong result: instance w1-3: status FAILED' })]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.primary, 900);
    assert.match(rows[0]!.error!, /instance w1-3/);
    assert.deepEqual(rows[0]!.spread, { runs: 2, min: 900, max: 900 });
  });

  it('prints ours beside the peer and the ceiling on one line, with the ratios of the medians', () => {
    const rows = medianRows([
      run('ours', 'JS', 240), run('ours', 'JS', 230), run('ours', 'JS', 250),
      run('peer', 'JS', 20), run('peer', 'JS', 19.5), run('peer', 'JS', 21),
      run('ceiling', 'JS', 300),
      run('ours', 'Go', 900), run('peer', 'Go', 30),
    ]);
    const table = renderTable(rows, REPORT);
    const js = cells(table, 'JS');
    assert.equal(js[3], '240 orch/s [230–250, 3 runs]');
    assert.equal(js[4], '20 orch/s [19.5–21.0, 3 runs]');
    assert.equal(js[5], '12.00');
    assert.equal(js[6], '300 orch/s', 'a single run has no range');
    assert.equal(js[7], '0.80');
    const go = cells(table, 'Go');
    assert.equal(go[5], '30.00');
    assert.equal(go[6], '', 'no ceiling for the Go SDK');
  });

  it('names the reason when the peer has no row, and leaves the ratio empty when a side failed', () => {
    const table = renderTable(
      medianRows([run('ours', 'JS', 240, { peerNote: 'not run: W4 only' }), run('ours', 'Go', 900), run('peer', 'Go', Number.NaN, { error: 'timed out' })]),
      REPORT,
    );
    assert.equal(cells(table, 'JS')[4], 'not run: W4 only');
    assert.match(cells(table, 'Go')[4]!, /FAILED: timed out/);
    assert.equal(cells(table, 'Go')[5], '');
  });

  it('judges the targets of issue 15 against the peer and the ceiling of the same run', () => {
    const judged = judgeTargets(medianRows([run('ours', 'JS', 240), run('ceiling', 'JS', 300), run('ours', 'Go', 1600), run('peer', 'Go', 1000)]));
    assert.equal(judged.find((r) => r.against === 'ours' && r.sdk === 'JS')!.target, '≥ 0.9 of the ceiling: NOT met');
    assert.equal(judged.find((r) => r.against === 'ours' && r.sdk === 'Go')!.target, '≥ 1,500 orch/s: met; ≥ 2x the peer: NOT met');
    assert.equal(judged.find((r) => r.against === 'peer')!.target, undefined);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.01, 1, 2.5];
/** Label values that need escaping, non-ASCII text and the empty string. */
const LABEL_VALUES = ['/TaskHubSidecarService/StartInstance', 'OK', 'say "hi"', 'back\\slash', 'new\nline', 'Hello, 世界!', ''];
/** Values on and beside the bounds, above the last, zero and negative. */
const VALUES = [...BUCKETS, ...BUCKETS.map((b) => b * 1.0001), 0, -1, 7, 0.3];

type Labels = { method: string; code: string };

/** The text of both registries after the same observations, ours first. */
async function render(observations: readonly { labels: Labels; value: number }[]): Promise<[string, string]> {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: 'dts_calls_total', help: 'Calls by method and "code"', labelNames: ['method', 'code'] as const };
  const histogram = { name: 'dts_call_seconds', help: 'Call\\duration\nin seconds', labelNames: ['method', 'code'] as const, buckets: BUCKETS };
  const counter = new LabelledCounter({ ...config, registry: ours });
  const latency = new LabelledHistogram({ ...histogram, registry: ours });
  const promCounter = new Counter({ ...config, labelNames: [...config.labelNames], registers: [theirs] });
  const promLatency = new Histogram({ ...histogram, labelNames: [...histogram.labelNames], registers: [theirs] });
  for (const { labels, value } of observations) {
    counter.child(labels).inc();
    latency.child(labels).observe(value);
    promCounter.inc(labels);
    promLatency.observe(labels, value);
  }
  return [await ours.metrics(), await theirs.metrics()];
}

test('/metrics text equals prom-client\'s for the same observations: names, label order, buckets, _sum and _count', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ method: fc.constantFrom(...LABEL_VALUES), code: fc.constantFrom(...LABEL_VALUES), value: fc.oneof(fc.constantFrom(...VALUES), fc.double({ min: -10, max: 100, noNaN: true })) }), { maxLength: 60 }),
      fc.boolean(),
      async (list, codeFirst) => {
        // The label object's key order is the order on the line, for both.
        const observations = list.map(({ method, code, value }) => ({ labels: (codeFirst ? { code, method } : { method, code }) as Labels, value }));
        const [ours, theirs] = await render(observations);
        assert.equal(ours, theirs);
      },
    ),
    { numRuns: 200 },
  );
});

test('a label set appears once observed, and a child kept from before (a reset too) counts into the same line', async () => {
  const registry = new Registry();
  const latency = new LabelledHistogram({ name: 'h', help: 'h', labelNames: ['method'], buckets: [1], registry });
  const counter = new LabelledCounter({ name: 'c', help: 'c', labelNames: ['method'], registry });
  const kept = latency.child({ method: 'a' });
  counter.child({ method: 'a' });
  assert.doesNotMatch(await registry.metrics(), /h_count|c\{/, 'a child not yet used shows no line');
  kept.observe(0.5);
  latency.child({ method: 'a' }).observe(2);
  assert.match(await registry.metrics(), /h_bucket\{le="1",method="a"\} 1\nh_bucket\{le="\+Inf",method="a"\} 2\nh_sum\{method="a"\} 2.5\nh_count\{method="a"\} 2/);
  registry.resetMetrics();
  assert.doesNotMatch(await registry.metrics(), /h_count/, 'a reset empties the label sets');
  kept.observe(3);
  assert.match(await registry.metrics(), /h_bucket\{le="1",method="a"\} 0\nh_bucket\{le="\+Inf",method="a"\} 1\nh_sum\{method="a"\} 3\nh_count\{method="a"\} 1/);
  assert.throws(() => kept.observe(Number.NaN), TypeError);
});

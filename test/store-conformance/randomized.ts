/**
 * A seeded random orchestration workload checked against a model of the contract: appends (some delayed),
 * claims with random limits and lease lengths, completions, abandons and lease expiries. After
 * every step the store must agree with the model: FIFO delivery of visible messages, one live
 * lease per instance, LEASE_LOST exactly when a lease expired, and no visible work forgotten.
 * A failure message names its seed, which replays it exactly.
 */
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.ts';
import type { OrchestrationWorkItem } from '../../src/store/work-store.ts';
import type { ConformanceTests, StoreFixture } from './suite.ts';
import { HUB, T0, appendAt, claimOrchestrations, completionOf, create, message, newInstance, raised } from './fixtures.ts';
import { isServerError } from '../../src/domain/errors.ts';

const SEEDS = [1, 7, 42, 2026];
const INSTANCES = ['r0', 'r1', 'r2', 'r3', 'r4'];

/** mulberry32: a small, good-enough seeded PRNG. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface ModelMessage { label: string; visibleAt: number }
interface Held { item: OrchestrationWorkItem; labels: string[] }

const labelOf = (m: OrchestrationWorkItem['messages'][number]): string =>
  m.event.kind === 'eventRaised' ? m.event.name : `start:${m.instanceId}`;

class Model {
  readonly inbox = new Map<string, ModelMessage[]>(INSTANCES.map((id) => [id, [{ label: `start:${id}`, visibleAt: T0 }]]));
  readonly held = new Map<string, Held>();
  /** Leases that expired and were claimed again by someone else; using them must be LEASE_LOST. */
  readonly stale: Held[] = [];
  readonly consumed = new Map<string, string[]>(INSTANCES.map((id) => [id, []]));

  live(id: string, now: number): Held | undefined {
    const held = this.held.get(id);
    return held !== undefined && held.item.lease.expiresAt > now ? held : undefined;
  }

  visible(id: string, now: number): ModelMessage[] {
    return (this.inbox.get(id) ?? []).filter((m) => m.visibleAt <= now);
  }
}

async function step(store: Store, model: Model, random: (n: number) => number, now: number, counter: { n: number }): Promise<void> {
  const choice = random(10);
  const id = INSTANCES[random(INSTANCES.length)] as string;
  if (choice < 4) {
    const label = `m${++counter.n}`;
    const visibleAt = random(2) === 0 ? now + 1 + random(30) : now;
    await store.appendInboxMessage(HUB, message(id, raised(label), visibleAt), now);
    model.inbox.get(id)?.push({ label, visibleAt });
  } else if (choice < 7) {
    await claimAndCheck(store, model, random, now);
  } else {
    const held = random(4) === 0 ? model.stale.pop() : model.held.get(id);
    if (held !== undefined) await resolve(store, model, random, held, now);
  }
}

async function claimAndCheck(store: Store, model: Model, random: (n: number) => number, now: number): Promise<void> {
  const limit = random(3) === 0 ? 100 : 1 + random(3);
  const messagesMax = 1 + random(4);
  const result = await claimOrchestrations(store, now, { limit, messagesMax, leaseMs: 5 + random(40) });
  for (const item of result.items) {
    const id = item.instance.instanceId;
    assert.equal(model.live(id, now), undefined, `${id} claimed while its lease is live`);
    const expected = model.visible(id, now).slice(0, messagesMax).map((m) => m.label);
    assert.deepEqual(item.messages.map(labelOf), expected, `${id}: visible messages in FIFO order`);
    assert.equal(item.history.length, model.consumed.get(id)?.length);
    const previous = model.held.get(id);
    if (previous !== undefined) model.stale.push(previous);
    model.held.set(id, { item, labels: expected });
  }
  if (result.items.length === limit) return;
  let earliest = Number.POSITIVE_INFINITY;
  for (const id of INSTANCES) {
    if (model.live(id, now) !== undefined) continue;
    assert.equal(model.visible(id, now).length, 0, `${id} has visible work but was not claimed`);
    for (const m of model.inbox.get(id) ?? []) earliest = Math.min(earliest, m.visibleAt);
  }
  if (earliest !== Number.POSITIVE_INFINITY) {
    assert.ok(result.nextVisibleAt !== undefined && result.nextVisibleAt > now && result.nextVisibleAt <= earliest, 'nextVisibleAt');
  }
}

async function resolve(store: Store, model: Model, random: (n: number) => number, held: Held, now: number): Promise<void> {
  const { item, labels } = held;
  const id = item.instance.instanceId;
  const expired = model.held.get(id) !== held || item.lease.expiresAt <= now;
  const abandon = random(3) === 0;
  const retryAt = now + random(20);
  const history = appendAt(item.history.length, item.messages.map((m) => m.event));
  const call = abandon
    ? store.abandonOrchestrationWork(HUB, item.lease.token, retryAt, now)
    : store.completeOrchestrationWork(HUB, completionOf(item, now, { history }), now);
  const outcome = await call.then(() => 'ok', (error: unknown) => (isServerError(error, 'LEASE_LOST') ? 'lost' : Promise.reject(error)));
  assert.equal(outcome, expired ? 'lost' : 'ok', `${id}: ${abandon ? 'abandon' : 'complete'} with a lease that is ${expired ? 'expired' : 'live'}`);
  if (model.held.get(id) === held) model.held.delete(id);
  if (outcome === 'lost') return;
  const inbox = model.inbox.get(id) ?? [];
  if (abandon) {
    for (const m of inbox) if (labels.includes(m.label)) m.visibleAt = Math.max(m.visibleAt, retryAt);
  } else {
    model.inbox.set(id, inbox.filter((m) => !labels.includes(m.label)));
    model.consumed.get(id)?.push(...labels);
  }
}

async function drain(store: Store, model: Model, start: number): Promise<void> {
  let now = start;
  for (let round = 0; round < 100 && [...model.inbox.values()].some((m) => m.length > 0); round++) {
    now += 1000;
    const { items } = await claimOrchestrations(store, now, { limit: 10, messagesMax: 100 });
    for (const item of items) {
      const labels = item.messages.map(labelOf);
      await store.completeOrchestrationWork(HUB, completionOf(item, now), now);
      const id = item.instance.instanceId;
      model.inbox.set(id, (model.inbox.get(id) ?? []).filter((m) => !labels.includes(m.label)));
      model.consumed.get(id)?.push(...labels);
    }
  }
  assert.deepEqual([...model.inbox.values()].flat(), [], 'every message was consumed');
  for (const id of INSTANCES) {
    const history = await store.readHistory(HUB, id);
    assert.deepEqual(history.map((e) => (e.kind === 'eventRaised' ? e.name : `start:${id}`)), model.consumed.get(id));
  }
}

async function runSeed(store: Store, seed: number): Promise<void> {
  const random = prng(seed);
  const model = new Model();
  for (const id of INSTANCES) await create(store, newInstance(id));
  let now = T0;
  const counter = { n: 0 };
  try {
    for (let i = 0; i < 600; i++) {
      await step(store, model, random, now, counter);
      now += random(6);
    }
    await drain(store, model, now);
  } catch (error) {
    throw new Error(`randomized store test failed with seed ${seed}`, { cause: error });
  }
}

export const randomizedTests: ConformanceTests = Object.fromEntries(
  SEEDS.map((seed) => [
    `randomized: claims, completions, abandons and expiries agree with the model (seed ${seed})`,
    ({ store }: StoreFixture) => runSeed(store, seed),
  ]),
);

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServerError } from '../domain/errors.ts';
import { silentLogger } from '../lib/logger.ts';
import { Directory, SNAPSHOT_TTL_MS } from './directory.ts';
import { AccessGate, DEFAULT_SCHEDULER_PATH, type AllowlistSource } from './gate.ts';
import { SigningKeys } from './signing-keys.ts';
import { TokenService } from './tokens.ts';

/** The gate without auth, over `lists` as the catalog's allowlists (keyed `sub/rg/scheduler`, lower-cased); counts the reads. */
function gateOver(lists: Map<string, string[]>, clock: { ms: number }) {
  const reads: string[] = [];
  let failing = false;
  const source: AllowlistSource = async (path) => {
    reads.push(path.join('/'));
    if (failing) throw new Error('the catalog is down');
    return lists.get(path.join('/').toLowerCase());
  };
  const now = () => clock.ms;
  const directory = new Directory(async () => ({ principals: [], assignments: [] }), now);
  const keys = new SigningKeys({ create: async () => undefined, list: async () => [], delete: async () => undefined }, now, 0);
  const tokens = new TokenService({ issuer: '', audience: 'a', lifetimeMs: 1000, external: [] }, keys, directory, now);
  const gate = new AccessGate({ auth: false, log: silentLogger }, source, now, directory, tokens);
  return { gate, reads, fail: (on: boolean) => (failing = on) };
}

/** Lets a background re-read finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The code of the gate's refusal, if it refused. */
async function refusal(promise: Promise<void>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isServerError(error) ? error.code : 'not a ServerError';
  }
}

test('one cached list per scheduler whatever the case of its path, re-read in the background once stale', async () => {
  const lists = new Map([['s/rg/walled', ['10.0.0.0/8']], ['default/default/default', ['0.0.0.0/0']]]);
  const clock = { ms: 0 };
  const { gate, reads } = gateOver(lists, clock);
  const walled = ['s', 'rg', 'walled'];
  assert.equal(await refusal(gate.checkAddress(walled, '10.1.2.3')), undefined);
  assert.equal(await refusal(gate.checkAddress(['S', 'RG', 'Walled'], '8.8.8.8')), 'PERMISSION_DENIED', 'the same list under another case');
  assert.equal(await refusal(gate.checkAddress(DEFAULT_SCHEDULER_PATH, '8.8.8.8')), undefined);
  assert.deepEqual(reads, ['s/rg/walled', 'default/default/default']);

  // Stale: the old list still answers while the new one is read.
  lists.set('s/rg/walled', ['8.8.8.8']);
  clock.ms = SNAPSHOT_TTL_MS;
  assert.equal(await refusal(gate.checkAddress(walled, '8.8.8.8')), 'PERMISSION_DENIED', 'served stale');
  assert.equal(reads.length, 3, 'one re-read');
  await settle();
  assert.equal(await refusal(gate.checkAddress(walled, '8.8.8.8')), undefined, 'the re-read list');
  assert.equal(reads.length, 3, 'fresh again: not re-read');
});

test('a scheduler without a list is not remembered; a failed first read is UNAVAILABLE, a failed re-read keeps the list', async () => {
  const lists = new Map<string, string[]>();
  const clock = { ms: 0 };
  const { gate, reads, fail } = gateOver(lists, clock);
  const path = ['s', 'rg', 'later'];
  assert.equal(await refusal(gate.checkAddress(path, '8.8.8.8')), undefined, 'no such scheduler: not the gate\'s refusal');
  lists.set('s/rg/later', []);
  assert.equal(await refusal(gate.checkAddress(path, '8.8.8.8')), 'PERMISSION_DENIED', 'created since: its list is read');
  assert.equal(reads.length, 2);

  fail(true);
  assert.equal(await refusal(gate.checkAddress(['s', 'rg', 'other'], '8.8.8.8')), 'UNAVAILABLE');
  clock.ms = SNAPSHOT_TTL_MS;
  assert.equal(await refusal(gate.checkAddress(path, '8.8.8.8')), 'PERMISSION_DENIED', 'the re-read fails: the list stays');
  fail(false);
  lists.set('s/rg/later', ['8.8.8.8']);
  await settle();
  assert.equal(await refusal(gate.checkAddress(path, '8.8.8.8')), 'PERMISSION_DENIED', 'after the failed re-read: the old list once more, while it is read again');
  await settle();
  assert.equal(await refusal(gate.checkAddress(path, '8.8.8.8')), undefined, 'then the new list');
});

/**
 * Every validation rule of the control plane, through the REST API of a real in-process server:
 * names (too short, too long, bad characters), the IP allow list (missing, bad addresses, bad
 * CIDR), SKUs and capacities, locations, tags and retention periods. Each is a 400 with an ARM
 * error body naming the field, and nothing is created.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { group, hub, RestServer, scheduler, schedulerBody } from './rest-support.ts';

let rest: RestServer;
before(async () => {
  rest = await RestServer.start();
  await rest.call('PUT', group('rg-v'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-v', 'sched-v'), schedulerBody());
});
after(() => rest.stop());

async function assertInvalid(method: string, path: string, body: unknown, pattern: RegExp): Promise<void> {
  const reply = await rest.call(method, path, body);
  assert.equal(reply.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(reply.body)}`);
  assert.equal(reply.body.error.code, 'InvalidArgument');
  assert.match(reply.body.error.message, pattern);
}

test('scheduler and task hub names: 3-64 of [a-zA-Z0-9-]', async () => {
  for (const name of ['ab', 'x'.repeat(65), 'bad_name', 'bad.name', 'sp%20ace']) {
    await assertInvalid('PUT', scheduler('rg-v', name), schedulerBody(), /scheduler name .* is invalid/);
    await assertInvalid('PUT', hub('rg-v', 'sched-v', name), {}, /task hub name .* is invalid/);
  }
  assert.equal((await rest.call('PUT', scheduler('rg-v', 'abc'), schedulerBody())).status, 201);
  assert.equal((await rest.call('PUT', scheduler('rg-v', 'x'.repeat(64)), schedulerBody())).status, 201);
  assert.equal((await rest.call('PUT', hub('rg-v', 'sched-v', 'h'.repeat(64)))).status, 201);
  await assertInvalid('PUT', hub('rg-v', 'sched-v', '-leading'), {}, /must start with a letter or digit/);
  assert.equal((await rest.call('GET', scheduler('rg-v', 'ab'))).status, 404);
});

test('resource group and subscription names', async () => {
  await assertInvalid('PUT', group('bad/name'.replace('/', '%2F')), { location: 'westus' }, /resource group name/);
  await assertInvalid('PUT', group('ends-with-dot.'), { location: 'westus' }, /resource group name/);
  await assertInvalid('PUT', group('x'.repeat(91)), { location: 'westus' }, /resource group name/);
  await assertInvalid('PUT', '/subscriptions/bad_sub', {}, /subscription id/);
});

test('ipAllowlist is required, and each entry is an IPv4/IPv6 address or CIDR range', async () => {
  await assertInvalid('PUT', scheduler('rg-v', 'ip-missing'), { location: 'westus', properties: { sku: { name: 'Dedicated', capacity: 1 } } }, /ipAllowlist is required/);
  for (const entry of ['1.2.3.4/33', '1.2.3', '300.1.1.1', '10.0.0.0/', '::1/129', 'fe80::/abc', 'example.com', '']) {
    await assertInvalid('PUT', scheduler('rg-v', 'ip-bad'), schedulerBody({}, { ipAllowlist: [entry] }), /ipAllowlist entry/);
  }
  await assertInvalid('PUT', scheduler('rg-v', 'ip-bad'), schedulerBody({}, { ipAllowlist: Array.from({ length: 101 }, () => '1.1.1.1') }), /maximum is 100/);
  const ok = await rest.call('PUT', scheduler('rg-v', 'ip-good'), schedulerBody({}, { ipAllowlist: ['0.0.0.0/0', '10.1.2.3', '2001:db8::/32', '::1', ' 192.168.0.0/16 '] }));
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.body.properties.ipAllowlist, ['0.0.0.0/0', '10.1.2.3', '2001:db8::/32', '::1', '192.168.0.0/16']);
  const empty = await rest.call('PUT', scheduler('rg-v', 'ip-empty'), schedulerBody({}, { ipAllowlist: [] }));
  assert.equal(empty.status, 201, 'an empty allow list is valid: no client may connect');
  await assertInvalid('PATCH', scheduler('rg-v', 'ip-good'), { properties: { ipAllowlist: ['nope'] } }, /ipAllowlist entry/);
});

test('sku: Dedicated (capacity 1-3) or Consumption (no capacity), names in any case', async () => {
  await assertInvalid('PUT', scheduler('rg-v', 'sku-bad'), schedulerBody({}, { sku: undefined }), /sku is required/);
  await assertInvalid('PUT', scheduler('rg-v', 'sku-bad'), schedulerBody({}, { sku: { name: 'Premium', capacity: 1 } }), /Dedicated or Consumption/);
  for (const capacity of [0, 4, -1, 1.5, '1']) {
    await assertInvalid('PUT', scheduler('rg-v', 'sku-bad'), schedulerBody({}, { sku: { name: 'Dedicated', capacity } }), /capacity .* out of range/);
  }
  await assertInvalid('PUT', scheduler('rg-v', 'sku-bad'), schedulerBody({}, { sku: { name: 'dedicated' } }), /capacity is required/);
  await assertInvalid('PUT', scheduler('rg-v', 'sku-bad'), schedulerBody({}, { sku: { name: 'consumption', capacity: 1 } }), /must not be set for the Consumption/);
  const consumption = await rest.call('PUT', scheduler('rg-v', 'sku-cons'), schedulerBody({}, { sku: { name: 'cOnSuMpTiOn' } }));
  assert.deepEqual(consumption.body.properties.sku, { name: 'Consumption', redundancyState: 'None' });
  await assertInvalid('PATCH', scheduler('rg-v', 'sched-v'), { properties: { sku: { capacity: 4 } } }, /out of range/);
});

test('location is required; tags are bounded', async () => {
  await assertInvalid('PUT', scheduler('rg-v', 'loc-none'), schedulerBody({ location: undefined }), /location is required/);
  await assertInvalid('PUT', group('rg-noloc'), {}, /location is required/);
  await assertInvalid('PUT', scheduler('rg-v', 'tags-bad'), schedulerBody({ tags: { a: 1 } }), /tag 'a' must be a string/);
  await assertInvalid('PUT', scheduler('rg-v', 'tags-bad'), schedulerBody({ tags: { 'a/b': 'x' } }), /tag name/);
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  await assertInvalid('PUT', scheduler('rg-v', 'tags-bad'), schedulerBody({ tags: many }), /maximum is 50/);
  await assertInvalid('PUT', scheduler('rg-v', 'tags-bad'), [1, 2], /must be a JSON object/);
});

test('retention periods are whole days from 0 to 90, one rule per state', async () => {
  const path = `${scheduler('rg-v', 'sched-v')}/retentionPolicies/default`;
  for (const days of [-1, 91, 1.5, '3']) {
    await assertInvalid('PUT', path, { properties: { retentionPolicies: [{ retentionPeriodInDays: days }] } }, /out of range/);
  }
  await assertInvalid('PUT', path, { properties: { retentionPolicies: [] } }, /retentionPolicies is required/);
  await assertInvalid('PUT', path, { properties: { retentionPolicies: [{ retentionPeriodInDays: 1, orchestrationState: 'Running' }] } }, /orchestrationState/);
  const twice = [{ retentionPeriodInDays: 1, orchestrationState: 'Failed' }, { retentionPeriodInDays: 2, orchestrationState: 'failed' }];
  await assertInvalid('PUT', path, { properties: { retentionPolicies: twice } }, /two entries for Failed/);
  const bounds = [{ retentionPeriodInDays: 0 }, { retentionPeriodInDays: 90, orchestrationState: 'Canceled' }];
  assert.equal((await rest.call('PUT', path, { properties: { retentionPolicies: bounds } })).status, 201);
});

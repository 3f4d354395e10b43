/**
 * The control plane's REST API on a real in-process server: every operation on groups,
 * schedulers, task hubs and retention policies, the ARM JSON shapes, list filters, 404s, the 409
 * on deleting a scheduler with task hubs, etags, and errors for unknown paths and methods.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { group, hub, RestServer, scheduler, schedulerBody, SUB } from './rest-support.ts';
import type { Json } from '../support/json.ts';

let rest: RestServer;
before(async () => {
  rest = await RestServer.start();
});
after(() => rest.stop());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function assertSystemData(systemData: Json): void {
  assert.deepEqual(Object.keys(systemData).sort(), ['createdAt', 'createdBy', 'createdByType', 'lastModifiedAt', 'lastModifiedBy', 'lastModifiedByType']);
  assert.match(systemData.createdAt, ISO);
  assert.match(systemData.lastModifiedAt, ISO);
}

test('the defaults exist: subscription, group, scheduler on the main gRPC port, task hub', async () => {
  assert.equal((await rest.call('GET', SUB)).body.subscriptionId, 'default');
  assert.equal((await rest.call('GET', group('default'))).status, 200);
  const sched = await rest.call('GET', scheduler('default', 'default'));
  assert.equal(sched.body.properties.endpoint, `http://127.0.0.1:${rest.server.grpcPort}`);
  const hubs = await rest.call('GET', `${scheduler('default', 'default')}/taskHubs`);
  assert.deepEqual(hubs.body.value.map((h: Json) => h.name), ['default']);
});

test('resource groups: create (201), replace (200), show, patch tags, list, delete (200, then 204)', async () => {
  const created = await rest.call('PUT', `${group('rg-groups')}?api-version=2025-11-01`, { location: 'North Central US', tags: { env: 'test' } });
  assert.equal(created.status, 201);
  assert.deepEqual(
    { id: created.body.id, name: created.body.name, type: created.body.type, location: created.body.location, tags: created.body.tags },
    { id: '/subscriptions/default/resourceGroups/rg-groups', name: 'rg-groups', type: 'Microsoft.Resources/resourceGroups', location: 'northcentralus', tags: { env: 'test' } },
  );
  assertSystemData(created.body.systemData);
  assert.equal((await rest.call('PUT', group('rg-groups'), { location: 'northcentralus' })).status, 200);
  assert.equal((await rest.call('PUT', group('rg-groups'), { location: 'westeurope' })).status, 400);
  assert.deepEqual((await rest.call('PATCH', group('RG-GROUPS'), { tags: { a: 'b' } })).body.tags, { a: 'b' });
  assert.ok((await rest.call('GET', `${SUB}/resourceGroups`)).body.value.some((g: Json) => g.name === 'rg-groups'));
  assert.equal((await rest.call('DELETE', group('rg-groups'))).status, 200);
  assert.equal((await rest.call('GET', group('rg-groups'))).status, 404);
  assert.equal((await rest.call('DELETE', group('rg-groups'))).status, 204);
});

test('schedulers: create with the seed flags gives the seed output shape', async () => {
  await rest.call('PUT', group('rg-shape'), { location: 'northcentralus' });
  const created = await rest.call('PUT', scheduler('rg-shape', 'my-sched'), schedulerBody({ location: 'northcentralus' }));
  assert.equal(created.status, 201);
  assert.ok(created.etag);
  const body = created.body;
  assert.deepEqual(Object.keys(body).sort(), ['id', 'location', 'name', 'properties', 'systemData', 'tags', 'type']);
  assert.equal(body.id, '/subscriptions/default/resourceGroups/rg-shape/providers/Microsoft.DurableTask/schedulers/my-sched');
  assert.equal(body.type, 'Microsoft.DurableTask/schedulers');
  assert.deepEqual(body.tags, {});
  assert.match(body.properties.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(body.properties.endpoint, `http://127.0.0.1:${rest.server.grpcPort}`);
  assert.deepEqual(body.properties.ipAllowlist, ['0.0.0.0/0']);
  assert.deepEqual(body.properties.sku, { name: 'Dedicated', capacity: 1, redundancyState: 'None' });
  assert.equal(body.properties.provisioningState, 'Succeeded');
  assertSystemData(body.systemData);
  const shown = await rest.call('GET', scheduler('rg-shape', 'MY-SCHED'));
  assert.deepEqual(shown.body, body);
});

test('schedulers: PUT replaces, PATCH updates, location cannot change, capacity 3 is zone-redundant', async () => {
  await rest.call('PUT', group('rg-update'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-update', 'sched-u'), schedulerBody());
  const replaced = await rest.call('PUT', scheduler('rg-update', 'sched-u'), schedulerBody({ tags: { k: 'v' } }, { ipAllowlist: ['10.0.0.0/8'] }));
  assert.equal(replaced.status, 200);
  assert.deepEqual(replaced.body.properties.ipAllowlist, ['10.0.0.0/8']);
  assert.deepEqual(replaced.body.tags, { k: 'v' });
  const patched = await rest.call('PATCH', scheduler('rg-update', 'sched-u'), { properties: { sku: { capacity: 3 } } });
  assert.deepEqual(patched.body.properties.sku, { name: 'Dedicated', capacity: 3, redundancyState: 'Zone' });
  assert.deepEqual(patched.body.tags, { k: 'v' });
  assert.equal(patched.body.systemData.createdAt, replaced.body.systemData.createdAt);
  const consumption = await rest.call('PATCH', scheduler('rg-update', 'sched-u'), { properties: { sku: { name: 'CONSUMPTION' } } });
  assert.deepEqual(consumption.body.properties.sku, { name: 'Consumption', redundancyState: 'None' });
  assert.equal((await rest.call('PUT', scheduler('rg-update', 'sched-u'), schedulerBody({ location: 'eastus' }))).status, 400);
  assert.equal(patched.body.properties.endpoint, replaced.body.properties.endpoint, 'the endpoint never changes');
});

test('schedulers: list by resource group and by subscription', async () => {
  await rest.call('PUT', group('rg-list-a'), { location: 'westus' });
  await rest.call('PUT', group('rg-list-b'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-list-a', 'list-one'), schedulerBody());
  await rest.call('PUT', scheduler('rg-list-a', 'list-two'), schedulerBody());
  await rest.call('PUT', scheduler('rg-list-b', 'list-three'), schedulerBody());
  const byGroup = await rest.call('GET', `${group('rg-list-a')}/providers/Microsoft.DurableTask/schedulers`);
  assert.deepEqual(byGroup.body.value.map((s: Json) => s.name), ['list-one', 'list-two']);
  const bySub = await rest.call('GET', `${SUB}/providers/Microsoft.DurableTask/schedulers?api-version=2025-11-01`);
  const names = bySub.body.value.map((s: Json) => s.name);
  for (const name of ['default', 'list-one', 'list-two', 'list-three']) assert.ok(names.includes(name), name);
  assert.equal((await rest.call('GET', `${group('rg-missing')}/providers/Microsoft.DurableTask/schedulers`)).status, 404);
  assert.equal((await rest.call('GET', '/subscriptions/nope/providers/Microsoft.DurableTask/schedulers')).status, 404);
});

test('task hubs: create, show, list, delete; a scheduler with hubs cannot be deleted (409 CannotDeleteResource)', async () => {
  await rest.call('PUT', group('rg-hubs'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-hubs', 'sched-h'), schedulerBody());
  const created = await rest.call('PUT', hub('rg-hubs', 'sched-h', 'hub-one'));
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body).sort(), ['id', 'name', 'properties', 'systemData', 'type']);
  assert.equal(created.body.id, `${scheduler('rg-hubs', 'sched-h')}/taskHubs/hub-one`);
  assert.equal(created.body.type, 'Microsoft.DurableTask/schedulers/taskHubs');
  assert.equal(created.body.properties.provisioningState, 'Succeeded');
  // The dashboard's page of the hub, named as on the data plane (test/dashboard/dashboard-links.test.ts follows it).
  assert.match(created.body.properties.dashboardUrl, /^http:\/\/127\.0\.0\.1:\d+\/hubs\/default%2Frg-hubs%2Fsched-h%2Fhub-one$/);
  assert.equal((await rest.call('PUT', hub('rg-hubs', 'sched-h', 'hub-one'), {})).status, 200);
  await rest.call('PUT', hub('rg-hubs', 'sched-h', 'hub-two'));
  const list = await rest.call('GET', `${scheduler('rg-hubs', 'sched-h')}/taskHubs`);
  assert.deepEqual(list.body.value.map((h: Json) => h.name), ['hub-one', 'hub-two']);
  assert.equal((await rest.call('GET', hub('rg-hubs', 'sched-h', 'HUB-ONE'))).body.name, 'hub-one');
  const refused = await rest.call('DELETE', scheduler('rg-hubs', 'sched-h'));
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'CannotDeleteResource');
  assert.match(refused.body.error.message, /hub-one, hub-two/);
  assert.equal((await rest.call('DELETE', hub('rg-hubs', 'sched-h', 'hub-one'))).status, 200);
  assert.equal((await rest.call('DELETE', hub('rg-hubs', 'sched-h', 'hub-two'))).status, 200);
  assert.equal((await rest.call('DELETE', hub('rg-hubs', 'sched-h', 'hub-two'))).status, 204);
  assert.equal((await rest.call('GET', hub('rg-hubs', 'sched-h', 'hub-one'))).status, 404);
  assert.equal((await rest.call('DELETE', scheduler('rg-hubs', 'sched-h'))).status, 200);
  assert.equal((await rest.call('GET', scheduler('rg-hubs', 'sched-h'))).status, 404);
  assert.equal((await rest.call('PUT', hub('rg-hubs', 'sched-h', 'hub-three'))).status, 404);
});

test('a group with schedulers, the default scheduler and the default subscription cannot be deleted', async () => {
  await rest.call('PUT', group('rg-full'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-full', 'sched-f'), schedulerBody());
  for (const path of [group('rg-full'), scheduler('default', 'default'), SUB]) {
    const reply = await rest.call('DELETE', path);
    assert.equal(reply.status, 409, path);
    assert.equal(reply.body.error.code, 'CannotDeleteResource');
  }
});

test('retention policies: create, show, patch merges by state, list, delete', async () => {
  await rest.call('PUT', group('rg-ret'), { location: 'westus' });
  await rest.call('PUT', scheduler('rg-ret', 'sched-r'), schedulerBody());
  const path = `${scheduler('rg-ret', 'sched-r')}/retentionPolicies/default`;
  assert.equal((await rest.call('GET', path)).status, 404);
  const created = await rest.call('PUT', path, { properties: { retentionPolicies: [{ retentionPeriodInDays: 30 }, { retentionPeriodInDays: 1, orchestrationState: 'completed' }] } });
  assert.equal(created.status, 201);
  assert.equal(created.body.type, 'Microsoft.DurableTask/schedulers/retentionPolicies');
  assert.deepEqual(created.body.properties.retentionPolicies, [{ retentionPeriodInDays: 30 }, { retentionPeriodInDays: 1, orchestrationState: 'Completed' }]);
  const patched = await rest.call('PATCH', path, { properties: { retentionPolicies: [{ retentionPeriodInDays: 7, orchestrationState: 'Failed' }] } });
  assert.equal(patched.body.properties.retentionPolicies.length, 3);
  assert.equal((await rest.call('GET', `${scheduler('rg-ret', 'sched-r')}/retentionPolicies`)).body.value.length, 1);
  assert.equal((await rest.call('GET', `${scheduler('rg-ret', 'sched-r')}/retentionPolicies/other`)).status, 400);
  assert.equal((await rest.call('DELETE', path)).status, 200);
  assert.equal((await rest.call('GET', path)).status, 404);
  assert.deepEqual((await rest.call('GET', `${scheduler('rg-ret', 'sched-r')}/retentionPolicies`)).body.value, []);
});

test('If-Match: a stale etag is refused with 412, the current one is accepted', async () => {
  await rest.call('PUT', group('rg-etag'), { location: 'westus' });
  const created = await rest.call('PUT', scheduler('rg-etag', 'sched-e'), schedulerBody());
  const first = created.etag as string;
  const updated = await rest.call('PATCH', scheduler('rg-etag', 'sched-e'), { tags: { a: '1' } }, { 'if-match': first });
  assert.equal(updated.status, 200);
  assert.notEqual(updated.etag, first);
  const stale = await rest.call('PATCH', scheduler('rg-etag', 'sched-e'), { tags: { a: '2' } }, { 'if-match': first });
  assert.equal(stale.status, 412);
  assert.equal(stale.body.error.code, 'PreconditionFailed');
});

test('unknown paths are 404, unsupported methods 405, bad JSON 400, all as ARM error bodies', async () => {
  const unknown = await rest.call('GET', `${SUB}/resourceGroups/x/providers/Microsoft.Other/things`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'NotFound');
  const method = await rest.call('POST', scheduler('default', 'default'));
  assert.equal(method.status, 405);
  assert.equal(method.body.error.code, 'MethodNotAllowed');
  const badJson = await rest.call('PUT', group('rg-json'), '{"location": ');
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.error.code, 'InvalidArgument');
  const missing = await rest.call('GET', scheduler('default', 'not-there'));
  assert.deepEqual(missing.body, { error: { code: 'ResourceNotFound', message: "The scheduler 'not-there' in resource group 'default' could not be found." } });
  assert.equal((await rest.call('GET', group('nope'))).status, 404);
  assert.equal((await rest.call('GET', hub('default', 'default', 'nope'))).status, 404);
});

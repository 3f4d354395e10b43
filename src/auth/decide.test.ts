/**
 * The authorization matrix: every role x scope x operation group, asserted from a literal table,
 * plus the operation group of every RPC the service defines.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sidecarMethodNames } from '../protocol/service-definition.ts';
import { decide, scopeCovers, type Principal } from './decide.ts';
import { restGroup, rpcGroup } from './operations.ts';
import { findRole, OPERATION_GROUPS, ROLES } from './roles.ts';

const SCHED = '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.DurableTask/schedulers/sch1';
const HUB = `${SCHED}/taskHubs/hub1`;
const SCOPES = {
  root: '/',
  group: '/subscriptions/s1/resourceGroups/rg1',
  scheduler: SCHED,
  thisHub: HUB,
  otherHub: `${SCHED}/taskHubs/hub2`,
} as const;

// Columns: data.connect, data.clientWrite, data.clientRead, data.history, data.worker, control.read, control.write, control.authorization
const ALLOWED: Record<string, string> = {
  'Durable Task Data Contributor': 'YYYYYNNN',
  'Durable Task Worker': 'YNNYYNNN',
  'Durable Task Data Reader': 'YNYYNNNN',
  Owner: 'NNNNNYYY',
  Contributor: 'NNNNNYYN',
  Reader: 'NNNNNYNN',
};
const COVERS_HUB: Record<keyof typeof SCOPES, boolean> = { root: true, group: true, scheduler: true, thisHub: true, otherHub: false };

const alice: Principal = { id: 'P-1', kind: 'userAssignedIdentity', name: 'alice' };

test('authorization matrix: role x scope x operation group', () => {
  assert.equal(Object.keys(ALLOWED).length, ROLES.length);
  for (const [roleName, row] of Object.entries(ALLOWED)) {
    const role = findRole(roleName);
    assert.ok(role, roleName);
    for (const [scopeName, scope] of Object.entries(SCOPES)) {
      for (const [i, operation] of OPERATION_GROUPS.entries()) {
        const expected = row[i] === 'Y' && COVERS_HUB[scopeName as keyof typeof SCOPES];
        const decision = decide(alice, operation, HUB, [{ principalId: 'p-1', roleDefinitionId: `/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/${role.id}`, scope }]);
        assert.equal(decision.allow, expected, `${roleName} at ${scopeName} for ${operation}`);
      }
    }
  }
});

test('deny without assignments, for another principal, and for an unknown role', () => {
  assert.equal(decide(alice, 'data.clientRead', HUB, []).allow, false);
  assert.equal(decide(alice, 'data.clientRead', HUB, [{ principalId: 'p-2', roleDefinitionId: ROLES[0]!.id, scope: '/' }]).allow, false);
  assert.equal(decide(alice, 'data.clientRead', HUB, [{ principalId: 'p-1', roleDefinitionId: '00000000-0000-0000-0000-000000000000', scope: '/' }]).allow, false);
  const denied = decide(alice, 'data.worker', HUB, []);
  assert.ok(!denied.allow && /alice/.test(denied.reason));
});

test('scope coverage is segment-wise and case-insensitive', () => {
  const cases: [string, string, boolean][] = [
    ['/', HUB, true],
    ['/subscriptions/S1', HUB, true],
    ['/subscriptions/s', HUB, false],
    [`${SCHED}/taskHubs/hub1`, `${SCHED}/TASKHUBS/HUB1`, true],
    [`${SCHED}/taskHubs/hub`, HUB, false],
    [HUB, SCHED, false],
  ];
  for (const [scope, resource, expected] of cases) assert.equal(scopeCovers(scope, resource), expected, `${scope} covers ${resource}`);
});

test('every RPC of the service has an operation group; REST methods map to read, write, authorization', () => {
  for (const name of sidecarMethodNames()) assert.ok(rpcGroup(name) !== undefined, `${name} has no operation group`);
  assert.equal(rpcGroup('/TaskHubSidecarService/StartInstance'), 'data.clientWrite');
  // Task hubs are control-plane resources: no data role makes or removes one, over gRPC either.
  assert.equal(rpcGroup('/TaskHubSidecarService/CreateTaskHub'), 'control.write');
  assert.equal(rpcGroup('deleteTaskHub'), 'control.write');
  const cases: [string, string, string][] = [
    ['GET', `${SCHED}/taskHubs/h`, 'control.read'],
    ['PUT', `${SCHED}/taskHubs/h`, 'control.write'],
    ['DELETE', SCHED, 'control.write'],
    ['PUT', `${SCHED}/providers/Microsoft.Authorization/roleAssignments/x`, 'control.authorization'],
    ['GET', `${SCHED}/providers/Microsoft.Authorization/roleAssignments`, 'control.read'],
    ['PUT', '/users/a@b.c', 'control.authorization'],
  ];
  for (const [method, path, expected] of cases) assert.equal(restGroup(method, path), expected, `${method} ${path}`);
});

test('roles are found by name, id and role-definition resource id', () => {
  assert.equal(findRole('durable task data contributor')?.id, '0ad04412-c4d5-4796-b79c-f76d14c8d402');
  assert.equal(findRole('80d0d6b0-f522-40a4-8886-a5a11720c375')?.name, 'Durable Task Worker');
  assert.equal(findRole('/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7')?.name, 'Reader');
  assert.equal(findRole('Nope'), undefined);
});

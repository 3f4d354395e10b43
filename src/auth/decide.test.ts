/**
 * The authorization matrix: every role x scope x permission, asserted from a literal table;
 * the two decisions the REST routes must ask on the right resource (an existing resource is
 * decided where it lives, an identity is assigned only with a role where the identity lives);
 * and the permission of every RPC the service defines. The same cases through the REST
 * routes of a real server are in test/control/rest-authorization.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sidecarMethodNames } from '../protocol/service-definition.ts';
import { decide, scopeCovers, type Principal } from './decide.ts';
import { rpcPermission } from './rpc-permissions.ts';
import { findRole, PERMISSIONS, ROLES } from './roles.ts';

const SCHED = '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.DurableTask/schedulers/sch1';
const HUB = `${SCHED}/taskHubs/hub1`;
const SCOPES = {
  root: '/',
  group: '/subscriptions/s1/resourceGroups/rg1',
  scheduler: SCHED,
  thisHub: HUB,
  otherHub: `${SCHED}/taskHubs/hub2`,
} as const;

// Columns: data.connect, data.clientWrite, data.clientRead, data.history, data.worker, control.read, control.write, control.authorization, control.identityAssign
const ALLOWED: Record<string, string> = {
  'Durable Task Data Contributor': 'YYYYYNNNN',
  'Durable Task Worker': 'YNNYYNNNN',
  'Durable Task Data Reader': 'YNYYNNNNN',
  Owner: 'NNNNNYYYY',
  Contributor: 'NNNNNYYNY',
  Reader: 'NNNNNYNNN',
};
const COVERS_HUB: Record<keyof typeof SCOPES, boolean> = { root: true, group: true, scheduler: true, thisHub: true, otherHub: false };

const alice: Principal = { id: 'P-1', kind: 'userAssignedIdentity', name: 'alice' };

test('authorization matrix: role x scope x permission', () => {
  assert.equal(Object.keys(ALLOWED).length, ROLES.length);
  for (const [roleName, row] of Object.entries(ALLOWED)) {
    const role = findRole(roleName);
    assert.ok(role, roleName);
    for (const [scopeName, scope] of Object.entries(SCOPES)) {
      for (const [i, permission] of PERMISSIONS.entries()) {
        const expected = row[i] === 'Y' && COVERS_HUB[scopeName as keyof typeof SCOPES];
        const decision = decide(alice, permission, HUB, [{ principalId: 'p-1', roleDefinitionId: `/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/${role.id}`, scope }]);
        assert.equal(decision.allow, expected, `${roleName} at ${scopeName} for ${permission}`);
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

const role = (name: string) => findRole(name)!.id;
const GROUP_A = '/subscriptions/s1/resourceGroups/a';
const GROUP_B = '/subscriptions/s1/resourceGroups/b';

test('an existing resource through a narrower URL: decided on the scope where it lives', () => {
  // Owner of group A, and a role assignment that lives at the root, addressed through A's URL.
  const ownerOfA = [{ principalId: 'p-1', roleDefinitionId: role('Owner'), scope: GROUP_A }];
  assert.equal(decide(alice, 'control.authorization', `${GROUP_A}/providers/Microsoft.Authorization/roleAssignments/x`, ownerOfA).allow, true, 'the URL alone would let it through');
  assert.equal(decide(alice, 'control.authorization', '/', ownerOfA).allow, false, "the assignment's own scope does not");
  assert.equal(decide(alice, 'control.read', '/', ownerOfA).allow, false);
  assert.equal(decide(alice, 'control.authorization', `${GROUP_A}/providers/Microsoft.DurableTask/schedulers/s`, ownerOfA).allow, true, 'below A it does');
});

test('assign an identity from a scope you do not hold: only with a role where the identity lives', () => {
  const identity = (group: string) => `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`;
  for (const name of ['Owner', 'Contributor']) {
    const ofA = [{ principalId: 'p-1', roleDefinitionId: role(name), scope: GROUP_A }];
    assert.equal(decide(alice, 'control.identityAssign', identity(GROUP_A), ofA).allow, true, `${name} of A uses A's identity`);
    assert.equal(decide(alice, 'control.identityAssign', identity(GROUP_B), ofA).allow, false, `${name} of A cannot use B's identity`);
    assert.equal(decide(alice, 'control.write', `${GROUP_A}/providers/Microsoft.Web/sites/app`, ofA).allow, true, `${name} of A may change A's app`);
  }
  const readerOfB = [{ principalId: 'p-1', roleDefinitionId: role('Reader'), scope: GROUP_B }];
  assert.equal(decide(alice, 'control.identityAssign', identity(GROUP_B), readerOfB).allow, false, 'reading an identity is not using it');
});

test('every RPC of the service needs a permission', () => {
  for (const name of sidecarMethodNames()) assert.ok(rpcPermission(name) !== undefined, `${name} needs no permission`);
  assert.equal(rpcPermission('/TaskHubSidecarService/StartInstance'), 'data.clientWrite');
  // Task hubs are control-plane resources: no data role makes or removes one, over gRPC either.
  assert.equal(rpcPermission('/TaskHubSidecarService/CreateTaskHub'), 'control.write');
  assert.equal(rpcPermission('deleteTaskHub'), 'control.write');
});

test('roles are found by name, id and role-definition resource id', () => {
  assert.equal(findRole('durable task data contributor')?.id, '0ad04412-c4d5-4796-b79c-f76d14c8d402');
  assert.equal(findRole('80d0d6b0-f522-40a4-8886-a5a11720c375')?.name, 'Durable Task Worker');
  assert.equal(findRole('/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7')?.name, 'Reader');
  assert.equal(findRole('Nope'), undefined);
});

/**
 * The rule for switching --auth on later (src/control/grants-made-without-auth.ts, first-admin.ts)
 * on both catalog backends, SQLite and a real PostgreSQL: entries written with auth off, and
 * entries from before the record existed, are refused until confirmed; confirmation sticks until
 * the entry is written with auth off again; the first admin replaces the password of an `admin`
 * someone made while auth was off.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Directory } from '../src/auth/directory.ts';
import { Passwords } from '../src/auth/passwords.ts';
import { directorySource } from '../src/control/auth-sources.ts';
import { ANONYMOUS, ControlContext, type ControlRequest } from '../src/control/context.ts';
import { adminPasswordFile, ensureAdmin } from '../src/control/first-admin.ts';
import { checkGrantsMadeWithoutAuth } from '../src/control/grants-made-without-auth.ts';
import { IdentityHandlers } from '../src/control/identity-handlers.ts';
import type { UserData } from '../src/control/principal-resources.ts';
import { RoleAssignmentHandlers } from '../src/control/role-assignment-handlers.ts';
import { UserHandlers } from '../src/control/user-handlers.ts';
import { isServerError } from '../src/domain/errors.ts';
import type { CatalogStore } from '../src/store/catalog.ts';
import { openPostgresBackend } from '../src/store/postgres/postgres-store.ts';
import { openSqliteBackend } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { PostgresServer, postgresUnavailableReason } from './support/postgres-server.ts';
import { failingLogger, linesLogger, silentLogger } from '../src/lib/logger.ts';
import { postgresOptions, sqliteOptions } from './support/store-options.ts';

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const A_1 = '00000000-0000-4000-8000-0000000000a1';
const now = () => Date.parse('2025-06-01T00:00:00Z');
const passwords = new Passwords();
let postgres: PostgresServer | undefined;
const skipPostgres = postgresUnavailableReason();

before(async () => {
  if (skipPostgres === undefined) postgres = await PostgresServer.start();
});
after(async () => {
  await postgres?.dispose();
});

const backends: { name: string; skip?: string; open: () => Promise<{ store: Store; catalog: CatalogStore }> }[] = [
  { name: 'sqlite', open: async () => openSqliteBackend(sqliteOptions(':memory:')) },
  {
    name: 'postgres',
    ...(skipPostgres === undefined ? {} : { skip: skipPostgres }),
    open: async () => openPostgresBackend(postgresOptions(await postgres!.createDatabase('grants'), { safetyPollMs: 0, connectionsMax: 3 })),
  },
];

/** The identity handlers of a control plane running with auth on or off. */
function handlers(catalog: CatalogStore, directory: Directory, auth: boolean) {
  const engine = undefined as never; // users, identities and assignments never touch the engine
  const endpoints = { open: async () => 0, close: async () => undefined };
  const ctx = new ControlContext({ catalog, engine, clock: { now }, endpoints, log: silentLogger }, { publicHost: 'localhost', grpcPort: 1, httpPort: 2, schedulerPorts: 'ephemeral', auth });
  return { users: new UserHandlers(ctx, directory, passwords), identities: new IdentityHandlers(ctx, directory), assignments: new RoleAssignmentHandlers(ctx, directory) };
}

function request(params: Record<string, string>, body?: unknown): ControlRequest {
  return { params, body, query: new URLSearchParams(), header: () => undefined, address: undefined, actor: ANONYMOUS, authorize: async () => undefined };
}

const identity = (name: string) => ({ sub: 'default', rg: 'default', identity: name });

for (const backend of backends) {
  describe(`${backend.name}: grants made without auth`, { ...(backend.skip === undefined ? {} : { skip: backend.skip }) }, () => {
    let opened: { store: Store; catalog: CatalogStore };
    let open: ReturnType<typeof handlers>;
    let closed: ReturnType<typeof handlers>;
    const lines: string[] = [];
    const check = (trust: boolean) => checkGrantsMadeWithoutAuth(opened.catalog, { trust, now, log: linesLogger(lines) });

    before(async () => {
      opened = await backend.open();
      await opened.store.migrate();
      const directory = new Directory(directorySource(opened.catalog), now);
      open = handlers(opened.catalog, directory, false);
      closed = handlers(opened.catalog, directory, true);
      await opened.catalog.create('subscription', ['default'], {});
      await opened.catalog.create('resourceGroup', ['default', 'default'], { location: 'local' });
    });
    after(() => opened.store.close());

    test('entries from before the record and entries written with auth off are refused, naming them and the flag', async () => {
      await opened.catalog.create('user', ['legacy'], { principalId: 'p-legacy', passwordHash: 'x', createdAt: '' });
      await open.users.create('mallory', 'mallory password');
      await open.assignments.put(request({ assignment: A_1 }, { properties: { roleDefinitionId: OWNER, principalId: 'mallory' } }));
      await closed.users.create('trent', 'trent password');
      await assert.rejects(check(false), (error: unknown) => {
        assert.ok(isServerError(error, 'FAILED_PRECONDITION'));
        assert.match(error.message, /holds 3 entries made while auth was off/);
        assert.match(error.message, new RegExp(`user 'legacy'; user 'mallory'; role assignment '${A_1}' \\(Owner for 'mallory' at /\\)`));
        assert.doesNotMatch(error.message, /trent/, 'a user made with auth on is trusted');
        assert.match(error.message, /--trust-grants-made-without-auth/);
        return true;
      });
    });

    test('the flag confirms them once; writing one with auth off again needs a new confirmation', async () => {
      await check(true);
      assert.ok(lines.includes(`trusting role assignment '${A_1}' (Owner for 'mallory' at /), made while auth was off (--trust-grants-made-without-auth)`), lines.join('\n'));
      await check(false);
      await open.identities.put(request(identity('id-1'), { tags: { a: 'b' } }));
      await check(false).then(() => assert.fail('refused'), (error: Error) => assert.match(error.message, /holds 1 entry .*: identity 'default\/default\/id-1'\./));
      await closed.identities.put(request(identity('id-1'), { tags: { a: 'c' } }));
      await check(false);
    });

    test('the first admin: an admin made with auth off gets a new password, keeps its principal, holds Owner at /', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dts-admin-'));
      try {
        await closed.users.delete(request({ user: 'trent' })); // else a user made with auth exists, and no admin is made
        await open.users.create('admin', "attacker's password");
        await check(true);
        const before = (await opened.catalog.get<UserData>('user', ['admin']))!.data;
        await ensureAdmin(closed, opened.catalog, dataDir, linesLogger(lines));
        const after = (await opened.catalog.get<UserData>('user', ['admin']))!.data;
        const password = readFileSync(adminPasswordFile(dataDir), 'utf8').trim();
        assert.equal(after.principalId, before.principalId);
        assert.equal(after.madeWithAuth, true);
        assert.equal(await passwords.verify("attacker's password", after.passwordHash), false);
        assert.equal(await passwords.verify(password, after.passwordHash), true);
        assert.ok(lines.some((line) => line.startsWith("gave the user 'admin', made while auth was off, a new password; its one-time password is in")));
        const owners = (await opened.catalog.list<{ principalId: string; roleDefinitionId: string; scope: string }>('roleAssignment', [], 100)).filter((a) => a.data.principalId === after.principalId);
        assert.deepEqual(owners.map((a) => [a.data.roleDefinitionId, a.data.scope]), [[OWNER, '/']]);
        await ensureAdmin(closed, opened.catalog, dataDir, failingLogger('nothing to do once a user was made with auth'));
        assert.equal(readFileSync(adminPasswordFile(dataDir), 'utf8').trim(), password);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}

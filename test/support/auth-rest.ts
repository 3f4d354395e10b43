/**
 * REST calls to a server started with --auth: over HTTPS, trusting the CA the server made in its
 * data directory, with an optional bearer token; signing in as the first admin or as a new user
 * granted roles. Answers are `{ status, body }` with the JSON body parsed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { DtsServer } from './server-process.ts';
import type { Json } from './json.ts';

export interface AuthRest {
  ca: Buffer;
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }>;
  /** The token of the `admin` user the first start made. */
  admin(): Promise<string>;
  /** Makes user `name`, grants it each role at `scope` (as admin), signs it in. */
  user(name: string, roles: readonly string[], scope: string): Promise<string>;
}

export function authRest(server: DtsServer): AuthRest {
  const ca = readFileSync(join(server.dataDir, 'tls', 'ca.pem'));
  const call: AuthRest['call'] = (method, path, body, token) => new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
    const req = request(new URL(path, `https://${server.httpAddress}`), { method, ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
  let adminToken: Promise<string> | undefined;
  const admin = () => (adminToken ??= signIn(call, 'admin', readFileSync(join(server.dataDir, 'admin-password.txt'), 'utf8').trim()));
  const user: AuthRest['user'] = async (name, roles, scope) => {
    const password = `${name} correct horse battery`;
    assert.equal((await call('PUT', `/users/${name}`, { password }, await admin())).status, 201);
    for (const role of roles) {
      const grant = await call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, { properties: { roleDefinitionId: role, principalId: name } }, await admin());
      assert.equal(grant.status, 201, JSON.stringify(grant.body));
    }
    return signIn(call, name, password);
  };
  return { ca, call, admin, user };
}

async function signIn(call: AuthRest['call'], username: string, password: string): Promise<string> {
  const login = await call('POST', '/auth/login', { username, password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.accessToken as string;
}

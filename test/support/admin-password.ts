/**
 * The first-start admin's one-time password must be changed at its first sign-in. Tests that
 * sign in as admin from `<data dir>/admin-password.txt` get a server where that is done: the
 * password is changed once (to the old one + `-own`) and the file rewritten with it, as an
 * operator would keep their own. Tests of the change itself opt out (server-process.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export function adminPasswordFile(dataDir: string): string {
  return join(dataDir, 'admin-password.txt');
}

/** Changes the one-time password, if it still is one; a no-op for a server without that file. */
export async function settleAdminPassword(dataDir: string, httpAddress: string): Promise<void> {
  const file = adminPasswordFile(dataDir);
  if (!existsSync(file)) return;
  const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'));
  const password = readFileSync(file, 'utf8').trim();
  const first = await login(httpAddress, ca, { username: 'admin', password });
  if (first !== 403) return; // 200: changed already (a restart); 401: not this file's password
  const own = `${password}-own`;
  const changed = await login(httpAddress, ca, { username: 'admin', password, newPassword: own });
  if (changed !== 200) throw new Error(`changing the admin's one-time password answered ${changed}`);
  writeFileSync(file, `${own}\n`, { mode: 0o600 });
}

function login(httpAddress: string, ca: Buffer, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/auth/login', `https://${httpAddress}`), { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

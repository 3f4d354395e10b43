/**
 * The server's own `admin` user: on the first start with auth (no user was made with auth yet)
 * it gets a new one-time password, written to `<data dir>/admin-password.txt` (0600) and never
 * to the log, and Owner at the root. An `admin` made while auth was off keeps its principal (and
 * the grants an operator confirmed) but not the password its maker chose.
 */
import { join } from 'node:path';
import { isServerError } from '../domain/errors.ts';
import { writePrivateFile } from '../lib/private-files.ts';
import type { CatalogStore } from '../store/catalog.ts';
import { DIRECTORY_LIST_MAX, type UserData } from './directory.ts';
import { newSecret } from './passwords.ts';
import type { PrincipalOperations } from './principal-operations.ts';
import { findRole } from './roles.ts';

const ADMIN_USER = 'admin';

export function adminPasswordFile(dataDir: string): string {
  return join(dataDir, 'admin-password.txt');
}

export async function ensureAdmin(principals: PrincipalOperations, catalog: CatalogStore, dataDir: string, log: (message: string) => void): Promise<void> {
  const users = await catalog.list<UserData>('user', [], DIRECTORY_LIST_MAX);
  if (users.some((user) => user.data.madeWithAuth === true)) return;
  const password = newSecret(18);
  const file = adminPasswordFile(dataDir);
  // The file first: a failed write must not leave an admin whose password nobody has.
  writePrivateFile(file, `${password}\n`);
  const existing = users.some((user) => (user.path[0] as string).toLowerCase() === ADMIN_USER);
  if (existing) await principals.resetPassword(ADMIN_USER, password);
  else await principals.createUser(ADMIN_USER, password);
  try {
    await principals.putAssignment('/', crypto.randomUUID(), { properties: { roleDefinitionId: findRole('Owner')!.id, principalId: ADMIN_USER } }, 'system', 'default');
  } catch (error) {
    if (!isServerError(error, 'ALREADY_EXISTS')) throw error;
  }
  const what = existing ? `gave the user '${ADMIN_USER}', made while auth was off, a new password` : `created user '${ADMIN_USER}' (Owner at /)`;
  log(`${what}; its one-time password is in ${file} (mode 0600)`);
}

/**
 * The server's own `admin` user: on the first start with auth (no user was made with auth yet)
 * it gets a new one-time password, written to `<data dir>/admin-password.txt` (0600) and never
 * to the log, that its first sign-in must change (auth/sign-in.ts), and Owner at the root. An
 * `admin` made while auth was off keeps its principal (and the grants an operator confirmed) but
 * not the password its maker chose.
 */
import { join } from 'node:path';
import { newSecret } from '../auth/passwords.ts';
import { writePrivateFile } from '../lib/private-files.ts';
import type { CatalogStore } from '../store/catalog.ts';
import { PRINCIPALS_LIST_MAX, type UserData } from './principal-resources.ts';
import type { RoleAssignmentHandlers } from './role-assignment-handlers.ts';
import type { UserHandlers } from './user-handlers.ts';
import type { Logger } from '../lib/logger.ts';

const ADMIN_USER = 'admin';

export function adminPasswordFile(dataDir: string): string {
  return join(dataDir, 'admin-password.txt');
}

export interface AdminHandlers {
  users: UserHandlers;
  assignments: RoleAssignmentHandlers;
}

export async function ensureAdmin({ users, assignments }: AdminHandlers, catalog: CatalogStore, dataDir: string, log: Logger): Promise<void> {
  const all = await catalog.list<UserData>('user', [], PRINCIPALS_LIST_MAX);
  if (all.some((user) => user.data.madeWithAuth === true)) return;
  const password = newSecret(18);
  const file = adminPasswordFile(dataDir);
  // The file first: a failed write must not leave an admin whose password nobody has.
  writePrivateFile(file, `${password}\n`);
  const existing = all.some((user) => (user.path[0] as string).toLowerCase() === ADMIN_USER);
  if (!existing) await users.create(ADMIN_USER, password);
  await users.setOneTimePassword(ADMIN_USER, password);
  await assignments.grant('/', ADMIN_USER, 'Owner');
  const what = existing ? `gave the user '${ADMIN_USER}', made while auth was off, a new password` : `created user '${ADMIN_USER}' (Owner at /)`;
  log.info(`${what}; its one-time password is in ${file} (mode 0600)`, { passwordFile: file });
}

/**
 * The directories this server keeps secrets in: the SQLite database's (password hashes, app
 * secrets, signing keys) and, with --auth, the data directory of the TLS keys and the admin's
 * password. Made private before anything is written to them (lib/private-files.ts).
 */
import { dirname } from 'node:path';
import { adminPasswordFile } from './control/first-admin.ts';
import type { ServerConfig } from './config/config.ts';
import { ensurePrivateDirectory, ensurePrivateFile, tighten } from './lib/private-files.ts';
import type { Logger } from './lib/logger.ts';

export function prepareDataDirectories(config: Readonly<ServerConfig>, log: Logger): void {
  const database = config.store.kind === 'sqlite' && config.store.path !== ':memory:' ? config.store.path : undefined;
  const dirs = new Set([...(database === undefined ? [] : [dirname(database)]), ...(config.auth.enabled ? [config.auth.dataDir] : [])]);
  for (const dir of dirs) ensurePrivateDirectory(dir, log);
  if (database !== undefined) {
    // Made 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    ensurePrivateFile(database, log);
    for (const suffix of ['-wal', '-shm', '-journal']) tighten(`${database}${suffix}`, log);
  }
  if (config.auth.enabled) tighten(adminPasswordFile(config.auth.dataDir), log);
}

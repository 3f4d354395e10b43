/**
 * Files only this server's user may read: the data directory (0700) and what holds secrets in it
 * (the database with password hashes, app secrets and signing keys, the TLS private keys, the
 * admin's one-time password: 0600). A directory this server makes is 0700; one that exists with
 * access for others only gets a warning (it may be shared on purpose, `--data-dir .` for one);
 * our own files are tightened to 0600, and the log says so.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import type { Logger } from './logger.ts';

type Log = Logger;

const OTHERS = 0o077;

/** Makes `dir` (and its parents) 0700 when missing; warns when an existing one lets others in. */
export function ensurePrivateDirectory(dir: string, log: Log): void {
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (made !== undefined) return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & OTHERS) !== 0) log.warn(`the data directory ${dir} is open to other users (mode ${octal(mode)}); it holds secrets: chmod 700 ${dir}`);
}

/** Creates `path` empty with mode 0600 when missing, and tightens it to 0600 when it is looser. */
export function ensurePrivateFile(path: string, log: Log): void {
  closeSync(openSync(path, 'a', 0o600));
  tighten(path, log);
}

/** Tightens `path` to 0600 when it exists with a looser mode. */
export function tighten(path: string, log: Log): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & OTHERS) === 0) return;
  chmodSync(path, 0o600);
  log.warn(`${path} was open to other users (mode ${octal(mode)}); it holds secrets and is now 0600`);
}

/** Writes `text` to `path` with mode 0600, whatever mode an existing file had. */
export function writePrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

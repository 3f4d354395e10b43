/**
 * The version of this package, read once from its package.json: `dts --version`, the client's
 * user agent, and (for the server) the ready line, /healthz and `dts_build_info`. The file is
 * found by walking up from this module, so the answer is the same from src/ (tsx), from dist/
 * (built) and from an installed copy; nothing is read at import time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'durable-task-scheduler';
/** src/lib and dist/src/lib are two and three levels below the package root. */
const LEVELS_MAX = 4;

let version: string | undefined;

export function packageVersion(): string {
  version ??= readVersion();
  return version;
}

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < LEVELS_MAX; level++) {
    dir = dirname(dir);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
  }
  throw new Error(`the package.json of ${PACKAGE_NAME} is missing from the installation`);
}

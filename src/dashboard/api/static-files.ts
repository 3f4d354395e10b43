/**
 * Serves the built dashboard (Vite output in dist/dashboard) with no network access at run
 * time: its assets, and index.html for the app's own routes (`/`, `/hubs/...`), where the
 * client-side router takes over. Hashed assets are cached for a year, index.html never.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** dist/dashboard, from src/dashboard/api (tsx) or dist/src/dashboard/api (built); null when not built. */
export function dashboardRoot(): string | null {
  for (const up of ['../../../dist/dashboard', '../../../dashboard']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

/** index.html of the app (for its client-side routes); undefined when the UI is not built. */
export function appPage(root: string | null): Response | undefined {
  return root === null ? undefined : fileResponse(join(root, 'index.html'), false);
}

/** A file under `root/assets`, by its decoded path below /assets; undefined when there is none. */
export function assetFile(root: string | null, relative: string): Response | undefined {
  if (root === null) return undefined;
  const assets = join(root, 'assets');
  const file = join(assets, normalize(relative));
  if (!file.startsWith(`${assets}${sep}`) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return fileResponse(file, true);
}

function fileResponse(file: string, immutable: boolean): Response {
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  return new Response(readFileSync(file), { status: 200, headers: { 'content-type': type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' } });
}

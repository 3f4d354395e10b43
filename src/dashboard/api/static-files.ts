/**
 * Serves the built dashboard (Vite output in dist/dashboard) with no network access at run
 * time. Unknown paths without a file extension get index.html (client-side routes); hashed
 * assets are cached for a year, index.html never.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
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

let root: string | null | undefined;

/** dist/dashboard, from src/dashboard/api (tsx) or dist/src/dashboard/api (built). */
function dashboardRoot(): string | null {
  if (root !== undefined) return root;
  root = null;
  for (const up of ['../../../dist/dashboard', '../../../dashboard']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) root = dir;
    if (root !== null) break;
  }
  return root;
}

export function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): boolean {
  const dir = dashboardRoot();
  if (dir === null) return false;
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  } catch {
    return false;
  }
  let file = join(dir, relative);
  if (!file.startsWith(dir)) return false;
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    if (extname(relative) !== '' && relative !== '/') return false;
    file = join(dir, 'index.html');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const immutable = file.includes(`${join(dir, 'assets')}`);
  res.writeHead(200, { 'content-type': type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  return true;
}

/**
 * Secrets on disk, with a real server in this process over a real data directory: what the server
 * makes is private (directory 0700; database, WAL, TLS keys and admin password 0600), an existing
 * directory open to others gets a warning, existing secret files are tightened, and the admin's
 * one-time password is in its file but never in the log.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadServeConfig } from '../src/config/config.ts';
import { createServer, defaultDeps } from '../src/main.ts';
import { linesLogger } from '../src/lib/logger.ts';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** Starts and stops a server over `dataDir`, calling `running` in between; the log's lines. */
async function serve(dataDir: string, running: () => void = () => undefined): Promise<string[]> {
  const lines: string[] = [];
  const args = ['--data-dir', dataDir, '--auth', '--grpc-port', '0', '--http-port', '0', '--scheduler-ports', '0'];
  const server = await createServer(loadServeConfig(args, {}), defaultDeps(linesLogger(lines)));
  try {
    running();
  } finally {
    await server.stop();
  }
  return lines;
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('a new data directory is 0700 and every secret in it 0600; the admin password is in its file only', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dts-modes-'));
  roots.push(root);
  const dataDir = join(root, 'nested', 'data');
  const lines = await serve(dataDir, () => assert.equal(mode(join(dataDir, 'dts.sqlite-wal')), '600', 'the WAL while it exists'));
  assert.equal(mode(dataDir), '700');
  for (const file of ['dts.sqlite', 'admin-password.txt', 'tls/server-key.pem', 'tls/ca-key.pem']) {
    assert.equal(mode(join(dataDir, file)), '600', file);
  }
  assert.equal(mode(join(dataDir, 'tls')), '700');
  const password = readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim();
  assert.ok(password.length >= 20);
  assert.ok(lines.some((line) => line.includes(join(dataDir, 'admin-password.txt'))), 'the log says where the password is');
  assert.ok(!lines.some((line) => line.includes(password)), `the password is not in the log:\n${lines.join('\n')}`);
});

test('an existing directory open to others gets a warning; existing secret files are tightened to 0600', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dts-modes-'));
  roots.push(root);
  const dataDir = join(root, 'shared');
  mkdirSync(join(dataDir, 'tls'), { recursive: true });
  chmodSync(dataDir, 0o755);
  await serve(dataDir);
  for (const file of ['dts.sqlite', 'admin-password.txt', 'tls/server-key.pem']) chmodSync(join(dataDir, file), 0o644);
  writeFileSync(join(dataDir, 'dts.sqlite-shm'), '');
  chmodSync(join(dataDir, 'dts.sqlite-shm'), 0o664);
  const lines = await serve(dataDir);
  assert.equal(mode(dataDir), '755', 'the directory is left as the operator made it');
  assert.ok(lines.some((line) => line === `the data directory ${dataDir} is open to other users (mode 0755); it holds secrets: chmod 700 ${dataDir}`), lines.join('\n'));
  for (const file of ['dts.sqlite', 'dts.sqlite-shm', 'tls/server-key.pem', 'admin-password.txt']) {
    assert.equal(mode(join(dataDir, file)), '600', file);
    assert.ok(lines.some((line) => line === `${join(dataDir, file)} was open to other users (mode 0${file.endsWith('shm') ? '664' : '644'}); it holds secrets and is now 0600`), file);
  }
});

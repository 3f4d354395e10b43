/**
 * @microsoft/durabletask-js 0.4 declares Node >= 22: the README's quick start runs its worker
 * and client under Node 22 (the `node` package from the npm registry, through npx) against the
 * server, which runs on this Node (20). Without the registry (npx fails) the test is skipped,
 * saying so. The server itself is not run on 22 here: better-sqlite3 is built for this Node.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DtsServer, repoRoot } from '../support/server-process.ts';

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 240_000 }, (error, stdout, stderr) =>
    resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })));
}

const node22 = await run('npx', ['-y', '-p', 'node@22', 'node', '-e', 'process.stdout.write(process.execPath)']);
const skip = node22.code === 0 ? false : `npx -p node@22 failed (no registry?): ${node22.stderr.split('\n')[0]}`;

let server: DtsServer | undefined;
after(() => server?.dispose());

test('the quick start runs on Node 22 (the SDK\'s declared engine) against the server', { skip, timeout: 300_000 }, async () => {
  server = await DtsServer.start();
  const result = await run(node22.stdout, [join(repoRoot, 'test', 'e2e', 'fixtures', 'quick-start.mjs')], { DTS_ADDRESS: server.grpcAddress });
  assert.equal(result.code, 0, result.stderr);
  const reply = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { node: string; status: number; output: string };
  assert.match(reply.node, /^v22\./);
  assert.equal(reply.output, '["Hello, Tokyo!","Hello, Seattle!","Hello, London!"]');
});

/**
 * Corrupt stored state stops the server loudly instead of being skipped: a history event that
 * is not valid JSON makes the dispatcher's claim fail an invariant, and the process exits with
 * the reason on stderr. Nothing is dispatched from the corrupt instance. A corrupt catalog entry
 * read by an HTTP request is answered (500, request id) before the process stops.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { proto } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader } from '../support/raw-client.ts';
import { DtsServer } from '../support/server-process.ts';
import { eventually } from '../support/wait.ts';

let server: DtsServer | undefined;
const started: DtsServer[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.dispose()));
});

async function start(): Promise<DtsServer> {
  const s = await DtsServer.start();
  started.push(s);
  return s;
}

it('a corrupt inbox event stops the server with the reason instead of being skipped', async () => {
  server = await start();
  const client = rawClient(server.grpcAddress);
  await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid('corrupt-1').setName('Orch'));
  client.close();
  await server.stop();

  const db = new Database(join(server.dataDir, 'dts.sqlite'));
  const changed = db.prepare("UPDATE inbox SET event = '{not json' WHERE instance_id = 'corrupt-1'").run().changes;
  db.close();
  assert.equal(changed, 1);

  await server.restart();
  const worker = rawClient(server.grpcAddress);
  const reader = new WorkItemReader(worker);
  try {
    await eventually('the server to exit', async () => server?.exitInfo, 15_000);
    assert.notEqual(server.exitInfo?.code, 0);
    assert.match(server.describeOutput(), /InvariantError: invariant violated: corrupt JSON in default\/corrupt-1 inbox/);
    while (reader.pending > 0) {
      const item = await reader.next();
      assert.equal(item.hasOrchestratorrequest(), false, 'the corrupt instance was not dispatched');
    }
  } finally {
    reader.close();
    worker.close();
  }
});

it('a corrupt catalog entry reached through HTTP is answered 500 with a request id, then stops the server', async () => {
  server = await start();
  const put = await fetch(`http://${server.httpAddress}/subscriptions/default/resourceGroups/corrupt-rg`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"location":"westus"}' });
  assert.equal(put.status, 201);
  await server.stop();
  const db = new Database(join(server.dataDir, 'dts.sqlite'));
  const changed = db.prepare("UPDATE catalog_entries SET data = '{not json' WHERE kind = 'resourceGroup' AND path_key = 'default/corrupt-rg'").run().changes;
  db.close();
  assert.equal(changed, 1);

  await server.restart();
  const answer = await fetch(`http://${server.httpAddress}/subscriptions/default/resourceGroups/corrupt-rg`);
  assert.equal(answer.status, 500);
  const requestId = answer.headers.get('x-ms-request-id');
  assert.match(((await answer.json()) as { error: { message: string } }).error.message, new RegExp(`request id ${requestId}`));
  await eventually('the server to exit', async () => server?.exitInfo, 15_000);
  assert.notEqual(server.exitInfo?.code, 0);
  assert.match(server.describeOutput(), /InvariantError: invariant violated: corrupt JSON in the catalog's resourceGroup/);
});

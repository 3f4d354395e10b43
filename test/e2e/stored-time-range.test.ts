/**
 * A time outside the Timestamp range stored by an older version (which did not check requests)
 * is clamped into the range when read, rather than failing every read of its instance: the
 * dashboard's query and instance routes answer 200 and GetInstance answers, all with the last
 * millisecond of 9999. (New requests with such times are refused at the edge: grpc-edge.test.ts.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { proto } from '../../src/protocol/proto/load.ts';
import { call, rawClient } from '../support/raw-client.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';

let server: DtsServer | undefined;
after(async () => server?.dispose());

it('a stored scheduled start of year 31 million reads as 9999-12-31T23:59:59.999Z everywhere', { timeout: 60_000 }, withServerOutput(() => [server], async () => {
  server = await DtsServer.start();
  let client = rawClient(server.grpcAddress);
  await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid('legacy-1').setName('Orch'));
  client.close();
  await server.stop();
  const db = new Database(join(server.dataDir, 'dts.sqlite'));
  const changed = db.prepare("UPDATE instances SET scheduled_start_at = 1e18 WHERE instance_id = 'legacy-1'").run().changes;
  db.close();
  assert.equal(changed, 1);

  await server.restart();
  const dashboard = (path: string, init: RequestInit = {}) => fetch(`http://${server!.httpAddress}/v1/taskhubs/${path}`, { ...init, headers: { 'x-taskhub': 'default', 'content-type': 'application/json' } });
  const query = await dashboard('orchestrations/query', { method: 'POST', body: JSON.stringify({ filter: {}, pagination: { count: 10 } }) });
  const page = await query.text();
  assert.equal(query.status, 200, page);
  assert.match(page, /"scheduledStartAt":"9999-12-31T23:59:59\.999Z"/);
  const one = await dashboard('orchestrations/legacy-1');
  const body = await one.text();
  assert.equal(one.status, 200, body);
  assert.match(body, /9999-12-31T23:59:59\.999Z/);
  client = rawClient(server.grpcAddress);
  try {
    const state = (await call(client.getInstance, client, new proto.GetInstanceRequest().setInstanceid('legacy-1'))).getOrchestrationstate();
    assert.equal(state?.getScheduledstarttimestamp()?.getSeconds(), 253_402_300_799);
    assert.equal(state?.getScheduledstarttimestamp()?.getNanos(), 999_000_000);
  } finally {
    client.close();
  }
}));

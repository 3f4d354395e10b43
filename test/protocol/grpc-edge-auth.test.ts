/**
 * The gRPC edge of a server with --auth, on the wire: access is checked before a request's
 * message is read (a refusal arrives before the message is even sent, and a huge or undecodable
 * message without a token is UNAUTHENTICATED, never a decoding or size error); streams refused
 * or failing end at once with their status; task hubs are made and removed only by
 * control-plane roles, and what they make is the control plane's hub.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringField } from '../../bench/driver/proto-wire.ts';
import { authRest, type AuthRest } from '../support/auth-rest.ts';
import { assertStatus, frame, RawGrpc, SIDECAR, type RawAnswer } from '../support/raw-http2.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { emptyActions, residentMb, scaledObjectRef } from '../support/wire-requests.ts';

const KEDA = '/externalscaler.ExternalScaler/';
const SCHED = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default';
const Code = { OK: 0, INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;

let server: DtsServer;
let ca: Buffer;
let raw: RawGrpc;
const tokens: Record<string, string> = {};

let rest: AuthRest['call'];

before(async () => {
  server = await DtsServer.start({ extraArgs: ['--auth'] });
  const access = authRest(server);
  ca = access.ca;
  tokens['admin'] = await access.admin();
  rest = (method, path, body, token = tokens['admin']) => access.call(method, path, body, token);
  tokens['hub-writer'] = await access.user('hub-writer', ['Durable Task Data Contributor'], `${SCHED}/taskHubs/default`);
  tokens['scheduler-writer'] = await access.user('scheduler-writer', ['Durable Task Data Contributor'], SCHED);
  tokens['scheduler-contributor'] = await access.user('scheduler-contributor', ['Contributor'], SCHED);
  raw = RawGrpc.connect(server.grpcAddress, { ca });
});

after(async () => {
  raw?.close();
  await server?.dispose();
});

function test(name: string, body: () => Promise<void>): void {
  it(name, { timeout: 120_000 }, withServerOutput(() => [server], body));
}

function as(who: string | undefined, hub = 'default'): Record<string, string> {
  return { taskhub: hub, ...(who === undefined ? {} : { authorization: `Bearer ${tokens[who]}` }) };
}

describe('access before the message', () => {
  test('a refused call is answered before its message is sent', async () => {
    const answer = await raw.call(`${SIDECAR}CompleteOrchestratorTask`, [], { keepOpen: true, timeoutMs: 5000 });
    assertStatus(answer, Code.UNAUTHENTICATED, /./, 'no token, no message yet');
  });

  test('28 MB of empty actions without a token is UNAUTHENTICATED at once, never read or decoded', async () => {
    const answer = await raw.call(`${SIDECAR}CompleteOrchestratorTask`, frame(emptyActions(14_000_000)), { timeoutMs: 10_000 });
    assertStatus(answer, Code.UNAUTHENTICATED, /./, 'the huge message');
    assert.ok(residentMb(server.pid!).peak < 400, `peak RSS ${residentMb(server.pid!).peak.toFixed(0)} MB`);
    const undecodable = await raw.call(`${SIDECAR}StartInstance`, frame(Buffer.from([0x0a, 0x7f])), { timeoutMs: 5000 });
    assertStatus(undecodable, Code.UNAUTHENTICATED, /./, 'an undecodable message');
    const worker = await raw.call(`${SIDECAR}StartInstance`, frame(Buffer.from([0x0a, 0x7f])), { headers: as('hub-writer'), timeoutMs: 5000 });
    assertStatus(worker, Code.INVALID_ARGUMENT, /field 1 declaring 127 bytes/, 'the same message with a token is checked');
  });
});

describe('streams end with their status', () => {
  test('GetWorkItems, StreamInstanceHistory and StreamIsActive refused, for an unknown hub, or undecodable', async () => {
    const empty = frame(new Uint8Array(0));
    const history = frame(stringField(1, 'x'));
    const cases: [string, Promise<RawAnswer>, number, RegExp][] = [
      ['GetWorkItems, no token', raw.call(`${SIDECAR}GetWorkItems`, empty, { headers: as(undefined) }), Code.UNAUTHENTICATED, /./],
      ['GetWorkItems, control role only', raw.call(`${SIDECAR}GetWorkItems`, empty, { headers: as('admin') }), Code.PERMISSION_DENIED, /data\.worker/],
      ['GetWorkItems, unknown hub', raw.call(`${SIDECAR}GetWorkItems`, empty, { headers: as('scheduler-writer', 'no-such-hub') }), Code.NOT_FOUND, /Task hub not found/],
      ['GetWorkItems, undecodable', raw.call(`${SIDECAR}GetWorkItems`, frame(Buffer.from([0x08])), { headers: as('hub-writer') }), Code.INVALID_ARGUMENT, /cut short/],
      ['StreamInstanceHistory, no token', raw.call(`${SIDECAR}StreamInstanceHistory`, history, { headers: as(undefined) }), Code.UNAUTHENTICATED, /./],
      ['StreamInstanceHistory, another hub', raw.call(`${SIDECAR}StreamInstanceHistory`, history, { headers: as('hub-writer', 'other') }), Code.PERMISSION_DENIED, /taskHubs\/other/],
      ['StreamInstanceHistory, unknown hub', raw.call(`${SIDECAR}StreamInstanceHistory`, history, { headers: as('scheduler-writer', 'no-such-hub') }), Code.NOT_FOUND, /Task hub not found/],
      ['StreamIsActive, with auth', raw.call(`${KEDA}StreamIsActive`, frame(scaledObjectRef({ taskhubName: 'default' })), { headers: as('scheduler-writer') }), Code.PERMISSION_DENIED, /not open to any role/],
    ];
    for (const [what, answer, code, details] of cases) assertStatus(await answer, code, details, what);
  });
});

describe('task hubs are control-plane resources', () => {
  const createHub = (who: string, hub: string) => raw.call(`${SIDECAR}CreateTaskHub`, frame(new Uint8Array(0)), { headers: as(who, hub) });
  const deleteHub = (who: string, hub: string) => raw.call(`${SIDECAR}DeleteTaskHub`, frame(new Uint8Array(0)), { headers: as(who, hub) });
  const getInstance = (who: string, hub: string) => raw.call(`${SIDECAR}GetInstance`, frame(stringField(1, 'x')), { headers: as(who, hub) });

  test('data roles can neither delete nor create a task hub over gRPC', async () => {
    assertStatus(await deleteHub('hub-writer', 'default'), Code.PERMISSION_DENIED, /control\.write/, 'DeleteTaskHub by a hub-scoped Data Contributor');
    assert.equal((await rest('GET', `${SCHED}/taskHubs/default`)).status, 200, 'the hub is still listed');
    assertStatus(await getInstance('hub-writer', 'default'), Code.OK, /OK/, 'and still works');
    assertStatus(await createHub('scheduler-writer', 'data-made'), Code.PERMISSION_DENIED, /control\.write/, 'CreateTaskHub by a scheduler-scoped Data Contributor');
    assert.equal((await rest('GET', `${SCHED}/taskHubs/data-made`)).status, 404);
    assertStatus(await getInstance('scheduler-writer', 'data-made'), Code.NOT_FOUND, /Task hub not found/, 'no hub was made');
  });

  test('a Contributor on the scheduler makes and removes hubs over gRPC, and the control plane sees them', async () => {
    assertStatus(await createHub('scheduler-contributor', 'grpc-made'), Code.OK, /OK/, 'CreateTaskHub');
    const listed = await rest('GET', `${SCHED}/taskHubs/grpc-made`);
    assert.equal(listed.status, 200, 'the control plane lists the hub');
    assert.equal(listed.body.name, 'grpc-made');
    assertStatus(await getInstance('scheduler-writer', 'grpc-made'), Code.OK, /OK/, 'the data plane serves it');
    assertStatus(await deleteHub('scheduler-contributor', 'grpc-made'), Code.OK, /OK/, 'DeleteTaskHub');
    assert.equal((await rest('GET', `${SCHED}/taskHubs/grpc-made`)).status, 404, 'the control plane no longer lists it');
    assertStatus(await getInstance('scheduler-writer', 'grpc-made'), Code.NOT_FOUND, /Task hub not found/, 'nor does the data plane serve it');
  });
});

/**
 * The gRPC transport on the wire, driven by bare node:http2 clients: deadlines, trailers-only
 * answers to early errors, `-bin` metadata, compression the server cannot or will not take, a
 * client's RST_STREAM in the middle of a call, PINGs answered, hostile header blocks, SETTINGS
 * and PING floods, and GOAWAY at shutdown. After every hostile case the server still answers Hello.
 */
import assert from 'node:assert/strict';
import { connect as connectTcp } from 'node:net';
import { constants } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { stringField } from '../../bench/driver/proto-wire.ts';
import { proto } from '../../src/protocol/proto/load.ts';
import { call, rawClient, WorkItemReader, type RawSidecarClient } from '../support/raw-client.ts';
import { answerOf, assertStatus, frame, RawGrpc, SIDECAR, type RawAnswer } from '../support/raw-http2.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { eventually, uniqueId } from '../support/wait.ts';

const Code = { OK: 0, CANCELLED: 1, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;

let server: DtsServer;
let raw: RawGrpc;
let client: RawSidecarClient;

before(async () => {
  server = await DtsServer.start();
  raw = RawGrpc.connect(server.grpcAddress);
  client = rawClient(server.grpcAddress);
});

after(async () => {
  raw?.close();
  client?.close();
  await server?.dispose();
});

function test(name: string, body: () => Promise<void>): void {
  it(name, { timeout: 120_000 }, withServerOutput(() => [server], body));
}

async function assertHello(what: string): Promise<void> {
  const fresh = RawGrpc.connect(server.grpcAddress);
  try {
    assertStatus(await fresh.call(`${SIDECAR}Hello`, frame(new Uint8Array(0))), Code.OK, /OK/, `Hello after ${what}`);
  } finally {
    fresh.close();
  }
}

async function startInstance(): Promise<string> {
  const id = uniqueId('h2');
  await call(client.startInstance, client, new proto.CreateInstanceRequest().setInstanceid(id).setName('Orch'));
  return id;
}

/** The count of `dts_grpc_requests_total` for a method and status code. */
async function callsEnded(method: string, code: string): Promise<number> {
  const text = await (await fetch(`http://${server.httpAddress}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('dts_grpc_requests_total{') && l.includes(`method="${SIDECAR}${method}"`) && l.includes(`code="${code}"`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('deadlines and statuses', () => {
  test('a call past its grpc-timeout ends DEADLINE_EXCEEDED; a malformed grpc-timeout is INVALID_ARGUMENT', async () => {
    const id = await startInstance();
    const wait = await raw.call(`${SIDECAR}WaitForInstanceCompletion`, frame(stringField(1, id)), { headers: { 'grpc-timeout': '300m' } });
    assertStatus(wait, Code.DEADLINE_EXCEEDED, /deadline of 300 ms passed/, 'a wait that outlives its deadline');
    const bad = await raw.call(`${SIDECAR}Hello`, frame(new Uint8Array(0)), { headers: { 'grpc-timeout': '5 seconds' } });
    assertStatus(bad, 3, /grpc-timeout '5 seconds' is not 1-8 digits and a unit/, 'a malformed timeout');
  });

  test('an early error is a trailers-only response: the status in the only HEADERS frame, no message', async () => {
    const stream = raw.open(`${SIDECAR}GetInstance`, frame(stringField(1, 'x')), { headers: { taskhub: 'no-such-hub' } });
    let trailers = false;
    stream.on('trailers', () => { trailers = true; });
    const headers = new Promise<Record<string, unknown>>((resolve) => stream.once('response', (h) => resolve(h)));
    const answer = await answerOf(stream, 10_000);
    const first = await headers;
    assertStatus(answer, Code.NOT_FOUND, /Task hub not found: 'no-such-hub'/, 'unknown hub');
    assert.equal(first[':status'], 200);
    assert.match(String(first['content-type']), /^application\/grpc/);
    assert.equal(first['grpc-status'], String(Code.NOT_FOUND), 'the status is in the response headers');
    assert.equal(first['x-error-code'], 'TASK_HUB_NOT_FOUND', 'with the error code as metadata');
    assert.equal(trailers, false, 'no separate trailers');
    assert.deepEqual(answer.messages, []);
  });

  test('grpc-message is percent-encoded: a non-ASCII hub name comes back whole', async () => {
    const answer = await raw.call(`${SIDECAR}GetInstance`, frame(stringField(1, 'x')), { headers: { taskhub: 'h%C3%BCb 100%' } });
    assert.equal(answer.code, Code.NOT_FOUND);
    assert.match(answer.details ?? '', /'h%C3%BCb 100%'/, 'the percent signs of the name survive the encoding');
  });

  test('a call to a method this server lacks is UNIMPLEMENTED; a request that is not a gRPC POST gets HTTP 415', async () => {
    assertStatus(await raw.call('/TaskHubSidecarService/NoSuchMethod', frame(new Uint8Array(0))), Code.UNIMPLEMENTED, /NoSuchMethod is not a method of this server/, 'unknown method');
    const stream = raw.session.request({ ':method': 'POST', ':path': `${SIDECAR}Hello`, 'content-type': 'application/json' });
    stream.end('{}');
    assert.equal((await answerOf(stream, 10_000)).httpStatus, 415);
  });
});

describe('metadata and compression', () => {
  test('-bin metadata (base64) and repeated text metadata are taken; the call is answered', async () => {
    const headers = { 'x-trace-bin': Buffer.from([0, 1, 2, 255]).toString('base64'), 'x-note': 'plain text' };
    assertStatus(await raw.call(`${SIDECAR}Hello`, frame(new Uint8Array(0)), { headers }), Code.OK, /OK/, '-bin metadata');
  });

  test('a grpc-encoding the server lacks is UNIMPLEMENTED; a gzip message that is no gzip is INTERNAL; a gzip bomb is RESOURCE_EXHAUSTED', async () => {
    const snappy = await raw.call(`${SIDECAR}Hello`, frame(new Uint8Array(0), 1), { headers: { 'grpc-encoding': 'snappy' } });
    assertStatus(snappy, Code.UNIMPLEMENTED, /grpc-encoding 'snappy' is not supported; this server takes identity, gzip and deflate/, 'snappy');
    const broken = await raw.call(`${SIDECAR}Hello`, frame(Buffer.from('not gzip at all'), 1), { headers: { 'grpc-encoding': 'gzip' } });
    assertStatus(broken, Code.INTERNAL, /Hello request message is not valid gzip data/, 'broken gzip');
    // 300 KB of a GetInstance request, inflated from under 1 KB: more than its 280 KiB maximum.
    const bomb = gzipSync(Buffer.concat([stringField(1, 'x'.repeat(300_000))]));
    const answer = await raw.call(`${SIDECAR}GetInstance`, frame(bomb, 1), { headers: { 'grpc-encoding': 'gzip' } });
    assertStatus(answer, Code.RESOURCE_EXHAUSTED, /GetInstance request message inflates to more than 286720 bytes/, 'gzip bomb');
    await assertHello('compression refusals');
  });
});

describe('cancellation', () => {
  test('a client RST_STREAM ends the call on the server: a wait is counted CANCELLED, a work-item stream gives its work back', async () => {
    const id = await startInstance();
    const before = await callsEnded('WaitForInstanceCompletion', 'CANCELLED');
    const wait = raw.open(`${SIDECAR}WaitForInstanceCompletion`, frame(stringField(1, id)));
    wait.on('response', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    wait.close(constants.NGHTTP2_CANCEL);
    await eventually('the cancelled wait to be counted', async () => ((await callsEnded('WaitForInstanceCompletion', 'CANCELLED')) > before ? true : undefined));

    // A stream that takes the orchestration's work item and is reset: the item goes to the next stream.
    const stream = raw.open(`${SIDECAR}GetWorkItems`, frame(new Uint8Array(0)));
    const taken = await new Promise<boolean>((resolve) => {
      stream.on('data', (chunk: Buffer) => { if (chunk.includes(Buffer.from(id))) resolve(true); });
      setTimeout(() => resolve(false), 10_000);
    });
    assert.ok(taken, 'the reset stream got the work item first');
    stream.close(constants.NGHTTP2_CANCEL);
    const reader = new WorkItemReader(client);
    try {
      const again = await reader.nextFor(id, 20_000);
      assert.equal(again.getOrchestratorrequest()?.getInstanceid(), id);
    } finally {
      reader.close();
    }
  });
});

describe('keepalive', () => {
  test('the server answers a client\'s HTTP/2 PING, with a call open and without', async () => {
    const ping = (session: RawGrpc) => new Promise<Buffer>((resolve, reject) => {
      session.session.ping(Buffer.from('dts-ping'), (error, _ms, payload) => (error ? reject(error) : resolve(payload)));
    });
    const session = RawGrpc.connect(server.grpcAddress);
    await new Promise((resolve) => session.session.once('connect', resolve));
    try {
      assert.equal((await ping(session)).toString(), 'dts-ping', 'idle connection');
      const stream = session.open(`${SIDECAR}GetWorkItems`, frame(new Uint8Array(0)));
      assert.equal((await ping(session)).toString(), 'dts-ping', 'with a work-item stream open');
      stream.close(constants.NGHTTP2_CANCEL);
    } finally {
      session.close();
    }
  });
});

describe('hostile clients', () => {
  test('the server advertises its bounds on streams and header size', async () => {
    const session = RawGrpc.connect(server.grpcAddress);
    try {
      const settings = await new Promise<Record<string, unknown>>((resolve) => session.session.once('remoteSettings', (s) => resolve(s as Record<string, unknown>)));
      assert.equal(settings.maxConcurrentStreams, 10_000);
      assert.equal(settings.maxHeaderListSize, 64 * 1024);
    } finally {
      session.close();
    }
  });

  test('a header block of 200 fields or of 100 KB is reset without a call; the server stays up', async () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-field-${i}`, 'v']));
    const wide = RawGrpc.connect(server.grpcAddress);
    try {
      const pairs = wide.open(`${SIDECAR}Hello`, frame(new Uint8Array(0)), { headers: many });
      const answer = await answerOf(pairs, 5000);
      assert.equal(answer.code, undefined, 'no call is answered for 200 header fields');
      assert.equal(pairs.rstCode, constants.NGHTTP2_ENHANCE_YOUR_CALM);
      const large = wide.open(`${SIDECAR}Hello`, frame(new Uint8Array(0)), { headers: { 'x-large': 'x'.repeat(100_000) } });
      assert.equal((await answerOf(large, 5000)).code, undefined, 'no call is answered for a 100 KB header block');
      assert.equal(large.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    } finally {
      wide.close();
    }
    await assertHello('oversized header blocks');
  });

  test('a flood of SETTINGS and PING frames from a client that reads no ACK leaves the server answering others', async () => {
    const [host, port] = server.grpcAddress.split(':') as [string, string];
    const socket = connectTcp(Number(port), host);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const settingsFrame = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const pingFrame = Buffer.concat([Buffer.from([0, 0, 8, 6, 0, 0, 0, 0, 0]), Buffer.alloc(8)]);
    const flood = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), ...Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? settingsFrame : pingFrame))]);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', () => undefined); // never acknowledged in time: the ACKs pile up on the server
    socket.write(flood);
    socket.pause();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
    socket.destroy();
    await assertHello('a SETTINGS and PING flood');
  });
});

describe('shutdown', () => {
  test('SIGTERM sends GOAWAY and ends an open work-item stream with OK', async () => {
    const own = await DtsServer.start();
    const session = RawGrpc.connect(own.grpcAddress);
    try {
      const goaway = new Promise<boolean>((resolve) => session.session.once('goaway', () => resolve(true)));
      const stream = session.open(`${SIDECAR}GetWorkItems`, frame(new Uint8Array(0)));
      const answer = answerOf(stream, 20_000);
      await eventually('the stream to open', async () => (own.describeOutput().includes('worker stream opened') ? true : undefined));
      const stopped = own.stop();
      assertStatus(await answer, Code.OK, /OK/, 'the work-item stream at shutdown');
      assert.equal(await goaway, true);
      assert.equal((await stopped).forced, false, 'the server exits by itself');
    } finally {
      session.close();
      await own.dispose();
    }
  });
});

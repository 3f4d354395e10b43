/**
 * The edge app in this process on a real listener: an exception in a handler, async or not, or
 * in middleware, is a 500 with a request id in the header and the body, logged with its cause,
 * and the server keeps answering; errors take their family's shape; an unknown path is a 404
 * and a known one asked with another method a 405 naming the methods it takes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ServerError } from '../../src/domain/errors.ts';
import { rawRequest, type Target } from '../support/raw-http.ts';
import { createEdgeApp } from '../../src/http/edge-app.ts';
import { openHttpListener, type HttpListener } from '../../src/http/http-listener.ts';
import { jsonReply, mountRoutes } from '../../src/http/routes.ts';
import { recordingLogger } from '../../src/lib/logger.ts';

const recorded = recordingLogger();
const logged = recorded.lines;
let listener: HttpListener;
let target: Target;

before(async () => {
  const log = recorded;
  listener = await openHttpListener({ host: '127.0.0.1', port: 0, log });
  target = { host: '127.0.0.1', port: listener.port };
  assert.equal((await rawRequest(target, 'GET', '/healthz')).status, 503, 'answers while starting');
  const app = createEdgeApp({ log, version: '0.0.0-test' });
  app.use('/v1/mw', () => {
    throw new RangeError('secret middleware detail');
  });
  mountRoutes(app, [
    { method: 'GET', path: '/boom', handle: () => { throw new TypeError('secret detail'); } },
    { method: 'GET', path: '/v1/boom', handle: async () => { await Promise.resolve(); throw new Error('secret async detail'); } },
    { method: 'GET', path: '/v1/mw', handle: () => jsonReply(200, {}) },
    { method: 'PUT', path: '/things/:name', handle: (_c, params) => jsonReply(200, params) },
    { method: 'DELETE', path: '/things/:name', handle: () => { throw new ServerError('RESOURCE_NOT_FOUND', 'no such thing'); } },
  ], () => {});
  listener.serve(app);
});
after(() => listener.close());

test('an unexpected exception is a 500 with a request id (header and body), logged, and nothing leaks', async () => {
  for (const [path, family] of [['/boom', 'arm'], ['/v1/boom', 'problem'], ['/v1/mw', 'problem']] as const) {
    const before = logged.length;
    const answer = await rawRequest(target, 'GET', path);
    assert.equal(answer.status, 500, path);
    const id = answer.headers['x-ms-request-id'];
    assert.match(id ?? '', /^req-/);
    assert.doesNotMatch(answer.body, /secret/);
    const body = JSON.parse(answer.body);
    if (family === 'arm') assert.match(body.error.message, new RegExp(`request id ${id}`));
    else assert.equal(body.requestId, id);
    assert.equal(logged.length, before + 1);
    assert.match(logged[logged.length - 1]!.message, new RegExp(id as string));
    assert.match(String(logged[logged.length - 1]!.fields['err']), /secret/, 'the log has the cause');
  }
  assert.equal((await rawRequest(target, 'GET', '/healthz')).status, 200);
});

test('errors of a route keep their status; unknown paths are 404, other methods 405 with Allow', async () => {
  const missing = await rawRequest(target, 'DELETE', '/things/a');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { error: { code: 'ResourceNotFound', message: 'no such thing' } });
  assert.equal((await rawRequest(target, 'GET', '/nothing-here')).status, 404);
  const wrong = await rawRequest(target, 'POST', '/THINGS/a');
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers['allow'], 'PUT, DELETE');
  assert.equal((await rawRequest(target, 'PUT', '/Things/Mixed-Case')).body, '{"name":"Mixed-Case"}', 'literals route case-insensitively; parameters keep their case');
});

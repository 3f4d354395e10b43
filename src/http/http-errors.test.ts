import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ERROR_CODES, ServerError, type ErrorCode } from '../domain/errors.ts';
import { armCodeOf, errorReply, ERROR_MESSAGE_LENGTH_MAX, httpStatusOf } from './http-errors.ts';
import { errorsLogger, silentLogger } from '../lib/logger.ts';

interface ArmBody {
  error: { message: string };
}

it('maps every catalogued code to an HTTP status other than 500, except INTERNAL itself', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.equal(httpStatusOf(code) === 500, code === 'INTERNAL', code);
  }
  assert.equal(httpStatusOf('RESOURCE_NOT_FOUND'), 404);
  assert.equal(httpStatusOf('CANNOT_DELETE_RESOURCE'), 409);
  assert.equal(httpStatusOf('PRECONDITION_FAILED'), 412);
  assert.equal(httpStatusOf('INVALID_ARGUMENT'), 400);
  assert.equal(httpStatusOf('UNSUPPORTED_MEDIA_TYPE'), 415);
  assert.equal(httpStatusOf('ORIGIN_NOT_ALLOWED'), 403);
});

it('names codes the ARM way', () => {
  assert.equal(armCodeOf('CANNOT_DELETE_RESOURCE'), 'CannotDeleteResource');
  assert.equal(armCodeOf('RESOURCE_NOT_FOUND'), 'ResourceNotFound');
});

it('hides unexpected errors behind a request id, in the header and the body of both families', () => {
  const logged: unknown[] = [];
  const arm = errorReply('arm', new Error('secret stack detail'), errorsLogger(logged));
  assert.equal(arm.status, 500);
  assert.match((arm.body as ArmBody).error.message, /^internal server error \(request id req-/);
  assert.match((arm.body as ArmBody).error.message, new RegExp(arm.headers['x-ms-request-id'] as string));
  assert.doesNotMatch(JSON.stringify(arm.body), /secret/);
  const problem = errorReply('problem', new TypeError('secret'), errorsLogger(logged));
  assert.equal((problem.body as { requestId: string }).requestId, problem.headers['x-ms-request-id']);
  assert.match(problem.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(logged.length, 2);
  const known = errorReply('arm', new ServerError('CANNOT_DELETE_RESOURCE', 'has hubs'), silentLogger);
  assert.deepEqual(known.body, { error: { code: 'CannotDeleteResource', message: 'has hubs' } });
  assert.equal(known.status, 409);
});

it('adds Allow to a 405 and a Bearer challenge to a 401; a long message is cut', () => {
  const notAllowed = errorReply('arm', new ServerError('METHOD_NOT_ALLOWED', 'no', { details: { allow: 'GET, HEAD' } }), silentLogger);
  assert.equal(notAllowed.headers['allow'], 'GET, HEAD');
  assert.equal(errorReply('problem', new ServerError('UNAUTHENTICATED', 'who?'), silentLogger).headers['www-authenticate'], 'Bearer');
  const long = errorReply('arm', new ServerError('INVALID_ARGUMENT', 'x'.repeat(1_000_000)), silentLogger);
  assert.ok((long.body as ArmBody).error.message.length <= ERROR_MESSAGE_LENGTH_MAX + 1);
});

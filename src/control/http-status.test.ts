import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ERROR_CODES, ServerError, type ErrorCode } from '../domain/errors.ts';
import { armCodeOf, httpStatusOf, toHttpError } from './http-status.ts';

it('maps every catalogued code to an HTTP status other than 500, except INTERNAL itself', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.equal(httpStatusOf(code) === 500, code === 'INTERNAL', code);
  }
  assert.equal(httpStatusOf('RESOURCE_NOT_FOUND'), 404);
  assert.equal(httpStatusOf('CANNOT_DELETE_RESOURCE'), 409);
  assert.equal(httpStatusOf('PRECONDITION_FAILED'), 412);
  assert.equal(httpStatusOf('INVALID_ARGUMENT'), 400);
});

it('names codes the ARM way', () => {
  assert.equal(armCodeOf('CANNOT_DELETE_RESOURCE'), 'CannotDeleteResource');
  assert.equal(armCodeOf('RESOURCE_NOT_FOUND'), 'ResourceNotFound');
});

it('hides unexpected errors behind a request id', () => {
  const logged: unknown[] = [];
  const e = toHttpError(new Error('secret stack detail'), (_m, err) => logged.push(err));
  assert.equal(e.status, 500);
  assert.match(e.body.error.message, /^internal server error \(request id req-/);
  assert.doesNotMatch(JSON.stringify(e.body), /secret/);
  assert.equal(logged.length, 1);
  const known = toHttpError(new ServerError('CANNOT_DELETE_RESOURCE', 'has hubs'), () => {});
  assert.deepEqual(known, { status: 409, body: { error: { code: 'CannotDeleteResource', message: 'has hubs' } } });
});

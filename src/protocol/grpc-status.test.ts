import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { it } from 'node:test';
import { ERROR_CODES, ServerError, type ErrorCode } from '../domain/errors.ts';
import { grpcStatusOf, toServiceError } from './grpc-status.ts';
import { errorsLogger, silentLogger } from '../lib/logger.ts';

it('maps every catalogued code to a gRPC status other than INTERNAL, except INTERNAL itself and broken framing', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const mapped = grpcStatusOf(code);
    // The gRPC spec answers an ill-constructed frame INTERNAL (compression.md): the one deliberate exception.
    assert.equal(mapped === status.INTERNAL, code === 'INTERNAL' || code === 'MALFORMED_FRAME', code);
  }
  assert.equal(grpcStatusOf('INSTANCE_ALREADY_EXISTS'), status.ALREADY_EXISTS);
  assert.equal(grpcStatusOf('PAYLOAD_TOO_LARGE'), status.RESOURCE_EXHAUSTED);
  assert.equal(grpcStatusOf('TASK_HUB_NOT_FOUND'), status.NOT_FOUND);
});

it('hides unexpected errors behind a request id', () => {
  const logged: unknown[] = [];
  const e = toServiceError(new Error('secret stack detail'), errorsLogger(logged));
  assert.equal(e.code, status.INTERNAL);
  assert.match(e.details, /^internal server error \(request id req-/);
  assert.doesNotMatch(e.details, /secret/);
  assert.equal(logged.length, 1);
});

it('passes a server error message through with its code', () => {
  const e = toServiceError(new ServerError('INVALID_ARGUMENT', 'instanceId must not be empty'), silentLogger);
  assert.equal(e.code, status.INVALID_ARGUMENT);
  assert.equal(e.details, 'instanceId must not be empty');
  assert.equal(e.metadata['x-error-code'], 'INVALID_ARGUMENT');
});

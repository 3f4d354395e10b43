/**
 * Lazy request decoding for grpc-js. grpc-js decodes a request in the method's
 * `requestDeserialize`, before any handler or check runs; here that hands on the raw bytes, and
 * each handler is wrapped to check them first (wire/rpc-requests.ts: size and bounds) and decode
 * them only then. A refusal answers the call with its precise status: a unary call through its
 * callback, a stream at once by its 'error' event.
 */
import type { Metadata, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { ServerError } from '../domain/errors.ts';
import type { Log } from './call-context.ts';
import { failCall } from './grpc-status.ts';
import { noteRequest } from './rpc-observer.ts';
import type { RequestCheck } from './wire/rpc-requests.ts';

interface LazyCall {
  request: unknown;
  metadata: Metadata;
}

type Handler = (call: LazyCall, callback?: (error: unknown) => void) => void;

export interface LazyService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export function decodeLazily(definition: ServiceDefinition, implementation: UntypedServiceImplementation, check: RequestCheck, log: Log): LazyService {
  const rawDefinition: Record<string, unknown> = {};
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    rawDefinition[name] = { ...method, requestDeserialize: (bytes: Buffer) => bytes };
    const handler = implementation[name] as Handler | undefined;
    if (handler === undefined) continue;
    const decode = method.requestDeserialize;
    wrapped[name] = ((call: LazyCall, callback?: (error: unknown) => void) => {
      try {
        call.request = decodeChecked(check, method.path, call.request as Buffer, decode);
        noteRequest(call.metadata, call.request);
      } catch (error) {
        failCall(call, callback, error, log);
        return;
      }
      handler(call, callback);
    }) as UntypedServiceImplementation[string];
  }
  return { definition: rawDefinition as ServiceDefinition, implementation: wrapped };
}

function decodeChecked(check: RequestCheck, path: string, bytes: Buffer, decode: (bytes: Buffer) => unknown): unknown {
  const refusal = check.check(path, bytes);
  if (refusal !== undefined) throw refusal;
  try {
    return decode(bytes);
  } catch (cause) {
    throw new ServerError('INVALID_ARGUMENT', `the ${path} request could not be decoded as a protocol message`, { cause });
  }
}

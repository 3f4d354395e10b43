/**
 * Routes each gRPC call to its handler, with the checks in their fixed order: the framing of the
 * request stream as its bytes arrive (wire/message-frames.ts, in request-message.ts), the access
 * check on its metadata as the call opens (call-guard.ts), then, once both have passed, the
 * size and bounds check of the whole message (wire/rpc-requests.ts), its decoding, and the
 * handler. Any refusal ends the call with its precise status, and nothing later runs.
 */
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { ServerError } from '../domain/errors.ts';
import { checkAccess, type CallGuard } from './call-guard.ts';
import { GrpcCode } from './grpc-status.ts';
import type { RpcHandler } from './rpc-call.ts';
import { instanceIdOf } from './rpc-observer.ts';
import type { RpcMethodDefinition, RpcServiceDefinition } from './service-definition.ts';
import { GrpcCall, type CallSite } from './transport/grpc-call.ts';
import { timeoutMs } from './transport/grpc-headers.ts';
import { readRequestMessage, requestEncoding, type RequestEncoding } from './transport/request-message.ts';
import type { FrameRules } from './wire/message-frames.ts';
import type { RequestCheck } from './wire/rpc-requests.ts';

interface Route {
  definition: RpcMethodDefinition;
  handler: RpcHandler | undefined;
  rules: FrameRules;
  /** Sidecar and KEDA requests have bounds (rpc-requests.ts); health probes only their frame rules. */
  bounded: boolean;
}

/** The largest request of a method without its own rules (the health service's). */
const UNLISTED_REQUEST_BYTES_MAX = 64 * 1024;

export class GrpcDispatch {
  readonly #routes = new Map<string, Route>();
  readonly #check: RequestCheck;
  readonly #guard: CallGuard | undefined;
  readonly #site: CallSite;
  /** For calls to paths this server does not serve: untold, so a client's made-up paths never become metric labels. */
  readonly #unlisted: CallSite;

  constructor(check: RequestCheck, guard: CallGuard | undefined, site: CallSite) {
    this.#check = check;
    this.#guard = guard;
    this.#site = site;
    this.#unlisted = { ...site, observer: { onCallEnd: () => undefined } };
  }

  /** Serves `definition`'s methods with `handlers` (by the definition's keys); a method without one answers UNIMPLEMENTED. */
  add(definition: RpcServiceDefinition, handlers: Readonly<Record<string, RpcHandler>>): void {
    for (const [name, method] of Object.entries(definition)) {
      const rules = this.#check.frameRules(method.path);
      this.#routes.set(method.path, {
        definition: method,
        handler: handlers[name],
        rules: rules ?? { method: method.path, messageBytesMax: UNLISTED_REQUEST_BYTES_MAX, messagesMax: 1 },
        bounded: rules !== undefined,
      });
    }
  }

  /** A new HTTP/2 stream: a gRPC call, or a refusal. */
  open(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, peer: string): void {
    const contentType = headers['content-type'];
    if (headers[':method'] !== 'POST' || typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      stream.on('error', () => undefined);
      stream.respond({ ':status': 415, 'grpc-status': String(GrpcCode.INTERNAL), 'grpc-message': 'a gRPC call is a POST of content-type application/grpc' }, { endStream: true });
      return;
    }
    const route = this.#routes.get(String(headers[':path']));
    const call = new GrpcCall(stream, headers, peer, route === undefined ? this.#unlisted : this.#site);
    const encoding = requestEncoding(headers['grpc-encoding']);
    const unimplemented = unservable(call.method, route, encoding, headers['grpc-encoding']);
    if (route === undefined || encoding === null || unimplemented !== undefined) {
      stream.resume();
      call.sendStatus({ code: GrpcCode.UNIMPLEMENTED, details: unimplemented ?? '', metadata: {} });
      return;
    }
    call.encode = route.definition.responseSerialize;
    try {
      const ms = timeoutMs(headers['grpc-timeout']);
      if (ms !== undefined) call.setDeadline(ms);
    } catch (error) {
      stream.resume();
      call.fail(error);
      return;
    }
    this.#admit(call, stream, route, encoding);
  }

  /** Reads the message and checks access side by side; runs the call once both have passed. */
  #admit(call: GrpcCall, stream: ServerHttp2Stream, route: Route, encoding: RequestEncoding): void {
    let allowed = this.#guard === undefined;
    let message: Buffer | undefined;
    const proceed = () => {
      if (allowed && message !== undefined && !call.ended) this.#run(call, route, message);
    };
    if (this.#guard !== undefined) {
      checkAccess(this.#guard, call.method, call.metadata, call.peer).then(
        () => {
          allowed = true;
          proceed();
        },
        (error: unknown) => call.fail(error),
      );
    }
    readRequestMessage(stream, route.rules, encoding, (error, bytes) => {
      if (error !== undefined) return call.fail(error);
      message = bytes;
      proceed();
    });
  }

  #run(call: GrpcCall, route: Route, message: Buffer): void {
    const refusal = route.bounded ? this.#check.check(call.method, message) : undefined;
    if (refusal !== undefined) return call.fail(refusal);
    try {
      call.request = route.definition.requestDeserialize(message);
    } catch (cause) {
      return call.fail(new ServerError('INVALID_ARGUMENT', `the ${call.method} request could not be decoded as a protocol message`, { cause }));
    }
    call.instanceId = instanceIdOf(call.request);
    const handler = route.handler as RpcHandler;
    if ('unary' in handler) {
      handler.unary(call as never).then((response) => call.respond(response)).catch((error: unknown) => call.fail(error));
      return;
    }
    try {
      handler.stream(call as never);
    } catch (error) {
      call.fail(error);
    }
  }
}

/** Why a call cannot be served at all (UNIMPLEMENTED), if it cannot. */
function unservable(path: string, route: Route | undefined, encoding: RequestEncoding | null, declared: unknown): string | undefined {
  if (route === undefined) return `${path.slice(0, 256)} is not a method of this server`;
  if (route.handler === undefined) return `${path.split('/').pop()} is not implemented by this server version`;
  if (encoding === null) return `grpc-encoding '${String(declared).slice(0, 64)}' is not supported; this server takes identity, gzip and deflate`;
  return undefined;
}

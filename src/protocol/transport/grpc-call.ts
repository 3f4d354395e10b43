/**
 * One gRPC call on one HTTP/2 stream, server side: response headers once, framed messages,
 * and exactly one status: in trailers after the messages, or as a trailers-only response when
 * the call fails before any message. The call ends once, whichever comes first: its status, the
 * client's RST_STREAM (or the connection's loss), or its `grpc-timeout`; that one spot tells the
 * observer (rpc-observer.ts) and the handler's `onEnd` listeners.
 */
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Logger } from '../../lib/logger.ts';
import { GrpcCode, grpcCodeName, toServiceError, type GrpcStatus } from '../grpc-status.ts';
import type { CallMetadata, StreamCall } from '../rpc-call.ts';
import type { RpcObserver } from '../rpc-observer.ts';
import { PREFIX_BYTES } from '../wire/message-frames.ts';
import { encodeGrpcMessage, metadataOf } from './grpc-headers.ts';

/** What every call of a listener shares. */
export interface CallSite {
  log: Logger;
  observer: RpcObserver;
  now: () => number;
}

const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': 'identity,deflate,gzip' };
/** A larger message is written after its own prefix instead of being copied behind it. */
const COPY_BYTES_MAX = 16 * 1024;
/** grpc-js and the other gRPC servers say 'OK' with the OK status. */
const OK_STATUS: GrpcStatus = { code: GrpcCode.OK, details: 'OK', metadata: {} };
/**
 * What most calls end with, built once: node:http2 copies the headers and options it is given,
 * so one object serves every call.
 */
const OK_TRAILERS = trailersOf(OK_STATUS);
const CANCELLED_STATUS: GrpcStatus = { code: GrpcCode.CANCELLED, details: 'the client cancelled the call', metadata: {} };
const WAIT_FOR_TRAILERS = { waitForTrailers: true };
const END_STREAM = { endStream: true };
const ignore = (): undefined => undefined;
/** A `wantTrailers` listener, called with the stream as `this`. */
function sendOkTrailers(this: ServerHttp2Stream): void {
  this.sendTrailers(OK_TRAILERS);
}
/** setTimeout's largest delay; a longer deadline is as good as none. */
const TIMER_MS_MAX = 2 ** 31 - 1;

export class GrpcCall implements StreamCall<unknown, unknown> {
  readonly method: string;
  readonly metadata: CallMetadata;
  readonly peer: string;
  request: unknown = undefined;
  /** Told to the observer: the instance the decoded request names, if any. */
  instanceId: string | undefined;
  /** Serializes a response message (the method's; bytes as they are until the method is known). */
  encode: (response: unknown) => Uint8Array = asBytes;
  readonly #stream: ServerHttp2Stream;
  readonly #site: CallSite;
  readonly #started: number;
  #headersSent = false;
  #ended = false;
  #listeners: (() => void)[] | undefined;
  #deadline: NodeJS.Timeout | undefined;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, peer: string, site: CallSite) {
    this.method = String(headers[':path']);
    this.metadata = metadataOf(headers);
    this.peer = peer;
    this.#stream = stream;
    this.#site = site;
    this.#started = site.now();
    stream.on('error', ignore);
    stream.on('close', () => this.#finish(CANCELLED_STATUS));
  }

  get ended(): boolean {
    return this.#ended;
  }

  onEnd(listener: () => void): void {
    if (this.#ended) listener();
    else (this.#listeners ??= []).push(listener);
  }

  /** Ends the call DEADLINE_EXCEEDED after `ms`, unless it has ended by then. */
  setDeadline(ms: number): void {
    if (ms > TIMER_MS_MAX || this.#ended) return;
    this.#deadline = setTimeout(() => this.sendStatus({ code: GrpcCode.DEADLINE_EXCEEDED, details: `the call's deadline of ${ms} ms passed`, metadata: {} }), ms);
  }

  write(message: unknown, onTaken?: () => void): void {
    if (this.#ended) {
      onTaken?.();
      return;
    }
    const bytes = this.encode(message);
    this.#sendHeaders();
    writeMessage(this.#stream, bytes, onTaken, false);
  }

  end(): void {
    this.sendStatus(OK_STATUS);
  }

  fail(error: unknown): void {
    if (!this.#ended) this.sendStatus(toServiceError(error, this.#site.log));
  }

  /** Answers a unary call: its response, then OK. */
  respond(response: unknown): void {
    if (!this.#ended) this.sendStatus(OK_STATUS, this.encode(response));
  }

  /** Ends the call with `status`, after `message` if given. Later statuses are ignored. */
  sendStatus(status: GrpcStatus, message?: Uint8Array): void {
    if (!this.#finish(status)) return;
    const stream = this.#stream;
    if (stream.destroyed || stream.closed) return;
    const trailers = status === OK_STATUS ? OK_TRAILERS : trailersOf(status);
    if (!this.#headersSent && message === undefined) {
      this.#headersSent = true;
      stream.respond({ ...RESPONSE_HEADERS, ...trailers }, END_STREAM);
      return;
    }
    this.#sendHeaders();
    if (trailers === OK_TRAILERS) stream.once('wantTrailers', sendOkTrailers);
    else stream.once('wantTrailers', () => stream.sendTrailers(trailers));
    if (message === undefined) stream.end();
    else writeMessage(stream, message, undefined, true);
  }

  #sendHeaders(): void {
    if (this.#headersSent) return;
    this.#headersSent = true;
    this.#stream.respond(RESPONSE_HEADERS, WAIT_FOR_TRAILERS);
  }

  /** The one spot where a call ends; false when it had already. */
  #finish(status: GrpcStatus): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#site.observer.onCallEnd({
      method: this.method,
      hub: this.metadata.get('taskhub'),
      instanceId: this.instanceId,
      code: grpcCodeName(status.code),
      durationMs: this.#site.now() - this.#started,
      requestId: status.metadata['x-request-id'],
    });
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
    return true;
  }
}

function trailersOf(status: GrpcStatus): Record<string, string> {
  return { ...status.metadata, 'grpc-status': String(status.code), 'grpc-message': encodeGrpcMessage(status.details) };
}

function asBytes(response: unknown): Uint8Array {
  if (response instanceof Uint8Array) return response;
  throw new TypeError('a response of a call whose method is unknown must be bytes');
}

function writeMessage(stream: ServerHttp2Stream, message: Uint8Array, onTaken: (() => void) | undefined, last: boolean): void {
  const copy = message.length <= COPY_BYTES_MAX;
  const prefix = Buffer.allocUnsafe(PREFIX_BYTES + (copy ? message.length : 0));
  prefix[0] = 0;
  prefix.writeUInt32BE(message.length, 1);
  let rest: Uint8Array = prefix;
  if (copy) prefix.set(message, PREFIX_BYTES);
  else {
    stream.write(prefix);
    rest = message;
  }
  if (last) stream.end(rest, onTaken);
  else stream.write(rest, onTaken);
}

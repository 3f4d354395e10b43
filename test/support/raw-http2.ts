/**
 * A bare gRPC client over node:http2, for tests that must put exact bytes on the wire (broken
 * frames, compression flags, hostile messages) or misbehave as a transport (a stream it never
 * reads). Every call resolves with what the server answered: the gRPC status from the trailers
 * (or a trailers-only response), the response messages, or how the stream ended without any
 * status. It never throws for what the server does, so a test can assert on it.
 */
import assert from 'node:assert/strict';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';
import { grpcFrame, grpcMessageSplitter } from '../../bench/driver/proto-wire.ts';

export interface RawAnswer {
  /** `grpc-status`; undefined when the stream ended without one. */
  code?: number;
  details?: string;
  httpStatus?: number;
  /** Response messages (their gRPC prefixes removed). */
  messages: Buffer[];
  /** How the stream ended without a status: reset, error or no answer before the deadline. */
  ended?: 'reset' | 'error' | 'timeout';
}

export interface RawCallOptions {
  headers?: Record<string, string>;
  /** Resolve with `ended: 'timeout'` after this long (default 10 s). */
  timeoutMs?: number;
  /** Leave the request open after the body (default: end it). */
  keepOpen?: boolean;
}

export const SIDECAR = '/TaskHubSidecarService/';

/** One message with gRPC's prefix; `flag` 1 marks it compressed. */
export function frame(message: Uint8Array, flag = 0): Buffer {
  const framed = grpcFrame(message);
  framed[0] = flag;
  return framed;
}

export class RawGrpc {
  readonly session: ClientHttp2Session;

  private constructor(session: ClientHttp2Session) {
    this.session = session;
    session.on('error', () => undefined);
  }

  /** `ca` set: TLS (the servers of --auth). `settings` as node:http2 takes them. */
  static connect(address: string, options: { ca?: Buffer; settings?: SecureClientSessionOptions['settings'] } = {}): RawGrpc {
    const scheme = options.ca === undefined ? 'http' : 'https';
    // node:http2 counts unsent request bytes against the session's memory (10 MB by default) and
    // resets the stream past it: room for the tests' largest hostile messages.
    const session = connect(`${scheme}://${address}`, {
      maxSessionMemory: 1024,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.settings === undefined ? {} : { settings: options.settings }),
    });
    return new RawGrpc(session);
  }

  /** Opens a call to `path` (`/TaskHubSidecarService/Hello`) and writes `body` (bytes, framed or not, as given). */
  open(path: string, body: Uint8Array | readonly Uint8Array[], options: RawCallOptions = {}): ClientHttp2Stream {
    const stream = this.session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
      ...options.headers,
    });
    stream.on('error', () => undefined);
    for (const chunk of body instanceof Uint8Array ? [body] : body) stream.write(chunk);
    if (options.keepOpen !== true) stream.end();
    return stream;
  }

  call(path: string, body: Uint8Array | readonly Uint8Array[], options: RawCallOptions = {}): Promise<RawAnswer> {
    return answerOf(this.open(path, body, options), options.timeoutMs ?? 10_000);
  }

  close(): void {
    this.session.destroy();
  }
}

/** Collects a stream's answer (see `RawAnswer`). */
export function answerOf(stream: ClientHttp2Stream, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const answer: RawAnswer = { messages: [] };
    const split = grpcMessageSplitter((message) => answer.messages.push(Buffer.from(message)));
    let settled = false;
    const settle = (ended?: RawAnswer['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (answer.code === undefined && ended !== undefined) answer.ended = ended;
      resolve(answer);
    };
    const timer = setTimeout(() => {
      settle('timeout');
      stream.close(constants.NGHTTP2_CANCEL);
    }, timeoutMs);
    const status = (headers: IncomingHttpHeaders) => {
      if (headers[':status'] !== undefined) answer.httpStatus = Number(headers[':status']);
      if (headers['grpc-status'] !== undefined) {
        answer.code = Number(headers['grpc-status']);
        answer.details = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      }
    };
    stream.on('response', status);
    stream.on('trailers', status);
    stream.on('data', (chunk: Buffer) => {
      try {
        split(chunk);
      } catch {
        settle('error');
      }
    });
    stream.on('close', () => settle(stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR ? 'reset' : 'error'));
    stream.on('error', () => settle('error'));
  });
}

/** The answer carries `code`, and its details match `details`. */
export function assertStatus(answer: RawAnswer, code: number, details: RegExp, what: string): void {
  assert.equal(answer.ended, undefined, `${what}: the call ended without a status (${answer.ended})`);
  assert.equal(answer.code, code, `${what}: ${answer.code} ${answer.details}`);
  assert.match(answer.details ?? '', details, what);
}

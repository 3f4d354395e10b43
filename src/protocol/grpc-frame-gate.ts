/**
 * Holds the HTTP/2 request streams of a grpc-js server to the gRPC framing rules
 * (wire/message-frames.ts) as the bytes arrive. grpc-js itself takes a message whose
 * Compressed-Flag is set without a `grpc-encoding` as uncompressed, answers a request cut short
 * UNIMPLEMENTED, and buffers any message up to the server-wide maximum, whatever the call.
 *
 * grpc-js has no hook below its message decoder, so the gate listens on the HTTP/2 servers it
 * made (its private `http2Servers`; the invariant stops the start when an update of grpc-js
 * moves them), ahead of grpc-js's own listener: each stream's DATA chunks and its end reach the
 * check first. A refusal is answered through the grpc-js call of that stream (a server
 * interceptor links the two: grpc-js makes the call synchronously in the same 'stream' event,
 * right after the gate's listener), so grpc-js sends the status itself, marks the call
 * cancelled and reads no further message. No RST_STREAM is sent: one queued right behind the
 * status could overtake it under load, and the client would get no status at all.
 */
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { ServerInterceptingCall, type Server, type ServerInterceptor } from '@grpc/grpc-js';
import type { ServerError } from '../domain/errors.ts';
import { invariant } from '../lib/assert.ts';
import type { Log } from './call-context.ts';
import { toStatusObject } from './grpc-status.ts';
import { MessageFrames } from './wire/message-frames.ts';
import type { RequestCheck } from './wire/rpc-requests.ts';

/** A stream's check and the grpc-js call made for it. */
interface Link {
  call?: ServerInterceptingCall;
}

export class FrameGate {
  readonly #check: RequestCheck;
  readonly #log: Log;
  /** The link of the stream grpc-js is making a call for right now (see the module comment). */
  #next: Link | undefined;

  constructor(check: RequestCheck, log: Log) {
    this.#check = check;
    this.#log = log;
  }

  /** Must be the server's first interceptor, so every call is linked. */
  interceptor(): ServerInterceptor {
    return (_method, next) => {
      const call = new ServerInterceptingCall(next);
      if (this.#next !== undefined) this.#next.call = call;
      this.#next = undefined;
      return call;
    };
  }

  /** Call after `bindAsync`, once grpc-js has made its HTTP/2 servers. */
  listen(server: Server): void {
    const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
    invariant(servers instanceof Map && servers.size > 0, 'grpc-js: the bound Server has no http2Servers map; its layout changed');
    for (const http2Server of servers.keys() as IterableIterator<Http2Server>) {
      http2Server.prependListener('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
        this.#next = this.#watch(stream, headers);
      });
    }
  }

  #watch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Link | undefined {
    const contentType = headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return undefined;
    const rules = this.#check.frameRules(String(headers[':path']));
    if (rules === undefined) return undefined;
    const encoding = headers['grpc-encoding'];
    const frames = new MessageFrames(rules, encoding !== undefined && encoding !== 'identity');
    const link: Link = {};
    stream.on('data', (chunk: Buffer) => this.#refuse(link, frames.data(chunk)));
    stream.on('end', () => this.#refuse(link, frames.end()));
    return link;
  }

  #refuse(link: Link, error: ServerError | undefined): void {
    if (error === undefined) return;
    invariant(link.call !== undefined, 'grpc-js made no call for a gRPC stream of a known method');
    link.call.sendStatus(toStatusObject(error, this.#log));
  }
}

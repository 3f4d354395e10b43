/**
 * Holds the HTTP/2 request streams of a grpc-js server to the gRPC framing rules
 * (wire/message-frames.ts) as the bytes arrive. grpc-js itself takes a message whose
 * Compressed-Flag is set without a `grpc-encoding` as uncompressed, answers a request cut short
 * UNIMPLEMENTED, and buffers any message up to the server-wide maximum, whatever the call.
 *
 * grpc-js has no hook below its message decoder, so this listens on the HTTP/2 servers it made
 * (its private `http2Servers`; the invariant stops the start when an update of grpc-js moves
 * them), ahead of grpc-js's own listener: each stream's DATA chunks and its end reach the check
 * first. A refusal answers the status and closes the stream, which grpc-js then sees as
 * cancelled, so it neither buffers nor answers anything more.
 */
import { constants, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Server } from '@grpc/grpc-js';
import type { ServerError } from '../domain/errors.ts';
import { invariant } from '../lib/assert.ts';
import type { Log } from './call-context.ts';
import { toServiceError } from './grpc-status.ts';
import { MessageFrames } from './wire/message-frames.ts';
import type { RequestCheck } from './wire/rpc-requests.ts';

/** Call after `bindAsync`, once grpc-js has made its HTTP/2 servers. */
export function gateMessageFrames(server: Server, check: RequestCheck, log: Log): void {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  invariant(servers instanceof Map && servers.size > 0, 'grpc-js: the bound Server has no http2Servers map; its layout changed');
  for (const http2Server of servers.keys() as IterableIterator<Http2Server>) {
    http2Server.prependListener('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => watch(stream, headers, check, log));
  }
}

function watch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, check: RequestCheck, log: Log): void {
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return;
  const encoding = headers['grpc-encoding'];
  const rules = check.frameRules(String(headers[':path']), encoding !== undefined && encoding !== 'identity');
  if (rules === undefined) return;
  const frames = new MessageFrames(rules);
  stream.on('data', (chunk: Buffer) => refuse(stream, frames.data(chunk), log));
  stream.on('end', () => refuse(stream, frames.end(), log));
}

function refuse(stream: ServerHttp2Stream, error: ServerError | undefined, log: Log): void {
  if (error === undefined || stream.destroyed || stream.closed) return;
  const status = toServiceError(error, log);
  if (!stream.headersSent) {
    stream.respond({
      [constants.HTTP2_HEADER_STATUS]: 200,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
      'grpc-status': String(status.code),
      'grpc-message': encodeURI(status.details ?? ''),
      ...status.metadata?.toHttp2Headers(),
    }, { endStream: true });
  }
  // After a whole response, NO_ERROR tells the client to stop sending the rest of its request.
  stream.close(constants.NGHTTP2_NO_ERROR);
}

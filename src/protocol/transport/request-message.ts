/**
 * Reads the one request message of a call as its DATA arrives, held to the gRPC framing rules
 * (wire/message-frames.ts) before anything is buffered: a refusal stops the buffering at once
 * (later DATA is read and dropped), so a client never gets more than the call's maximum held.
 * A message compressed with the declared `grpc-encoding` (gzip or deflate) is inflated off the
 * event loop, up to the same maximum.
 */
import type { ServerHttp2Stream } from 'node:http2';
import { gunzip, inflate } from 'node:zlib';
import { ServerError } from '../../domain/errors.ts';
import { MessageFrames, PREFIX_BYTES, type FrameRules } from '../wire/message-frames.ts';

export type RequestEncoding = 'gzip' | 'deflate' | undefined;

/** The `grpc-encoding` of a request: undefined for none or identity, gzip or deflate, or null for one this server lacks. */
export function requestEncoding(value: string | string[] | undefined): RequestEncoding | null {
  if (value === undefined || value === 'identity') return undefined;
  return value === 'gzip' || value === 'deflate' ? value : null;
}

export function readRequestMessage(stream: ServerHttp2Stream, rules: FrameRules, encoding: RequestEncoding, done: (error: ServerError | undefined, message?: Buffer) => void): void {
  const frames = new MessageFrames(rules, encoding !== undefined);
  const chunks: Buffer[] = [];
  let length = 0;
  let over = false;
  const refuse = (error: ServerError) => {
    over = true;
    chunks.length = 0;
    done(error);
  };
  stream.on('data', (chunk: Buffer) => {
    if (over) return;
    const error = frames.data(chunk);
    if (error !== undefined) return refuse(error);
    chunks.push(chunk);
    length += chunk.length;
  });
  stream.once('end', () => {
    if (over) return;
    const error = frames.end();
    if (error !== undefined) return refuse(error);
    over = true;
    const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
    const message = whole.subarray(PREFIX_BYTES);
    if (whole[0] === 0 || encoding === undefined) done(undefined, message);
    else inflateMessage(message, encoding, rules, done);
  });
}

function inflateMessage(message: Buffer, encoding: 'gzip' | 'deflate', rules: FrameRules, done: (error: ServerError | undefined, message?: Buffer) => void): void {
  const inflater = encoding === 'gzip' ? gunzip : inflate;
  inflater(message, { maxOutputLength: rules.messageBytesMax + 1 }, (error, inflated) => {
    if (error === null && inflated.length <= rules.messageBytesMax) return done(undefined, inflated);
    if (error === null || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return done(new ServerError('RESOURCE_EXHAUSTED', `the ${rules.method} request message inflates to more than ${rules.messageBytesMax} bytes, the maximum for this call`));
    }
    done(new ServerError('MALFORMED_FRAME', `the ${rules.method} request message is not valid ${encoding} data`, { cause: error }));
  });
}

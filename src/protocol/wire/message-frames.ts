/**
 * The gRPC framing of one request stream (PROTOCOL-HTTP2.md: each message is a Compressed-Flag
 * byte, a 4-byte big-endian length and the message), checked as the DATA chunks arrive, before
 * any message is buffered: the flag is 0, or 1 with a `grpc-encoding` declared; the declared
 * length is within the call's maximum; the call gets no more messages than it takes; the stream
 * does not end inside a message, nor, for a call that needs one, before its message.
 *
 * It only reads the 5-byte prefixes and counts the bytes between them: bytes in, `undefined` or
 * a precise `ServerError` out. Refusals of broken framing are MALFORMED_FRAME (gRPC INTERNAL, as
 * the spec's compression.md asks for the flag); a message too large is RESOURCE_EXHAUSTED.
 */
import { ServerError } from '../../domain/errors.ts';

/** A gRPC message's prefix: the compressed flag and the 4-byte length. */
export const PREFIX_BYTES = 5;

export interface FrameRules {
  /** What the call is, for error messages (`/TaskHubSidecarService/StartInstance`). */
  method: string;
  /** The largest message the call accepts, in bytes. */
  messageBytesMax: number;
  /** Messages the call takes: 1 for unary and server-streaming calls. */
  messagesMax: number;
}

export class MessageFrames {
  readonly #rules: FrameRules;
  /** The request declared a `grpc-encoding` other than identity. */
  readonly #encoded: boolean;
  /** Bytes of the current prefix read so far (0 between messages). */
  #prefixRead = 0;
  #length = 0;
  /** Bytes of the current message still to come. */
  #bodyLeft = 0;
  #messages = 0;
  #refused = false;

  constructor(rules: FrameRules, encoded: boolean) {
    this.#rules = rules;
    this.#encoded = encoded;
  }

  /** The next DATA chunk of the request; a refusal ends the check (later calls return undefined). */
  data(chunk: Uint8Array): ServerError | undefined {
    if (this.#refused) return undefined;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#bodyLeft > 0) {
        const take = Math.min(this.#bodyLeft, chunk.length - pos);
        this.#bodyLeft -= take;
        pos += take;
        continue;
      }
      const error = this.#prefixByte(chunk[pos] as number);
      pos++;
      if (error !== undefined) return this.#refuse(error);
    }
    return undefined;
  }

  /** The request stream ended (half-close). */
  end(): ServerError | undefined {
    if (this.#refused) return undefined;
    const { method } = this.#rules;
    if (this.#prefixRead > 0 || this.#bodyLeft > 0) {
      const what = this.#prefixRead > 0 ? `${this.#prefixRead} of the 5 bytes of a message prefix` : `${this.#length - this.#bodyLeft} of the ${this.#length} bytes of a message`;
      return this.#refuse(malformed(`the ${method} request ended after ${what}`));
    }
    if (this.#messages === 0 && this.#rules.messagesMax > 0) return this.#refuse(malformed(`the ${method} request ended without its message`));
    return undefined;
  }

  #prefixByte(byte: number): ServerError | undefined {
    const { method, messageBytesMax, messagesMax } = this.#rules;
    if (this.#prefixRead === 0) {
      if (byte > 1) return malformed(`a ${method} message has Compressed-Flag ${byte}; it must be 0 or 1`);
      if (byte === 1 && !this.#encoded) return malformed(`a ${method} message has its Compressed-Flag set but the request declares no grpc-encoding`);
      if (++this.#messages > messagesMax) return malformed(`the ${method} call takes ${messagesMax} request message${messagesMax === 1 ? '' : 's'}; a further one arrived`);
      this.#length = 0;
    } else {
      this.#length = this.#length * 256 + byte;
    }
    if (++this.#prefixRead < PREFIX_BYTES) return undefined;
    this.#prefixRead = 0;
    if (this.#length > messageBytesMax) {
      return new ServerError('RESOURCE_EXHAUSTED', `the ${method} request message is ${this.#length} bytes; the maximum for this call is ${messageBytesMax} bytes`);
    }
    this.#bodyLeft = this.#length;
    return undefined;
  }

  #refuse(error: ServerError): ServerError {
    this.#refused = true;
    return error;
  }
}

function malformed(message: string): ServerError {
  return new ServerError('MALFORMED_FRAME', message);
}

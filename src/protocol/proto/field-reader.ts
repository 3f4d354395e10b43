/**
 * The wire primitives of the hand-written readers (orchestrator-response-reader.ts,
 * activity-response-reader.ts): fields, strings, varints and wrappers read straight from a
 * message's bytes. Anything a reader does not take exactly as google-protobuf would (a field it
 * does not know, a wire type other than the schema's, bytes that do not parse, a string that is
 * not UTF-8, a varint longer than 5 bytes, a bool that is not one byte 0 or 1) throws GIVE_UP:
 * `readOrGiveUp` then returns undefined and the caller decodes with the generated code, so
 * every such message is read, or refused, exactly as before.
 */
import { isUtf8 } from 'node:buffer';

/**
 * Where reading stands in the message's bytes. protobufjs's Reader is not used: it skips the
 * rest of a varint longer than 5 bytes unread and cuts an overlong string short, where
 * google-protobuf refuses the message.
 */
export interface Reader {
  readonly buf: Buffer;
  pos: number;
}

export const VARINT = 0;
export const LEN = 2;

/**
 * Thrown inside a reader to give the message back to the generated decoder. One Error, made
 * once: throwing it again captures no stack.
 */
export const GIVE_UP = new Error('give the message to the generated decoder');

/** `read` of the whole of `bytes`; undefined when it gives up (or throws anything else). */
export function readOrGiveUp<T>(bytes: Buffer, read: (r: Reader) => T): T | undefined {
  try {
    return read({ buf: bytes, pos: 0 });
  } catch {
    return undefined;
  }
}

/**
 * Calls `field(number, wireType)` for each field of the message that ends at `end`; a field
 * must be read whole by `field`, which returns false for one it does not know.
 */
export function fields(r: Reader, end: number, field: (number: number, wireType: number) => boolean): void {
  if (end > r.buf.length) throw GIVE_UP;
  while (r.pos < end) {
    const key = varint(r);
    if (!field(key >>> 3, key & 7)) throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP;
}

/**
 * A string field. protobufjs's own read would cut a declared length that runs past the end
 * short; google-protobuf reads invalid UTF-8 in its own way (drops, mis-decodes or refuses it),
 * so such a string is left to it.
 */
export function text(r: Reader): string {
  const length = varint(r);
  const start = r.pos;
  if (start + length > r.buf.length) throw GIVE_UP;
  r.pos = start + length;
  const bytes = r.buf.subarray(start, r.pos);
  if (!isUtf8(bytes)) throw GIVE_UP;
  return bytes.toString('utf8');
}

export function expect(wireType: number, wanted: number): void {
  if (wireType !== wanted) throw GIVE_UP;
}

/** `google.protobuf.StringValue`: present, so at least ''. */
export function stringValue(r: Reader): string {
  const end = varint(r) + r.pos;
  let value = '';
  fields(r, end, (n, t) => {
    if (n !== 1) return false;
    expect(t, LEN);
    value = text(r);
    return true;
  });
  return value;
}

/** A varint of at most 5 bytes, as its exact value (up to 2^35 - 1). */
export function varintValue(r: Reader): number {
  let value = 0;
  for (let i = 0, scale = 1; i < 5; i++, scale *= 128) {
    const byte = r.buf[r.pos++];
    if (byte === undefined) throw GIVE_UP;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
  }
  throw GIVE_UP;
}

/** An unsigned 32-bit varint (lengths, keys); google-protobuf keeps the low 32 bits of a longer value. */
export function varint(r: Reader): number {
  return varintValue(r) % 2 ** 32;
}

export function int32(r: Reader): number {
  return varint(r) | 0;
}

/** google-protobuf reads a bool as one byte whatever its varint says: only 0 and 1 read alike. */
export function bool(r: Reader): boolean {
  const byte = r.buf[r.pos++];
  if (byte !== 0 && byte !== 1) throw GIVE_UP;
  return byte === 1;
}

/**
 * The gRPC-over-HTTP/2 header conventions (PROTOCOL-HTTP2.md): `grpc-timeout`, the
 * percent-encoded `grpc-message`, and custom metadata, whose `-bin` values travel base64-encoded.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import { ServerError } from '../../domain/errors.ts';
import type { CallMetadata } from '../rpc-call.ts';

const TIMEOUT_UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** A `grpc-timeout` in milliseconds: 1 to 8 digits and a unit; undefined when absent. */
export function timeoutMs(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const match = /^(\d{1,8})([HMSmun])$/.exec(text);
  if (match === null) throw new ServerError('INVALID_ARGUMENT', `grpc-timeout '${text.slice(0, 32)}' is not 1-8 digits and a unit (H, M, S, m, u, n)`);
  return Number(match[1]) * (TIMEOUT_UNIT_MS[match[2] as string] as number);
}

/** `grpc-message`: UTF-8, with every byte outside printable ASCII and '%' percent-encoded. */
export function encodeGrpcMessage(details: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(details)) return details;
  let out = '';
  for (const byte of Buffer.from(details, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The request headers as metadata, read lazily: most calls ask for one or two keys. */
export function metadataOf(headers: IncomingHttpHeaders): CallMetadata {
  return {
    get: (key) => {
      const value = headers[key];
      return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : value;
    },
    binary: (key) => {
      const value = headers[key];
      if (!key.endsWith('-bin') || value === undefined) return undefined;
      return Buffer.concat((Array.isArray(value) ? value : value.split(',')).map((part) => Buffer.from(part.trim(), 'base64')));
    },
  };
}

/**
 * The one JSON body reader of the HTTP edge: bounded in bytes (refused unread when the declared
 * length is too large, cut off when the stream runs past it) and in nesting depth (checked on
 * the text before it is parsed, so a body nested 100,000 deep is a 400, never a stack overflow
 * later). Whether the body is JSON at all is checked before routing (request-guards.ts).
 */
import { ServerError } from '../domain/errors.ts';

/** System.Text.Json's default, so a body the .NET SDK could not read is refused here too. */
export const JSON_DEPTH_MAX = 64;

/** The parsed body, or undefined for an empty one. */
export async function readJsonBody(request: Request, bytesMax: number): Promise<unknown> {
  const text = (await readText(request, bytesMax)).trim();
  if (text === '') return undefined;
  checkDepth(text, JSON_DEPTH_MAX);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ServerError('INVALID_ARGUMENT', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

async function readText(request: Request, bytesMax: number): Promise<string> {
  const tooLarge = () => new ServerError('PAYLOAD_TOO_LARGE', `the request body is larger than ${bytesMax} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > bytesMax) throw tooLarge();
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > bytesMax) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ServerError) throw error;
    throw new ServerError('INVALID_ARGUMENT', 'the request body could not be read to its end (the client closed the connection?)', { cause: error });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ServerError('INVALID_ARGUMENT', 'the request body is not valid UTF-8');
  }
}

/** INVALID_ARGUMENT when arrays and objects nest deeper than `depthMax` (brackets in strings do not count). */
export function checkDepth(text: string, depthMax: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > depthMax) throw new ServerError('INVALID_ARGUMENT', `the request body nests arrays and objects deeper than ${depthMax} levels`);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** Reads a JSON request body with a size limit; shared by the REST and dashboard APIs. */
import type { IncomingMessage } from 'node:http';
import { ServerError } from '../domain/errors.ts';

/** The parsed body, or undefined for an empty one. PAYLOAD_TOO_LARGE past `bytesMax`. */
export async function readJsonBody(req: IncomingMessage, bytesMax: number): Promise<unknown> {
  const tooLarge = () => new ServerError('PAYLOAD_TOO_LARGE', `the request body is larger than ${bytesMax} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > bytesMax) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bytesMax) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ServerError('INVALID_ARGUMENT', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * HTTP/1.1 over a raw socket, for requests Node's http client refuses to send (broken
 * percent-encoding, `//[::1`, absolute-form targets, bad Host headers, any bytes at all), over
 * TCP or TLS. One request per connection (`connection: close`); the answer is parsed from what
 * the server wrote before closing. A connection closed with no complete answer rejects with
 * `dropped`.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface Target {
  host: string;
  port: number;
  /** CA of a TLS server (the server's data dir tls/ca.pem); absent: plain TCP. */
  ca?: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function targetOf(address: string, ca?: Buffer): Target {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)), ...(ca === undefined ? {} : { ca }) };
}

/** Sends `bytes` as they are and reads the one answer (without a body when `head`: the answer to a HEAD). */
export function sendRaw(target: Target, bytes: string | Buffer, timeoutMs = 15_000, head = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = target.ca === undefined
      ? netConnect(target.port, target.host)
      : tlsConnect({ host: target.host, port: target.port, ca: target.ca, servername: "localhost" });
    const chunks: Buffer[] = [];
    let failure: Error | undefined;
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    // Never half-closed: Node's server drops the answer to a request whose client sent FIN early
    // (it does not wait unless httpAllowHalfOpen); `connection: close` makes the server end it.
    socket.once(target.ca === undefined ? "connect" : "secureConnect", () => socket.write(bytes));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A server may answer and close before the whole request is written (a 400 for a bad request
    // line, a 413): the write then fails, but the answer stands.
    socket.on("error", (error) => (failure ??= error));
    socket.on("close", () => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks);
      const answer = parseAnswer(received, head);
      if (answer !== undefined) resolve(answer);
      else reject(new Error(`dropped: the connection closed after ${received.length} bytes without a complete answer${failure === undefined ? "" : ` (${failure.message})`}`));
    });
  });
}

/** One request; `headers` may hold any value (Host included, which defaults to the target). */
export function rawRequest(target: Target, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawAnswer> {
  const all: Record<string, string> = { host: `${target.host}:${target.port}`, connection: "close", ...headers };
  if (body !== undefined && all["content-length"] === undefined && all["transfer-encoding"] === undefined) all["content-length"] = String(Buffer.byteLength(body));
  const lines = `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  return sendRaw(target, body === undefined ? lines : Buffer.concat([Buffer.from(lines, "latin1"), Buffer.from(body)]), 15_000, method === "HEAD");
}

export function parseAnswer(bytes: Buffer, head = false): RawAnswer | undefined {
  const split = bytes.indexOf("\r\n\r\n");
  if (split < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = bytes.subarray(split + 4);
  if (head) return { status, headers, body: body.toString("utf8") };
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
    const decoded = dechunk(body);
    if (decoded === undefined) return undefined;
    body = decoded;
  } else if (headers["content-length"] !== undefined && body.length < Number(headers["content-length"])) {
    return undefined;
  }
  return { status, headers, body: body.toString("utf8") };
}

function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (body.length < lineEnd + 2 + size) return undefined;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

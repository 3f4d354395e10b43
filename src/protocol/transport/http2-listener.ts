/**
 * The HTTP/2 server under the gRPC listener: plaintext (h2c) or TLS with ALPN h2 only, settings
 * that bound what one hostile client may open or send, and a stop that sends GOAWAY, lets calls
 * in flight finish for a grace period and then cuts what is left.
 */
import { createSecureServer, createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream, type Settings } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface Http2ListenerOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  /** The largest request message; the session's buffer allowance must hold one. */
  messageBytesMax: number;
}

export interface Http2Listener {
  port: number;
  stop(graceMs: number): Promise<void>;
}

/** node:http2's bounds on a peer: streams open at once and the size of one header block. */
const SETTINGS: Settings = { maxConcurrentStreams: 10_000, maxHeaderListSize: 64 * 1024 };
/** Header fields in one block (node:http2's default is 128). */
const HEADER_PAIRS_MAX = 128;

export async function listenHttp2(options: Http2ListenerOptions, onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, peer: string) => void): Promise<Http2Listener> {
  // Memory node:http2 may hold for one session (in MB) before it refuses more: room for one largest message and then some.
  const common = { settings: SETTINGS, maxHeaderListPairs: HEADER_PAIRS_MAX, maxSessionMemory: Math.ceil((2 * options.messageBytesMax) / 1024 / 1024) + 10 };
  const server: Http2Server = options.tls === undefined
    ? createServer(common)
    : createSecureServer({ ...common, cert: options.tls.cert, key: options.tls.key, allowHTTP1: false, ALPNProtocols: ['h2'] });
  const sessions = new Set<Http2Session>();
  const peers = new WeakMap<Http2Session, string>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => undefined);
    session.once('close', () => sessions.delete(session));
    const socket = session.socket;
    peers.set(session, `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`);
  });
  server.on('sessionError', () => undefined);
  server.on('stream', (stream, headers) => onStream(stream, headers, peers.get(stream.session as Http2Session) ?? 'unknown:0'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, stop: (graceMs) => stop(server, sessions, graceMs) };
}

async function stop(server: Http2Server, sessions: Set<Http2Session>, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const session of sessions) session.close();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, grace]);
  clearTimeout(timer);
  for (const session of sessions) session.destroy();
  await closed;
}

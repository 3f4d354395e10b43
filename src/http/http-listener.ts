/**
 * The HTTP port: a Node http (or, with TLS, https) server that hands each request to the edge
 * app through @hono/node-server. It listens before the app exists (the control plane needs the
 * bound port), answering 503 until `serve` is called. Requests Node cannot parse, and targets
 * or Host headers the URL parser refuses, are answered with an ARM error too (400, 431), never
 * a dropped connection; an exception that escapes the app is a 500 with a request id.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import { ServerError } from '../domain/errors.ts';
import type { Log } from './edge-env.ts';
import { errorReply, errorResponse } from './http-errors.ts';

export interface HttpListener {
  readonly port: number;
  /** From now on requests go to `app`. */
  serve(app: { fetch(request: Request, env: unknown): Response | Promise<Response> }): void;
  close(): Promise<void>;
}

export interface HttpListenerOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  log: Log;
}

export async function openHttpListener(options: HttpListenerOptions): Promise<HttpListener> {
  const { log } = options;
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    const reply = errorReply('arm', new ServerError('UNAVAILABLE', 'the server is starting; retry in a moment'), log);
    res.writeHead(reply.status, reply.headers).end(JSON.stringify(reply.body));
  };
  let handle: (req: IncomingMessage, res: ServerResponse) => unknown = starting;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  // A missing Host is refused by @hono/node-server with our error body, not by Node with none.
  const serverOptions = { requireHostHeader: false };
  const server: Server = options.tls === undefined
    ? createHttpServer(serverOptions, onRequest)
    : createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, onRequest);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, log));
  // Without a listener Node drops a CONNECT (proxy tunnel) request: answer it like any unknown method.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const reply = errorReply('arm', new ServerError('METHOD_NOT_ALLOWED', 'CONNECT is not supported: this server is no proxy', { details: { allow: 'GET, HEAD, PUT, PATCH, POST, DELETE' } }), log);
    writeRaw(socket, '405 Method Not Allowed', reply.headers, JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    serve(app) {
      handle = getRequestListener((request, env) => app.fetch(request, env), {
        overrideGlobalObjects: false,
        // Reached only before routing: the target or Host could not be made into a URL.
        errorHandler: (error) => errorResponse('arm', error instanceof RequestError ? new ServerError('INVALID_ARGUMENT', `the request target or Host header is not valid: ${error.message}`) : error, log),
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Node's parser refused the request (bad request line, headers too large, ...): answer and close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, log: Log): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const reply = errorReply('arm', new ServerError('INVALID_ARGUMENT', tooLarge ? 'the request headers are too large' : `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`), log);
  writeRaw(socket, tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request', reply.headers, JSON.stringify(reply.body));
}

/** An answer written straight to the socket, which then closes. */
function writeRaw(socket: Duplex, status: string, headers: Record<string, string>, body: string): void {
  const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status}\r\n${head}\r\n${body}`);
}

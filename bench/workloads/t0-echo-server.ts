/**
 * T0's echo server: the child process that t0-transport-floor.ts forks, so that client and server
 * sit in two processes as the SDK and our server do in W3. It serves one unary echo method twice:
 * through grpc-js (raw Buffer serializers, so no protobuf cost) and through bare node:http2
 * answering the way a gRPC server does (200, application/grpc, body echoed, grpc-status 0 trailer).
 * It does no other work: its CPU per call is the server's share of the transport floor.
 *
 * Usage (by fork only): t0-echo-server.ts --path /service/Method
 * IPC with the parent: sends `{ kind: 'ready', grpcPort, http2Port }` once listening; answers
 * `{ kind: 'cpu' }` with `{ kind: 'cpu', usage: process.cpuUsage() }`; exits when the channel closes.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { flagString, parseFlags } from './common.ts';

export type EchoServerMessage =
  | { kind: 'ready'; grpcPort: number; http2Port: number }
  | { kind: 'cpu'; usage: NodeJS.CpuUsage };

const identity = (buffer: Buffer) => buffer;

function startGrpcServer(path: string): Promise<number> {
  const server = new grpc.Server();
  const echo: grpc.MethodDefinition<Buffer, Buffer> = {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
  server.addService({ echo }, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

function startHttp2Server(): Promise<number> {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function main(): Promise<void> {
  const path = flagString(parseFlags(process.argv.slice(2)), 'path');
  const send = (message: EchoServerMessage) => process.send!(message);
  process.on('message', (message: { kind?: string }) => {
    if (message.kind === 'cpu') send({ kind: 'cpu', usage: process.cpuUsage() });
  });
  // The parent going away (normally or not) must not leave this process behind.
  process.on('disconnect', () => process.exit(0));
  const [grpcPort, http2Port] = await Promise.all([startGrpcServer(path), startHttp2Server()]);
  send({ kind: 'ready', grpcPort, http2Port });
}

main().catch((error: unknown) => {
  console.error('[t0 echo server]', error);
  process.exit(1);
});

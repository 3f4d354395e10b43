/**
 * Checks made before anything is written, so a start that cannot succeed says why in one line
 * and leaves no new database behind: each fixed port this start needs must be free, and the
 * data directory must take a file. Binding later can still fail (a race); `listenError` names
 * the flag and the port then too.
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { ServerConfig } from './config/config.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

export async function checkStartup(config: Readonly<ServerConfig>): Promise<void> {
  const ports: [string, string, number | undefined][] = [
    ['--grpc-port', config.host, config.grpcPort],
    ['--http-port', config.host, config.httpPort],
    ['--metrics-port', '127.0.0.1', config.metricsPort],
  ];
  for (const [flag, host, port] of ports) {
    if (port !== undefined && port !== 0) await checkPortFree(flag, host, port);
  }
  if (config.store.kind === 'sqlite' && config.store.path !== ':memory:') checkWritable(dirname(config.store.path));
}

/** The one-line reason a listener could not bind. */
export function listenError(flag: string, host: string, port: number, error: unknown): StartupError {
  const text = `${(error as { code?: unknown }).code ?? ''} ${(error as Error).message ?? ''}`;
  if (text.includes('EADDRINUSE')) return new StartupError(`${flag} ${port}: the port is already in use on ${host}`);
  if (text.includes('EACCES')) return new StartupError(`${flag} ${port}: not permitted to listen on it on ${host}`);
  if (text.includes('EADDRNOTAVAIL')) return new StartupError(`${flag} ${port}: ${host} is not an address of this machine`);
  return new StartupError(`${flag} ${port}: cannot listen on ${host}: ${(error as Error).message ?? String(error)}`);
}

function checkPortFree(flag: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(flag, host, port, error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The directory exists (or can be made) and takes a new file: not read-only, not full. */
function checkWritable(dir: string): void {
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.dts-write-check-${process.pid}`);
    writeFileSync(probe, Buffer.alloc(4096));
    rmSync(probe);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOSPC') throw new StartupError(`data directory ${dir}: the disk is full`);
    if (code === 'EROFS') throw new StartupError(`data directory ${dir}: the file system is read-only`);
    if (code === 'EACCES' || code === 'EPERM') throw new StartupError(`data directory ${dir}: not writable by this user`);
    throw new StartupError(`data directory ${dir}: ${(error as Error).message}`);
  }
}

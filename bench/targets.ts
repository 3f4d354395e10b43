/**
 * The servers a workload can run against, each started fresh in its own process on a free
 * loopback port:
 *   - ours: `node bin/dts.js serve` with its durable default (SQLite in the data directory);
 *   - peer: durabletask-go's own sidecar over its SQLite backend (bench/go/peer, built from the
 *     module github.com/microsoft/durabletask-go), its database in the data directory;
 *   - ceiling: the JavaScript SDK's in-memory backend served over gRPC
 *     (bench/ceiling/in-memory-sidecar.ts); keeps nothing, so a ceiling, never a peer.
 * Each says how it keeps an acknowledged write, for the report.
 */
import { join } from 'node:path';
import type { GoBinaries } from './go-build.ts';
import { REPO_ROOT, startServer, startServerProcess, type RunningServer } from './server.ts';

export type TargetName = 'ours' | 'peer' | 'ceiling';

export interface StartArgs {
  dataDir: string;
  logFile: string;
  /** Node flags (heap cap, --cpu-prof); the Go peer takes none. */
  nodeArgs: string[];
}

export interface Target {
  name: TargetName;
  /** The SQLite file in the data directory, to read its journal mode back after the run. */
  databaseFile?: string;
  start(args: StartArgs): Promise<RunningServer>;
  /** The report's durability entry; the peer's is complete once it has started once. */
  durability(): Record<string, unknown>;
}

const PEER_READY = /^PEER_READY grpc=(\S+)/;
const PEER_SQLITE = 'PEER_SQLITE ';
const CEILING_READY = /^CEILING_READY grpc=(\S+)/;

export function ours(sqliteVersion: string): Target {
  return {
    name: 'ours',
    databaseFile: 'dts.sqlite',
    start: ({ dataDir, logFile, nodeArgs }) => startServer({ dataDir, logFile, nodeArgs }),
    durability: () => ({
      store: 'SQLite (bin/dts.js serve --data-dir <fresh dir>)',
      journal_mode: 'WAL',
      synchronous: 'OFF, and the WAL fdatasynced off the event loop before every acknowledgement (checkpoints FULL)',
      sqlite: sqliteVersion,
    }),
  };
}

export function peer(go: GoBinaries): Target {
  let settings: Record<string, unknown> = {};
  return {
    name: 'peer',
    databaseFile: 'peer.sqlite',
    start: async ({ dataDir, logFile }) => {
      const server = await startServerProcess({ command: go.peer, args: ['--data-dir', dataDir], ready: PEER_READY, logFile });
      const line = server.banner.find((l) => l.startsWith(PEER_SQLITE));
      if (line !== undefined) settings = JSON.parse(line.slice(PEER_SQLITE.length)) as Record<string, unknown>;
      return server;
    },
    durability: () => ({
      store: `SQLite (${go.versions.peerModule} backend/sqlite through ${go.versions.sqliteDriver}, one connection)`,
      journal_mode: settings.journal_mode ?? 'unknown',
      synchronous: settings.synchronous === '2' ? '2 (FULL)' : (settings.synchronous ?? 'unknown'),
      fsync: 'rollback journal with synchronous=FULL: journal and database file synced before every commit returns',
      sqlite: settings.sqliteVersion ?? 'unknown',
      inFlight: '200 orchestration and 1,000 activity work items (the module ships 1 and 1; ours has the same per-stream limits)',
    }),
  };
}

export function ceiling(): Target {
  return {
    name: 'ceiling',
    start: ({ logFile, nodeArgs }) =>
      startServerProcess({
        command: process.execPath,
        args: [...nodeArgs, '--import', 'tsx', join(REPO_ROOT, 'bench/ceiling/in-memory-sidecar.ts')],
        ready: CEILING_READY,
        logFile,
      }),
    durability: () => ({ store: 'none: @microsoft/durabletask-js InMemoryOrchestrationBackend, in memory (a ceiling, not durable)' }),
  };
}

/**
 * One gRPC listener per further scheduler, each bound to its scheduler's task hubs, so the work
 * of one scheduler is never visible through another's endpoint. The control plane opens and
 * closes them through its `SchedulerEndpoints` seam; shutdown stops them all.
 */
import type { Limits } from '../domain/limits.ts';
import type { Engine } from '../engine/engine.ts';
import { compact } from '../lib/compact.ts';
import type { Log } from './call-context.ts';
import type { CallGuard } from './call-guard.ts';
import { startGrpcServer, type GrpcListener, type SharedListenerParts } from './grpc-server.ts';

export interface SchedulerListenerOptions {
  host: string;
  limits: Limits;
  /** The access checks of a scheduler's listener (protocol/call-guard.ts). */
  guardFor?: (schedulerKey: string) => CallGuard;
  tls?: { cert: Buffer; key: Buffer };
  shared: SharedListenerParts;
}

export class SchedulerListeners {
  readonly #engine: Engine;
  readonly #options: SchedulerListenerOptions;
  readonly #log: Log;
  readonly #listeners = new Map<string, GrpcListener>();

  constructor(engine: Engine, options: SchedulerListenerOptions, log: Log) {
    this.#engine = engine;
    this.#options = options;
    this.#log = log;
  }

  async open(schedulerKey: string, port: number): Promise<number> {
    await this.close(schedulerKey);
    const listener = await startGrpcServer(
      this.#engine,
      compact({
        host: this.#options.host,
        port,
        limits: this.#options.limits,
        scheduler: schedulerKey,
        ...this.#options.shared,
        guard: this.#options.guardFor?.(schedulerKey),
        tls: this.#options.tls,
      }),
      this.#log,
    );
    this.#listeners.set(schedulerKey, listener);
    return listener.port;
  }

  async close(schedulerKey: string, graceMs = 1000): Promise<void> {
    const listener = this.#listeners.get(schedulerKey);
    if (listener === undefined) return;
    this.#listeners.delete(schedulerKey);
    await listener.stop(graceMs);
  }

  async closeAll(graceMs: number): Promise<void> {
    await Promise.all([...this.#listeners.keys()].map((schedulerKey) => this.close(schedulerKey, graceMs)));
  }
}

/**
 * Helpers both SDK harnesses share. They take the clients by their structure only, so this file
 * imports neither SDK (the two must never load in one process).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DtsServer, withServerOutput } from "./server-process.ts";

interface Stoppable {
  stop(): Promise<void>;
}

/** Stops workers and clients, ignoring "not running" and connection errors. */
export async function stopAll(...things: ReadonlyArray<Stoppable | undefined>): Promise<void> {
  await Promise.all(
    things.map(async (thing) => {
      if (thing === undefined) return;
      try {
        await thing.stop();
      } catch {
        // Already stopped, or its server is gone: either way nothing is left running.
      }
    }),
  );
}

export interface FileHarness<C> {
  /** Set once the file's `before` hook has run. */
  readonly server: DtsServer | undefined;
  /** A test that gets the file's client; a failure message includes the server's output. */
  it(name: string, body: (client: C) => Promise<void>, timeoutMs?: number): void;
}

/**
 * One server, one worker and one client for every test of the calling file: started in its
 * `before` hook (`connect` makes the worker and the client), stopped in its `after` hook.
 */
export function fileHarness<C extends Stoppable>(connect: (address: string) => Promise<{ worker: Stoppable; client: C }>): FileHarness<C> {
  let server: DtsServer | undefined;
  let worker: Stoppable | undefined;
  let client: C | undefined;
  before(async () => {
    server = await DtsServer.start();
    ({ worker, client } = await connect(server.grpcAddress));
  });
  after(async () => {
    await stopAll(worker, client);
    await server?.dispose();
  });
  return {
    get server() {
      return server;
    },
    it(name, body, timeoutMs = 60_000) {
      test(name, { timeout: timeoutMs }, withServerOutput(() => [server], async () => {
        assert.ok(client, "the client was not created (server failed to start?)");
        await body(client);
      }));
    },
  };
}

/** The orchestration's output parsed from JSON, or undefined when it has none. */
export function outputOf(state: { serializedOutput?: string }): unknown {
  return state.serializedOutput === undefined || state.serializedOutput === ""
    ? undefined
    : JSON.parse(state.serializedOutput);
}

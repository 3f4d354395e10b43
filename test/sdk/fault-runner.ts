/**
 * The fault scenarios, run with any driver that implements the fault commands (`schedule`,
 * `wait`, `BlockingActivity`; README.md): a worker killed in the middle of an activity whose
 * activity then completes on a second worker; `kill -9` of the server with 200 orchestrations
 * in flight, after which every one completes with the right output; and a graceful SIGTERM
 * after which every result is still there. Each test has its own server. Knows no SDK.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { DriverProcess, type DriverCommandLine } from "./driver-process.ts";

export interface FaultSpec {
  /** Names the tests, e.g. `js-ms`. */
  readonly label: string;
  readonly variant?: "plain" | "azuremanaged";
  /** Builds or finds the driver (called once per file). */
  prepare(): Promise<DriverCommandLine>;
}

interface Result {
  readonly id: string;
  readonly status: string;
  readonly output: unknown;
}

const commandTimeoutMs = 180_000;

function startDriver(spec: FaultSpec, line: DriverCommandLine, server: DtsServer, name: string): DriverProcess {
  return DriverProcess.start(line, { endpoint: server.grpcAddress, taskHub: "default", variant: spec.variant ?? "plain" }, `${spec.label} ${name}`);
}

async function ready(driver: DriverProcess, startWorker: Record<string, unknown> = {}): Promise<DriverProcess> {
  await driver.call({ cmd: "hello" }, 120_000);
  await driver.call({ cmd: "start-worker", ...startWorker }, 60_000);
  return driver;
}

async function schedule(driver: DriverProcess, orchestration: string, count: number, idPrefix: string, input?: unknown): Promise<string[]> {
  const reply = await driver.call({ cmd: "schedule", orchestration, count, idPrefix, ...(input === undefined ? {} : { input }) }, commandTimeoutMs);
  return reply["ids"] as string[];
}

async function waitFor(driver: DriverProcess, ids: readonly string[], timeoutS: number): Promise<Result[]> {
  return (await driver.call({ cmd: "wait", ids, timeoutS }, (timeoutS + 30) * 1000))["results"] as Result[];
}

/** After a restart on another port, a driver still aims at the old one: replace it. */
async function reconnect(spec: FaultSpec, line: DriverCommandLine, server: DtsServer, driver: DriverProcess, addressChanged: boolean): Promise<DriverProcess> {
  if (!addressChanged) return driver;
  await driver.kill9();
  return ready(startDriver(spec, line, server, "driver (after restart)"));
}

function faultTest(spec: FaultSpec, name: string, timeoutMs: number, body: (server: DtsServer, line: DriverCommandLine) => Promise<void>, line: () => Promise<DriverCommandLine>): void {
  let server: DtsServer | undefined;
  test(`${spec.label}: ${name}`, { timeout: timeoutMs }, withServerOutput(() => [server], async () => {
    server = await DtsServer.start();
    try {
      await body(server, await line());
    } finally {
      await server.dispose();
    }
  }));
}

export function runFaults(spec: FaultSpec): void {
  let prepared: Promise<DriverCommandLine> | undefined;
  const line = (): Promise<DriverCommandLine> => (prepared ??= spec.prepare());

  faultTest(spec, "a worker killed mid-activity: the activity completes on a second worker", 180_000, async (server, cmd) => {
    const first = await ready(startDriver(spec, cmd, server, "driver 1"));
    let second: DriverProcess | undefined;
    try {
      const [id] = await schedule(first, "BlockingOrchestration", 1, `killed-worker-${randomUUID().slice(0, 8)}-`, "payload");
      const started = await first.waitForEvent((e) => e.event === "activity-started" && e["instanceId"] === id, 60_000);
      assert.equal(started["pid"], first.pid, "the activity started in the first driver");
      assert.equal((await first.kill9()).signal, "SIGKILL");
      second = await ready(startDriver(spec, cmd, server, "driver 2"), { blockingActivity: "return" });
      assert.deepEqual(await waitFor(second, [id as string], 90), [{ id, status: "COMPLETED", output: { first: "done:payload" } }]);
    } finally {
      await first.kill9();
      await second?.close();
    }
  }, line);

  faultTest(spec, "kill -9 of the server mid-run: all 200 orchestrations complete after a restart", 300_000, async (server, cmd) => {
    let driver = await ready(startDriver(spec, cmd, server, "driver"));
    try {
      const prefix = `kill9-${randomUUID().slice(0, 8)}`;
      // Every start is acknowledged before the crash. Two waves, so the crash finds instances
      // finished, in their timers or activities, and not yet started.
      const firstWave = await schedule(driver, "FaultOrchestration", 100, `${prefix}-a-`);
      await waitFor(driver, firstWave.slice(0, 10), 120);
      const secondWave = await schedule(driver, "FaultOrchestration", 100, `${prefix}-b-`);
      await server.kill9();
      const { addressChanged } = await server.restart();
      driver = await reconnect(spec, cmd, server, driver, addressChanged);
      const results = await waitFor(driver, [...firstWave, ...secondWave], 150);
      const wrong = results.filter((r) => {
        const i = Number(r.id.slice(r.id.lastIndexOf("-") + 1));
        return r.status !== "COMPLETED" || JSON.stringify(r.output) !== JSON.stringify({ i, b: 2 * i + 1 });
      });
      assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of 200 instances ended wrong`);
      assert.equal(results.length, 200);
    } finally {
      await driver.close();
    }
  }, line);

  faultTest(spec, "SIGTERM stops the server cleanly and every result is still there after a restart", 180_000, async (server, cmd) => {
    let driver = await ready(startDriver(spec, cmd, server, "driver"));
    try {
      const kept = { kept: "across restarts", n: 1 };
      const ids = await schedule(driver, "EmptyOrchestration", 1, `graceful-${randomUUID().slice(0, 8)}-`, kept);
      const before = await waitFor(driver, ids, 60);
      assert.deepEqual(before.map((r) => [r.status, r.output]), [["COMPLETED", kept]]);
      // Stopped with the driver's worker stream and client channel still open.
      const { exit, forced } = await server.stop("SIGTERM");
      assert.equal(forced, false, "the server exits on SIGTERM by itself");
      assert.equal(exit.code, 0, `exit code after SIGTERM (signal ${exit.signal})`);
      const { addressChanged } = await server.restart();
      driver = await reconnect(spec, cmd, server, driver, addressChanged);
      assert.deepEqual(await waitFor(driver, ids, 60), before);
    } finally {
      await driver.close();
    }
  }, line);
}

/**
 * Runs the catalogue on one SDK column: starts the real server process, builds or finds the
 * column's driver (`prepare`), starts it, runs every scenario that is not excluded as a subtest
 * and asserts each reply's `observed` against the scenario's `expect`; excluded scenarios are
 * reported as skipped with their reason. Scenarios run concurrently, then the `alone` ones one
 * by one, then (after `stop-worker`) the `no-worker` ones. Finally it writes the column's
 * results and renders the matrix (matrix.ts). Knows no SDK: a column is a command line.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { PostgresServer } from "../support/postgres-server.ts";
import { DtsServer, type ServerOptions } from "../support/server-process.ts";
import { mapLimit } from "../support/wait.ts";
import { loadCatalogue, loadExclusions, scenarioTimeoutMs, type Exclusions, type Scenario } from "./catalogue.ts";
import { DriverProcess, type DriverCommandLine } from "./driver-process.ts";
import { mismatches } from "./expectation.ts";
import { writeColumn, writeMatrix, type ScenarioResult } from "./matrix.ts";

export interface ColumnSpec {
  /** The matrix column, e.g. `js-ms` or `python-azuremanaged`. */
  readonly column: string;
  /** The driver's directory under `drivers/` (its `exclusions.json` is read from there). */
  readonly driver: string;
  readonly variant: "plain" | "azuremanaged";
  /** Builds or finds the driver; the runner appends `--endpoint`, `--taskhub` and `--variant`. */
  prepare(): Promise<DriverCommandLine>;
  readonly taskHub?: string;
  readonly server?: ServerOptions;
  /** "postgres": the server keeps its state in a PostgreSQL this test starts; the matrix column is `<column>-on-postgres`. */
  readonly store?: "sqlite" | "postgres";
  /** Scenarios in flight at once in the concurrent phase; 12 when absent. */
  readonly concurrency?: number;
  /** The whole column's deadline; 10 minutes when absent (a first build may be slow). */
  readonly timeoutMs?: number;
}

const helloTimeoutMs = 120_000;
const workerTimeoutMs = 60_000;

interface ColumnRun {
  readonly spec: ColumnSpec;
  readonly driver: DriverProcess;
  readonly server: DtsServer;
  readonly exclusions: Exclusions;
  readonly results: Map<string, ScenarioResult>;
}

/** Registers the column's test (call once at the top level of a test file). */
export function runColumn(spec: ColumnSpec): void {
  const catalogue = loadCatalogue();
  const exclusions = loadExclusions(spec.driver, spec.column, catalogue);
  const column = spec.store === "postgres" ? `${spec.column}-on-postgres` : spec.column;
  test(`SDK column ${column}`, { concurrency: true, timeout: spec.timeoutMs ?? 600_000 }, async (t) => {
    const started = Date.now();
    const results = new Map<string, ScenarioResult>();
    let postgres: PostgresServer | undefined;
    let server: DtsServer | undefined;
    let driver: DriverProcess | undefined;
    let sdk = { name: "?", version: "?" };
    try {
      let options = spec.server ?? {};
      if (spec.store === "postgres") {
        postgres = await PostgresServer.start();
        options = { ...options, extraArgs: ["--store", await postgres.createDatabase("sdk"), ...(options.extraArgs ?? [])] };
      }
      server = await DtsServer.start(options);
      const target = { endpoint: server.grpcAddress, taskHub: spec.taskHub ?? "default", variant: spec.variant };
      driver = DriverProcess.start(await spec.prepare(), target, `${column} driver`);
      const hello = await driver.call({ cmd: "hello" }, helloTimeoutMs);
      sdk = { name: String(hello["sdk"]), version: String(hello["version"]) };
      assert.equal(hello["variant"], spec.variant, "the driver runs the variant it was asked for");
      await driver.call({ cmd: "start-worker" }, workerTimeoutMs);
      await runPhases(t, { spec, driver, server, exclusions, results }, catalogue);
    } finally {
      const exit = await driver?.close();
      await server?.dispose();
      await postgres?.dispose();
      for (const s of catalogue) if (!results.has(s.id)) results.set(s.id, { id: s.id, outcome: "fail", detail: "not run (the driver or server did not start)" });
      writeColumn({
        column,
        sdk: sdk.name,
        version: sdk.version,
        finishedAt: new Date().toISOString(),
        durationS: (Date.now() - started) / 1000,
        results: catalogue.map((s) => results.get(s.id) as ScenarioResult),
      });
      process.stdout.write(`\n${writeMatrix(catalogue)}\n`);
      if (exit !== undefined && exit.code !== 0) t.diagnostic(`${column} driver exited with code ${exit.code}, signal ${exit.signal}`);
    }
  });
}

async function runPhases(t: TestContext, run: ColumnRun, catalogue: readonly Scenario[]): Promise<void> {
  const concurrent = catalogue.filter((s) => s.isolation === undefined);
  await mapLimit(concurrent, run.spec.concurrency ?? 12, (s) => runScenario(t, run, s));
  for (const s of catalogue.filter((x) => x.isolation === "alone")) await runScenario(t, run, s);
  const noWorker = catalogue.filter((s) => s.isolation === "no-worker");
  if (noWorker.some((s) => !run.exclusions.has(s.id))) await run.driver.call({ cmd: "stop-worker" }, workerTimeoutMs);
  for (const s of noWorker) await runScenario(t, run, s);
}

async function runScenario(t: TestContext, run: ColumnRun, scenario: Scenario): Promise<void> {
  const reason = run.exclusions.get(scenario.id);
  if (reason !== undefined) {
    run.results.set(scenario.id, { id: scenario.id, outcome: "excluded", detail: reason });
    await t.test(scenario.id, { skip: `excluded for ${run.spec.column} (${reason})` }, () => {});
    return;
  }
  const timeoutMs = scenarioTimeoutMs(scenario);
  await t.test(scenario.id, { timeout: timeoutMs + 10_000 }, async () => {
    const startedAt = Date.now();
    try {
      const reply = await run.driver.request({ cmd: "scenario", id: scenario.id, input: scenario.input }, timeoutMs);
      if (!reply.ok) throw new Error(`the driver failed the scenario: ${String(reply["error"])}`);
      const wrong = mismatches(scenario.expect, reply["observed"]);
      if (wrong.length > 0) throw new Error(`${scenario.id}: observed differs from expect\n${wrong.join("\n")}\nobserved: ${JSON.stringify(reply["observed"])}`);
      run.results.set(scenario.id, { id: scenario.id, outcome: "pass", durationMs: Date.now() - startedAt });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      run.results.set(scenario.id, { id: scenario.id, outcome: "fail", detail: message.split("\n").slice(0, 3).join(" "), durationMs: Date.now() - startedAt });
      throw new Error(`${message}\n${run.server.describeOutput(30)}`, { cause: err });
    }
  });
}

/**
 * The data-plane CLI scenarios (`dts orchestration ...`, `dts entity ...`), run by
 * cli-data-plane.test.ts against an open server and by cli-data-plane-auth.test.ts against one
 * with --auth. Every command runs as a user runs it (node bin/dts.js, a child process) against the
 * real server process, with a worker (test/e2e/fixtures/cli-data-plane-worker.ts, its own process)
 * doing the work; a second scheduler checks the -g/-s and --endpoint targets. No SDK imports here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ChildHandle } from "./child-process.ts";
import { dtsOk, runDts, type CliResult } from "./dts-cli.ts";
import { DtsServer, repoRoot, withServerOutput } from "./server-process.ts";
import { eventually, uniqueId } from "./wait.ts";
import type { Json } from "./json.ts";

export interface DataPlaneTarget {
  readonly server: DtsServer;
  /** The server's HTTP address as the CLI takes it (https://... with --auth). */
  readonly url: string;
  /** Environment of the CLI user: a Durable Task Data Contributor when auth is on. */
  readonly cliEnv: Readonly<Record<string, string>>;
  /** Environment of the worker fixture: its connection string, and a token and CA with auth. */
  readonly workerEnv: Readonly<Record<string, string>>;
}

const WORKER = join(repoRoot, "test", "e2e", "fixtures", "cli-data-plane-worker.ts");

export function assertFails(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

export type ScenarioTest = (title: string, body: () => Promise<void>) => void;

/**
 * Registers the scenarios; `setUp` starts the server (and signs in) before them, and `more` adds
 * tests of this server only (they run before it is stopped).
 */
export function describeDataPlaneCli(name: string, setUp: () => Promise<DataPlaneTarget>, more?: (target: () => DataPlaneTarget, it: ScenarioTest) => void): void {
  let target: DataPlaneTarget | undefined;
  let worker: ChildHandle | undefined;
  const t = () => target as DataPlaneTarget;
  const dts = (args: string[]) => dtsOk(t().url, args, t().cliEnv);
  const json = async (args: string[]): Promise<Json> => JSON.parse(await dts(args));
  const tsv = async (args: string[]) => (await dts([...args, "-o", "tsv"])).trim();
  const fails = async (args: string[], code: number, pattern: RegExp) => assertFails(await runDts(t().url, args, t().cliEnv), code, pattern);
  const statusOf = (id: string, extra: string[] = []) => tsv(["orchestration", "show", "--id", id, ...extra, "--query", "status"]);
  const waitForStatus = (id: string, status: string, extra: string[] = []) =>
    eventually(`${id} to be ${status}`, async () => ((await statusOf(id, extra)) === status ? status : undefined), 60_000, 200);
  // void: node:test reports a failing test itself; the promise test() returns never rejects.
  const it: ScenarioTest = (title, body) => void test(title, { timeout: 180_000 }, withServerOutput(() => [target?.server], body));

  describe(name, () => {
    before(async () => {
      target = await setUp();
      worker = new ChildHandle(process.execPath, ["--import", "tsx", WORKER], { cwd: repoRoot, env: { ...process.env, ...target.workerEnv }, label: "cli data-plane worker", echo: process.env["E2E_SDK_LOGS"] === "1" });
      await worker.waitForLine(/^worker-started$/, 60_000);
    });
    after(async () => {
      await worker?.stop(5_000);
      await target?.server.dispose();
    });

    it("start, show (payloads decoded, --history), list with filters; table and tsv columns; the worker's logger option reaches the SDK", async () => {
      const id = uniqueId("cli-greet");
      const started = await json(["orchestration", "start", "--name", "greet", "--id", id, "--input", '"Tokyo"', "--version", "1.2", "--tags", "team=core", "env=test"]);
      assert.equal(started.instanceId, id);
      assert.equal(started.name, "greet");
      assert.equal(started.version, "1.2");
      assert.deepEqual(started.tags, { env: "test", team: "core" });
      await waitForStatus(id, "COMPLETED");
      const shown = await json(["orchestration", "show", "--id", id]);
      assert.equal(shown.input, "Tokyo", "payloads are shown decoded");
      assert.equal(shown.output, "Hello, Tokyo!");
      assert.equal(shown.failureDetails, null);
      assert.equal(shown.history, undefined);
      const kinds = await tsv(["orchestration", "show", "--id", id, "--history", "--query", "history[].kind"]);
      assert.ok(kinds.split("\n").includes("executionCompleted"), kinds);
      await worker?.waitForLine(/^sdk info: Successfully connected/, 1_000);

      const prefix = id.slice(0, -4);
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--query", "[].instanceId"]), id);
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--status", "completed", "--name", "gree", "--query", "[].instanceId"]), id);
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--status", "Running", "Failed", "--query", "length(@)"]), "0");
      const from = new Date(Date.parse(started.createdAt) - 1_000).toISOString();
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--created-from", from, "--query", "length(@)"]), "1");
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--created-to", from, "--query", "length(@)"]), "0");
      const table = await dts(["orchestration", "list", "--prefix", prefix, "-o", "table"]);
      assert.match(table, new RegExp(`^InstanceId\\s+Name\\s+Status\\s+CreatedAt\\s+LastUpdatedAt\\n-[- ]+\\n${id}\\s+greet\\s+COMPLETED\\s+\\S+Z\\s+\\S+Z\\n$`));
    });

    it("list pages with --top, newest first", async () => {
      const prefix = uniqueId("cli-top");
      for (const n of [1, 2, 3]) await dts(["orchestration", "start", "--name", "greet", "--id", `${prefix}-${n}`, "--input", `"${n}"`, "-o", "none"]);
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--top", "2", "--query", "length(@)"]), "2");
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--query", "length(@)"]), "3");
      await fails(["orchestration", "list", "--top", "0"], 2, /--top: '0' is not an integer from 1 to/);
    });

    it("a scheduled start waits for its time", async () => {
      const id = uniqueId("cli-later");
      const at = new Date(Date.now() + 3_600_000).toISOString();
      const started = await json(["orchestration", "start", "--name", "greet", "--id", id, "--start-at", at]);
      assert.equal(started.scheduledStartAt, at);
      assert.equal(started.status, "PENDING");
    });

    it("suspend, raise-event while suspended, resume: the event is delivered after the resume", async () => {
      const id = uniqueId("cli-wait");
      await dts(["orchestration", "start", "--name", "waitForGo", "--id", id, "-o", "none"]);
      await waitForStatus(id, "RUNNING");
      assert.equal(await dts(["orchestration", "suspend", "--id", id, "--reason", "hold on"]), "");
      await waitForStatus(id, "SUSPENDED");
      assert.equal(await dts(["orchestration", "raise-event", "--id", id, "--event-name", "go", "--event-data", '{"n":1}']), "");
      assert.equal(await dts(["orchestration", "resume", "--id", id, "--reason", "go on"]), "");
      await waitForStatus(id, "COMPLETED");
      assert.deepEqual((await json(["orchestration", "show", "--id", id])).output, { got: { n: 1 } });
    });

    it("terminate: the reason is the output; --recursive ends the sub-orchestration too, without it the child runs on", async () => {
      for (const recursive of [true, false]) {
        const id = uniqueId("cli-parent");
        const childId = uniqueId("cli-child");
        await dts(["orchestration", "start", "--name", "parentOfWaiter", "--id", id, "--input", JSON.stringify(childId), "-o", "none"]);
        await waitForStatus(childId, "RUNNING");
        await dts(["orchestration", "terminate", "--id", id, "--reason", "enough", ...(recursive ? ["--recursive"] : [])]);
        await waitForStatus(id, "TERMINATED");
        assert.equal((await json(["orchestration", "show", "--id", id])).output, "enough");
        if (recursive) {
          await waitForStatus(childId, "TERMINATED");
        } else {
          assert.equal(await statusOf(childId), "RUNNING");
          await dts(["orchestration", "raise-event", "--id", childId, "--event-name", "go"]);
          await waitForStatus(childId, "COMPLETED");
        }
      }
    });

    it("rewind a failed instance; restart a finished one under its id and under a new one", async () => {
      const id = uniqueId("cli-flaky");
      await dts(["orchestration", "start", "--name", "failOnce", "--id", id, "--input", JSON.stringify(id), "-o", "none"]);
      await waitForStatus(id, "FAILED");
      assert.match((await json(["orchestration", "show", "--id", id])).failureDetails.errorMessage, /first run of .* fails/);
      assert.equal(await dts(["orchestration", "rewind", "--id", id, "--reason", "try again"]), "");
      await waitForStatus(id, "COMPLETED");
      assert.equal((await json(["orchestration", "show", "--id", id])).output, `ok ${id}`);

      const before = await json(["orchestration", "show", "--id", id]);
      assert.deepEqual(await json(["orchestration", "restart", "--id", id]), { instanceId: id });
      await eventually("a new execution", async () => ((await json(["orchestration", "show", "--id", id])).executionId !== before.executionId ? true : undefined), 60_000, 200);
      await waitForStatus(id, "COMPLETED");
      const fresh = (await json(["orchestration", "restart", "--id", id, "--new-instance-id"])).instanceId;
      assert.notEqual(fresh, id);
      await waitForStatus(fresh, "COMPLETED");
      assert.equal((await json(["orchestration", "show", "--id", fresh])).input, id);
    });

    it("purge by id and by filter; only with --yes without a terminal; running ones are kept", async () => {
      const prefix = uniqueId("cli-purge");
      const ids = [1, 2, 3].map((n) => `${prefix}-${n}`);
      for (const id of ids) await dts(["orchestration", "start", "--name", "greet", "--id", id, "--input", '"x"', "-o", "none"]);
      const running = `${prefix}-running`;
      await dts(["orchestration", "start", "--name", "waitForGo", "--id", running, "-o", "none"]);
      for (const id of ids) await waitForStatus(id, "COMPLETED");

      await fails(["orchestration", "purge", "--id", ids[0] as string], 1, /^ERROR: Unable to prompt for confirmation as no tty available\. Use --yes\.\n$/);
      assert.equal(await statusOf(ids[0] as string), "COMPLETED", "nothing was purged");
      assert.deepEqual(await json(["orchestration", "purge", "--id", ids[0] as string, "--yes"]), { deletedInstanceCount: 1, isComplete: true });
      await fails(["orchestration", "show", "--id", ids[0] as string], 1, /\(NotFound\) orchestration instance .* does not exist/);
      await fails(["orchestration", "purge", "--status", "running", "--yes"], 2, /only finished orchestrations can be purged/);
      await fails(["orchestration", "purge", "--yes"], 2, /give --id, or at least one filter/);
      assert.deepEqual(await json(["orchestration", "purge", "--prefix", prefix, "--yes"]), { deletedInstanceCount: 2, isComplete: true });
      assert.equal(await tsv(["orchestration", "list", "--prefix", prefix, "--query", "[].instanceId"]), running, "the running one is kept");
      await dts(["orchestration", "terminate", "--id", running]);
    });

    it("entities: list, show with state, table columns, delete (applied by the worker)", async () => {
      const key = uniqueId("k");
      const id = uniqueId("cli-counter");
      await dts(["orchestration", "start", "--name", "addToCounter", "--id", id, "--input", JSON.stringify({ key, amount: 5 }), "-o", "none"]);
      await waitForStatus(id, "COMPLETED");
      const entityId = `@counter@${key}`;
      assert.ok((await tsv(["entity", "list", "--name", "counter", "--top", "500", "--query", "[].instanceId"])).split("\n").includes(entityId));
      assert.ok((await tsv(["entity", "list", "--prefix", "count", "--top", "500", "--query", "[].key"])).split("\n").includes(key));
      const shown = await json(["entity", "show", "--id", entityId]);
      assert.deepEqual([shown.name, shown.key, shown.state], ["counter", key, 5]);
      assert.deepEqual(await json(["entity", "show", "--name", "counter", "--key", key]), shown);
      assert.match(await dts(["entity", "show", "--id", entityId, "-o", "table"]), new RegExp(`^InstanceId\\s+Name\\s+Key\\s+LastModifiedAt\\s+Backlog\\s+LockedBy\\n-[- ]+\\n${entityId}\\s+counter\\s+${key}\\s+\\S+Z\\s+0\\n$`));
      await fails(["entity", "delete", "--id", entityId], 1, /Use --yes/);
      assert.equal(await dts(["entity", "delete", "--id", entityId, "--yes"]), "");
      await eventually("the entity to be deleted", async () => ((await runDts(t().url, ["entity", "show", "--id", entityId], t().cliEnv)).code === 1 ? true : undefined), 60_000, 200);
      await fails(["entity", "show", "--id", entityId], 1, /\(NotFound\) entity .* does not exist/);
    });

    it("another scheduler's task hub by -g/-s and by --endpoint", async () => {
      await dts(["group", "create", "-n", "rg-data", "-l", "westus", "-o", "none"]);
      await dts(["scheduler", "create", "-n", "data-sched", "-g", "rg-data", "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "consumption", "-o", "none"]);
      await dts(["taskhub", "create", "-n", "orders", "-g", "rg-data", "-s", "data-sched", "-o", "none"]);
      const endpoint = await tsv(["scheduler", "show", "-n", "data-sched", "-g", "rg-data", "--query", "properties.endpoint"]);
      const id = uniqueId("cli-other");
      const started = await json(["orchestration", "start", "--name", "greet", "--id", id, "-g", "rg-data", "-s", "data-sched", "--taskhub", "orders"]);
      assert.equal(started.status, "PENDING", "no worker serves that hub");
      assert.equal(await tsv(["orchestration", "list", "--endpoint", endpoint, "--taskhub", "orders", "--query", "[].instanceId"]), id);
      assert.equal(await statusOf(id, ["--endpoint", endpoint, "--taskhub", "orders"]), "PENDING");
      await fails(["orchestration", "show", "--id", id], 1, /\(NotFound\)/);
      await fails(["orchestration", "list", "-s", "data-sched"], 2, /--scheduler-name\/-s and --resource-group\/-g go together/);
      await fails(["orchestration", "list", "-g", "rg-data", "-s", "data-sched", "--taskhub", "nope"], 1, /\(NotFound\) task hub .*nope.* does not exist/);
      await fails(["orchestration", "list", "--endpoint", "http://127.0.0.1:1"], 1, /no scheduler of subscription 'default' has the endpoint http:\/\/127\.0\.0\.1:1/);
    });

    it("bad input is one line with exit code 2, before anything is sent; typos get a suggestion", async () => {
      await fails(["orchestration", "start", "--name", "greet", "--input", "Tokyo"], 2, /--input: 'Tokyo' is not JSON; a string needs quotes/);
      await fails(["orchestration", "list", "--status", "done"], 2, /--status: invalid choice: 'done'/);
      await fails(["orchestration", "list", "--created-from", "yesterday"], 2, /--created-from: 'yesterday' is not an ISO-8601 time/);
      await fails(["orchestration", "show"], 2, /required: --id\/--instance-id/);
      await fails(["orchestration", "lsit"], 2, /'lsit' is not a 'dts orchestration' command .*; did you mean 'list'\?/);
      await fails(["orchestration", "list", "--staus", "running"], 2, /unrecognized argument --staus; did you mean --status\?/);
      await fails(["entity", "show", "--name", "counter"], 2, /give --id @name@key, or --name and --key/);
    });

    more?.(t, it);
  });
}

/**
 * The data-plane CLI scenarios (test/support/cli-data-plane-scenarios.ts) against `dts serve
 * --auth` over TLS: the CLI signs in as the bootstrap admin (granted Durable Task Data Contributor
 * on the subscription) and the worker sends the admin's token. Also what a Data Reader may and may
 * not do, and a CLI that is not signed in.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { assertFails, describeDataPlaneCli } from "../support/cli-data-plane-scenarios.ts";
import { dtsOk, runDts } from "../support/dts-cli.ts";
import { DtsServer } from "../support/server-process.ts";

const configDirs: string[] = [];
function freshConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "dts-cli-config-"));
  configDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
});

const SCHED = "/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default";

describeDataPlaneCli(
  "data-plane CLI, server with --auth",
  async () => {
    const server = await DtsServer.start({ extraArgs: ["--auth", "--scheduler-ports", "0"] });
    const url = `https://${server.httpAddress}`;
    const caFile = join(server.dataDir, "tls", "ca.pem");
    const cliEnv = { DTS_CONFIG_DIR: freshConfig(), DTS_CA_FILE: caFile };
    await dtsOk(url, ["login", "-u", "admin", "--password-file", join(server.dataDir, "admin-password.txt"), "-o", "none"], cliEnv);
    // Owner at / has no data role, as in Azure: the admin grants itself one.
    await dtsOk(url, ["role", "assignment", "create", "--assignee", "admin", "--role", "Durable Task Data Contributor", "--scope", "/subscriptions/default", "-o", "none"], cliEnv);
    const session = JSON.parse(readFileSync(join(cliEnv.DTS_CONFIG_DIR, "session.json"), "utf8")) as { sessions: Record<string, { accessToken: string }> };
    const token = (Object.values(session.sessions)[0] as { accessToken: string }).accessToken;
    const endpoint = (await dtsOk(url, ["scheduler", "show", "-g", "default", "-n", "default", "--query", "properties.endpoint", "-o", "tsv"], cliEnv)).trim();
    assert.match(endpoint, /^https:\/\//);
    const workerEnv = {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: `Endpoint=${endpoint};Authentication=None;TaskHub=default`,
      DTS_TEST_TOKEN: token,
      NODE_EXTRA_CA_CERTS: caFile,
      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: caFile,
    };
    return { server, url, cliEnv, workerEnv };
  },
  (target, it) => {
    it("a Data Reader lists and shows but may not start; a CLI that is not signed in is told to sign in", async () => {
      const { url, cliEnv } = target();
      await dtsOk(url, ["ad", "user", "create", "--id", "reader@example.com", "--password", "reader-password-1", "-o", "none"], cliEnv);
      await dtsOk(url, ["role", "assignment", "create", "--assignee", "reader@example.com", "--role", "Durable Task Data Reader", "--scope", SCHED, "-o", "none"], cliEnv);
      const reader = { DTS_CONFIG_DIR: freshConfig(), DTS_CA_FILE: cliEnv.DTS_CA_FILE as string };
      await dtsOk(url, ["login", "-u", "reader@example.com", "-p", "reader-password-1", "-o", "none"], reader);
      assert.ok(Number(await dtsOk(url, ["orchestration", "list", "--query", "length(@)", "-o", "tsv"], reader)) > 0);
      assert.equal((await dtsOk(url, ["entity", "list", "--query", "type(@)", "-o", "tsv"], reader)).trim(), "array");
      assertFails(await runDts(url, ["orchestration", "start", "--name", "greet"], reader), 1, /^ERROR: \(PermissionDenied\) This action needs the role 'Durable Task Data Contributor'.*Ask an Owner for a role assignment/);
      assertFails(await runDts(url, ["orchestration", "list", "-g", "rg-data", "-s", "data-sched", "--taskhub", "orders"], reader), 1, /\(PermissionDenied\) Reading needs the role/);
      const anonymous = { DTS_CONFIG_DIR: freshConfig(), DTS_CA_FILE: cliEnv.DTS_CA_FILE as string };
      assertFails(await runDts(url, ["orchestration", "list"], anonymous), 1, /^ERROR: \(Unauthenticated\) .*You are not signed in to https:.*'dts login/);
    });
  },
);

/**
 * The Python azuremanaged client and worker against `dts serve --auth`: over TLS (the server's
 * own CA, trusted through GRPC_DEFAULT_SSL_ROOTS_FILE_PATH and REQUESTS_CA_BUNDLE) with a token
 * that azure-identity's ManagedIdentityCredential takes from the server's App Service
 * managed-identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER). The identity, its role on the
 * hub and the app are set up with the `dts` CLI as a user would. The same driver with no
 * credential is refused, so the token is what lets the orchestration run.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dtsOk } from "../support/dts-cli.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { loadCatalogue } from "./catalogue.ts";
import { DriverProcess } from "./driver-process.ts";
import { pythonDriver } from "./drivers/python/venv.ts";
import { mismatches } from "./expectation.ts";

const HUB_SCOPE = "/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default/taskHubs/default";
const callTimeoutMs = 90_000;

let server: DtsServer;
let configDir = "";
let caFile = "";
const drivers: DriverProcess[] = [];

before(async () => {
  server = await DtsServer.start({ extraArgs: ["--auth"] });
  caFile = join(server.dataDir, "tls", "ca.pem");
  configDir = mkdtempSync(join(tmpdir(), "dts-python-auth-"));
  await admin(["login", "--username", "admin", "--password-file", join(server.dataDir, "admin-password.txt"), "--ca-file", caFile, "-o", "none"]);
});

after(async () => {
  for (const driver of drivers) await driver.close();
  await server?.dispose();
  if (configDir !== "") rmSync(configDir, { recursive: true, force: true });
});

function admin(args: string[]): Promise<string> {
  return dtsOk(`https://${server.httpAddress}`, args, { DTS_CONFIG_DIR: configDir });
}

/** An identity with Durable Task Data Contributor on the default hub, assigned to an app; the app's environment. */
async function appWithIdentity(): Promise<{ clientId: string; env: Record<string, string> }> {
  const identity = JSON.parse(await admin(["identity", "create", "-g", "default", "-n", "python-app-id"])) as { clientId: string; id: string };
  await admin(["role", "assignment", "create", "--assignee", identity.clientId, "--role", "Durable Task Data Contributor", "--scope", HUB_SCOPE, "-o", "none"]);
  await admin(["app", "create", "-g", "default", "-n", "python-app", "-o", "none"]);
  await admin(["app", "identity", "assign", "-g", "default", "-n", "python-app", "--identities", identity.id, "-o", "none"]);
  const env = JSON.parse(await admin(["app", "env", "-g", "default", "-n", "python-app"])) as Record<string, string>;
  return { clientId: identity.clientId, env };
}

async function startDriver(extraArgs: string[], env: Record<string, string>): Promise<DriverProcess> {
  const line = await pythonDriver([...extraArgs, "--endpoint", server.grpcAddress, "--taskhub", "default", "--variant", "azuremanaged", "--tls"]);
  const driver = new DriverProcess({ ...line, env: { ...line.env, ...env, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: caFile, REQUESTS_CA_BUNDLE: caFile } }, "python --auth driver");
  drivers.push(driver);
  await driver.call({ cmd: "hello" }, callTimeoutMs);
  await driver.call({ cmd: "start-worker" }, callTimeoutMs);
  return driver;
}

const scenario = loadCatalogue().find((s) => s.id === "activity-sequence");

test("--auth: the Python azuremanaged client runs an orchestration over TLS with a managed-identity token", { timeout: 300_000 }, withServerOutput(() => [server], async () => {
  assert.ok(scenario !== undefined, "the catalogue has activity-sequence");
  const { clientId, env } = await appWithIdentity();
  assert.deepEqual(Object.keys(env).sort(), ["IDENTITY_ENDPOINT", "IDENTITY_HEADER"]);

  const withToken = await startDriver(["--managed-identity-client-id", clientId], env);
  const reply = await withToken.request({ cmd: "scenario", id: scenario.id, input: scenario.input }, callTimeoutMs);
  assert.equal(reply.ok, true, `the driver failed: ${String(reply["error"])}\n${withToken.describeOutput()}`);
  assert.deepEqual(mismatches(scenario.expect, reply["observed"]), []);

  const withoutToken = await startDriver([], {});
  const refused = await withoutToken.request({ cmd: "scenario", id: scenario.id, input: scenario.input }, callTimeoutMs);
  assert.equal(refused.ok, false);
  assert.match(String(refused["error"]), /UNAUTHENTICATED/);
}));

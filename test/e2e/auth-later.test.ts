/**
 * Switching `--auth` on later over the same data directory, with real server processes: what
 * anyone made while auth was off (a user holding Owner at `/`) makes an `--auth` start refuse,
 * naming the entries and the flag; `--trust-grants-made-without-auth` keeps them, the first such
 * start still makes the admin, and later `--auth` starts need no flag. A user made with auth on
 * needs no confirmation.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, secureCall, type SecureTarget } from "../dashboard/dashboard-support.ts";
import { DtsServer } from "../support/server-process.ts";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
let dataDir = "";

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "dts-auth-later-"));
});

after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function withServer(args: string[], body: (server: DtsServer) => Promise<void>): Promise<void> {
  const server = await DtsServer.start({ dataDir, extraArgs: args });
  try {
    await body(server);
  } finally {
    await server.dispose();
  }
}

const secure = (server: DtsServer): SecureTarget => ({ http: server.httpAddress, ca: readFileSync(join(dataDir, "tls", "ca.pem")) });
const login = (target: SecureTarget, username: string, password: string) => secureCall(target, "POST", "/auth/login", { body: { username, password }, hub: null });

test("grants made without auth: refused at the --auth start, kept with the flag, and the admin is still made", async () => {
  await withServer([], async (open) => {
    assert.equal((await call(open.httpAddress, "PUT", "/users/mallory", { password: "mallory's password" }, null)).status, 201);
    const grant = await call(open.httpAddress, "PUT", `/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, { properties: { roleDefinitionId: OWNER, principalId: "mallory" } }, null);
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
  });

  const refused = await DtsServer.start({ dataDir, extraArgs: ["--auth"] }).then(() => "started", (error: Error) => error.message);
  assert.match(refused, /exited \(code 2/);
  assert.match(refused, /--auth: this database holds 2 entries made while auth was off/);
  assert.match(refused, /user 'mallory'; role assignment '[0-9a-f-]+' \(Owner for 'mallory' at \/\)/);
  assert.match(refused, /start once with --trust-grants-made-without-auth to keep them/);
  assert.ok(!existsSync(join(dataDir, "admin-password.txt")), "a refused start makes no admin");

  await withServer(["--auth", "--trust-grants-made-without-auth"], async (server) => {
    assert.match(server.describeOutput(), /trusting user 'mallory', made while auth was off \(--trust-grants-made-without-auth\)/);
    const password = readFileSync(join(dataDir, "admin-password.txt"), "utf8").trim();
    assert.equal((await login(secure(server), "admin", password)).status, 200, "the first --auth start made the admin");
    const mallory = await login(secure(server), "mallory", "mallory's password");
    assert.equal(mallory.status, 200);
    const groups = await secureCall(secure(server), "GET", "/subscriptions/default/resourceGroups", { hub: null, token: mallory.body.accessToken });
    assert.equal(groups.status, 200, "the confirmed Owner grant holds");
  });

  await withServer(["--auth"], async (server) => {
    assert.equal((await secureCall(secure(server), "GET", "/healthz", { hub: null })).status, 200, "confirmed once, later --auth starts need no flag");
    const admin = await login(secure(server), "admin", readFileSync(join(dataDir, "admin-password.txt"), "utf8").trim());
    assert.equal((await secureCall(secure(server), "PUT", "/users/trent", { body: { password: "trent's password" }, hub: null, token: admin.body.accessToken })).status, 201);
  });

  await withServer(["--auth"], async (server) => {
    assert.equal((await login(secure(server), "trent", "trent's password")).status, 200, "a user made with auth on needs no confirmation");
  });
});

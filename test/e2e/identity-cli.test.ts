/**
 * The seed's identity walkthrough through the `dts` CLI (node bin/dts.js, `dts` for `az`) against
 * a real `dts serve --auth` process over TLS: sign in as the bootstrap admin, create an identity,
 * grant it the data role at hub and scheduler scope, create an app, assign the identity, set the
 * two settings, take `dts app env`, and run an app in a child process (the ./client export, the
 * real @azure/identity and @microsoft/durabletask-js) with that environment. Also: the user,
 * identity and role-assignment commands, their error messages, sign-out, and signing-key rotation.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dtsOk, runDts, type CliResult } from "../support/dts-cli.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import type { Json } from "../support/json.ts";

let server: DtsServer;
let url = "";
let caFile = "";
const configDirs: string[] = [];
/** The admin's config dir: `dts login` keeps the token (and the --ca-file) there. */
let admin: Record<string, string> = {};

const SCHED = "/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default";

function freshConfig(extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "dts-cli-config-"));
  configDirs.push(dir);
  return { DTS_CONFIG_DIR: dir, ...extra };
}
const dts = (args: string[], env = admin): Promise<string> => dtsOk(url, args, env);
const tsv = async (args: string[], env = admin): Promise<string> => (await dts([...args, "--output", "tsv"], env)).trim();
const json = async (args: string[], env = admin): Promise<Json> => JSON.parse(await dts(args, env));

function assertFails(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

function it(name: string, body: () => Promise<void>): void {
  test(name, { timeout: 120_000 }, withServerOutput(() => [server], body));
}

before(async () => {
  server = await DtsServer.start({ extraArgs: ["--auth"] });
  url = `https://${server.httpAddress}`;
  caFile = join(server.dataDir, "tls", "ca.pem");
  admin = freshConfig();
  const login = await json(["login", "--username", "admin", "--password-file", join(server.dataDir, "admin-password.txt"), "--ca-file", caFile]);
  assert.equal(login.user.name, "admin");
  assert.equal(statSync(login.tokenFile).mode & 0o777, 0o600, "the token file is private");
});

after(async () => {
  await server?.dispose();
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
});

it("seed walkthrough through the CLI: identity, roles at hub and scheduler, app, settings, env; the app completes an orchestration over TLS", async () => {
  await dts(["durabletask", "taskhub", "create", "--resource-group", "default", "--scheduler-name", "default", "--name", "orders-hub", "-o", "none"]);
  const identity = await json(["identity", "create", "-g", "default", "-n", "orders-id"]);
  for (const key of ["clientId", "principalId", "tenantId", "id"]) assert.equal(typeof identity[key], "string", key);
  const assignee = await tsv(["identity", "show", "--name", "orders-id", "--resource-group", "default", "--query", "clientId"]);
  assert.equal(assignee, identity.clientId);

  for (const scope of [`${SCHED}/taskHubs/orders-hub`, SCHED]) {
    const granted = await json(["role", "assignment", "create", "--assignee", assignee, "--role", "Durable Task Data Contributor", "--scope", scope]);
    for (const key of ["roleDefinitionId", "roleDefinitionName", "principalId", "principalName", "principalType", "scope", "createdOn", "createdBy", "id", "name", "type"]) assert.ok(key in granted, key);
    assert.equal(granted.roleDefinitionName, "Durable Task Data Contributor");
    assert.equal(granted.roleDefinitionId, "/subscriptions/default/providers/Microsoft.Authorization/roleDefinitions/0ad04412-c4d5-4796-b79c-f76d14c8d402");
    assert.equal(granted.principalId, identity.principalId);
    assert.equal(granted.principalName, "orders-id");
    assert.equal(granted.principalType, "ServicePrincipal");
    assert.equal(granted.scope, scope);
    assert.equal(granted.createdBy, "admin");
    assert.equal(granted.id, `${scope}/providers/Microsoft.Authorization/roleAssignments/${granted.name}`);
    assert.equal(granted.type, "Microsoft.Authorization/roleAssignments");
  }

  await dts(["app", "create", "-g", "default", "-n", "orders", "-o", "none"]);
  const resourceId = await tsv(["resource", "show", "--resource-group", "default", "--name", "orders-id", "--resource-type", "Microsoft.ManagedIdentity/userAssignedIdentities", "--query", "id"]);
  assert.equal(resourceId, identity.id);
  const assigned = await json(["functionapp", "identity", "assign", "--resource-group", "default", "--name", "orders", "--identities", resourceId]);
  assert.equal(assigned.userAssignedIdentities[resourceId].clientId, identity.clientId);

  const endpoint = await tsv(["durabletask", "scheduler", "show", "--resource-group", "default", "--name", "default", "--query", "properties.endpoint"]);
  assert.match(endpoint, /^https:\/\//, "with --auth the endpoint is TLS");
  const connection = `Endpoint=${endpoint};Authentication=ManagedIdentity;ClientID=${assignee}`;
  await dts(["functionapp", "config", "appsettings", "set", "--resource-group", "default", "--name", "orders", "--settings", `DURABLE_TASK_SCHEDULER_CONNECTION_STRING=${connection}`, "-o", "none"]);
  await dts(["app", "config", "appsettings", "set", "-g", "default", "-n", "orders", "--settings", "TASKHUB_NAME=orders-hub", "-o", "none"]);
  assert.equal(await tsv(["app", "config", "appsettings", "list", "-g", "default", "-n", "orders", "--query", "[?name=='TASKHUB_NAME'].value"]), "orders-hub");

  const env = await json(["app", "env", "-g", "default", "-n", "orders"]);
  assert.deepEqual(Object.keys(env).sort(), ["DURABLE_TASK_SCHEDULER_CONNECTION_STRING", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "TASKHUB_NAME"]);
  assert.equal(env.DURABLE_TASK_SCHEDULER_CONNECTION_STRING, connection);
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [join(repoRoot, "test/e2e/fixtures/identity-app.mjs")], { cwd: repoRoot, timeout: 60_000, env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: caFile, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: caFile } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
  );
  assert.match(output, /RESULT 1 "Hello, identity!"/);
});

it("app env -o env prints export lines a shell reads back; app run runs a program with the app's environment and ends with its exit code", async () => {
  await dts(["app", "create", "-g", "default", "-n", "runner", "-o", "none"]);
  await dts(["app", "config", "appsettings", "set", "-g", "default", "-n", "runner", "--settings", "GREETING=it's $HOME; `x`", "TASKHUB_NAME=runner-hub", "-o", "none"]);
  const env = await json(["app", "env", "-g", "default", "-n", "runner"]);
  const lines = await dts(["app", "env", "-g", "default", "-n", "runner", "-o", "env"]);
  assert.match(lines, /^(export [A-Z_]+='.*'\n)+$/);
  const echoed = await new Promise<string>((resolve, reject) =>
    execFile("sh", ["-c", `${lines}printf '%s|%s|%s' "$GREETING" "$TASKHUB_NAME" "$IDENTITY_HEADER"`], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  assert.equal(echoed, `it's $HOME; \`x\`|runner-hub|${env.IDENTITY_HEADER}`, "the shell reads back the exact values");

  const program = "process.stdout.write([process.env.GREETING, process.env.TASKHUB_NAME, process.env.IDENTITY_ENDPOINT, process.env.KEPT].join('|')); process.exit(3)";
  const ran = await runDts(url, ["app", "run", "-g", "default", "-n", "runner", "--", process.execPath, "-e", program], { ...admin, KEPT: "from the caller" });
  assert.equal(ran.code, 3, ran.stderr);
  assert.equal(ran.stdout, `it's $HOME; \`x\`|runner-hub|${env.IDENTITY_ENDPOINT}|from the caller`);
  assertFails(await runDts(url, ["app", "run", "-g", "default", "-n", "runner"], admin), 2, /give the command to run after --/);
  assertFails(await runDts(url, ["app", "run", "-g", "default", "-n", "runner", "--", "no-such-program-here"], admin), 1, /^ERROR: cannot run 'no-such-program-here': command not found\n$/);
  assertFails(await runDts(url, ["app", "show", "-g", "default", "-n", "runner", "--", "x"], admin), 2, /takes no command after --/);
});

it("users: create, show, list, sign in, role grant and revoke, delete", async () => {
  const bob = await json(["ad", "user", "create", "--id", "bob@example.com", "--password", "correct horse battery"]);
  assert.equal(bob.userPrincipalName, "bob@example.com");
  assert.equal(bob.password, undefined, "a given password is not echoed");
  assert.equal(await tsv(["ad", "user", "show", "--id", "bob@example.com", "--query", "id"]), bob.id);
  assert.equal(await tsv(["ad", "user", "show", "--id", bob.id, "--query", "userPrincipalName"]), "bob@example.com", "--id takes the object id too");
  const carol = await json(["ad", "user", "create", "--id", "carol@example.com"]);
  assert.ok(carol.password.length >= 16, "without --password one is generated and printed once");
  assert.deepEqual((await tsv(["ad", "user", "list", "--query", "[].userPrincipalName"])).split("\n").sort(), ["admin", "bob@example.com", "carol@example.com"]);

  // Carol signs in (password from the environment, CA from DTS_CA_FILE); without a role she is refused.
  const asCarol = freshConfig({ DTS_CA_FILE: caFile });
  await dts(["login", "-u", "carol@example.com", "-o", "none"], { ...asCarol, DTS_PASSWORD: carol.password });
  assertFails(await runDts(url, ["group", "list"], asCarol), 1, /^ERROR: \(PermissionDenied\) .*Ask an Owner for a role assignment/);
  const grant = await json(["role", "assignment", "create", "--assignee", "carol@example.com", "--role", "Reader", "--scope", "/subscriptions/default"]);
  assert.equal(grant.principalType, "User");
  assert.equal(await tsv(["group", "list", "--query", "[].name"], asCarol), "default", "a grant applies at once on this node");
  const listed = await json(["role", "assignment", "list", "--assignee", "carol@example.com"]);
  assert.deepEqual(listed.map((a: Json) => [a.principalName, a.roleDefinitionName, a.scope]), [["carol@example.com", "Reader", "/subscriptions/default"]]);
  assert.equal(await tsv(["role", "assignment", "list", "--all", "--query", "[?principalName=='admin'].roleDefinitionName"]), "Owner");
  assert.match(await dts(["role", "assignment", "list", "--assignee", "carol@example.com", "-o", "table"]), /^Principal\s+Role\s+Scope\n-+.*\ncarol@example\.com\s+Reader\s+\/subscriptions\/default\n$/);
  assertFails(await runDts(url, ["role", "assignment", "create", "--assignee", "bob@example.com", "--role", "Owner", "--scope", "/"], asCarol), 1, /\(PermissionDenied\)/);

  assert.equal(await dts(["role", "assignment", "delete", "--assignee", "carol@example.com", "--role", "Reader", "--scope", "/subscriptions/default"]), "");
  assert.deepEqual(await json(["role", "assignment", "list", "--assignee", "carol@example.com"]), []);
  assertFails(await runDts(url, ["group", "list"], asCarol), 1, /\(PermissionDenied\)/);
  assertFails(await runDts(url, ["role", "assignment", "delete", "--assignee", "carol@example.com", "--scope", "/subscriptions/default"], admin), 1, /No matched assignments were found to delete/);

  const byId = await json(["role", "assignment", "create", "--assignee", bob.id, "--role", "d6a5505f-6ebb-45a4-896e-ac8274cfc0ac", "--scope", SCHED]);
  assert.equal(byId.roleDefinitionName, "Durable Task Data Reader", "--role takes a role-definition id");
  assert.equal(await dts(["role", "assignment", "delete", "--ids", byId.id]), "");
  assert.deepEqual(await json(["role", "assignment", "list", "--scope", SCHED, "--assignee", "bob@example.com"]), []);

  assert.equal(await dts(["ad", "user", "delete", "--id", "carol@example.com"]), "");
  assertFails(await runDts(url, ["group", "list"], asCarol), 1, /^ERROR: \(Unauthenticated\) .*not known.*Run 'dts login'/);
  assertFails(await runDts(url, ["ad", "user", "show", "--id", "carol@example.com"], admin), 1, /\(ResourceNotFound\)/);
  assert.equal(await dts(["logout"], asCarol), "");
  assertFails(await runDts(url, ["group", "list"], asCarol), 1, /^ERROR: \(Unauthenticated\) .*You are not signed in to https:.*dts login/);
});

it("identities: list by group and everywhere, show, delete", async () => {
  await dts(["group", "create", "-n", "rg-ids", "-l", "westus", "-o", "none"]);
  const made = await json(["identity", "create", "-g", "rg-ids", "-n", "worker-id"]);
  assert.equal(made.location, "westus", "the location defaults to the resource group's");
  assert.equal(made.resourceGroup, "rg-ids");
  assert.equal(await tsv(["identity", "list", "-g", "rg-ids", "--query", "[].name"]), "worker-id");
  assert.ok((await tsv(["identity", "list", "--query", "[].name"])).split("\n").includes("worker-id"));
  assert.equal(await dts(["identity", "delete", "-g", "rg-ids", "-n", "worker-id"]), "");
  assertFails(await runDts(url, ["identity", "show", "-g", "rg-ids", "-n", "worker-id"], admin), 1, /^ERROR: \(ResourceNotFound\) /);
});

it("errors are one line: missing flags, unknown role, unknown assignee, bad login, untrusted CA, http against TLS", async () => {
  const cases: [string[], number, RegExp][] = [
    [["identity", "create", "-n", "x"], 2, /required: --resource-group\/-g/],
    [["role", "assignment", "create", "--assignee", "x", "--role", "Nope", "--scope", SCHED], 2, /Role 'Nope' doesn't exist/],
    [["role", "assignment", "create", "--role", "Reader", "--scope", SCHED], 2, /exactly one of --assignee, --assignee-object-id/],
    [["role", "assignment", "create", "--assignee", "bob@example.com", "--role", "Reader"], 2, /required: --scope/],
    [["role", "assignment", "create", "--assignee", "nobody@example.com", "--role", "Reader", "--scope", SCHED], 1, /Cannot find user or service principal in graph database for 'nobody@example.com'/],
    [["role", "assignment", "delete"], 2, /give --ids, or at least one of/],
    [["app", "config", "appsettings", "set", "-g", "default", "-n", "orders", "--settings", "NOEQUALS"], 2, /'NOEQUALS' is not KEY=VALUE/],
    [["app", "show", "-g", "default", "-n", "missing-app"], 1, /\(ResourceNotFound\)/],
    [["login", "-u", "admin", "-p", "wrong-password"], 1, /^ERROR: \(Unauthenticated\) the user name or password is wrong\n$/],
    [["login", "-p", "x"], 2, /user name is required/],
    [["group", "list", "--ca-file", "/nonexistent/ca.pem"], 2, /--ca-file: the file '\/nonexistent\/ca.pem' does not exist/],
  ];
  for (const [args, code, pattern] of cases) assertFails(await runDts(url, args, admin), code, pattern);
  const noCa = freshConfig();
  assertFails(await runDts(url, ["login", "-u", "admin", "-p", "x"], noCa), 1, /TLS certificate of https:.* is not trusted .*--ca-file/);
  assertFails(await runDts(`http://${server.httpAddress}`, ["group", "list"], noCa), 1, /cannot reach the dts server at http:.*use https:\/\//);
  for (const args of [["role", "assignment"], ["login", "--help"], ["role", "--help"], ["role", "assignment", "create", "--help"], ["app", "config", "appsettings", "--help"], ["ad", "user", "--help"]]) {
    const result = await runDts(url, args, admin);
    assert.equal(result.code, 0, args.join(" "));
    assert.match(result.stdout, /^usage: dts/);
  }
});

it("signing-key rotation: tokens issued before keep working, the JWKS has both keys, new tokens use the new kid", async () => {
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0] as string, "base64url").toString()).kid as string;
  const sessionToken = (env: Record<string, string>) => Object.values(JSON.parse(readFileSync(join(env["DTS_CONFIG_DIR"] as string, "session.json"), "utf8")).sessions as Record<string, { accessToken: string }>)[0]!.accessToken;
  const oldKid = kidOf(sessionToken(admin));
  assert.equal(await tsv(["signing-key", "list", "--query", "[?active].kid"]), oldKid);

  const rotated = await json(["signing-key", "rotate"]);
  assert.notEqual(rotated.kid, oldKid);
  assert.deepEqual(rotated.keys.map((k: Json) => [k.kid, k.active]), [[oldKid, false], [rotated.kid, true]]);
  assert.ok(Date.parse(rotated.keys[0].trustedUntil) > Date.now() + 3_000_000, "the old key is trusted for the token lifetime");
  const jwks = await new Promise<{ keys: { kid: string }[] }>((resolve, reject) =>
    httpsGet(`${url}/.well-known/jwks.json`, { ca: readFileSync(caFile) }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve(JSON.parse(text)));
    }).on("error", reject),
  );
  assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [oldKid, rotated.kid].sort());

  assert.equal(await tsv(["group", "show", "-n", "default", "--query", "name"]), "default", "the token from before the rotation still works");
  const again = freshConfig({ DTS_CA_FILE: caFile });
  await dts(["login", "-u", "admin", "--password-file", join(server.dataDir, "admin-password.txt"), "-o", "none"], again);
  assert.equal(kidOf(sessionToken(again)), rotated.kid, "a new token is signed with the new key");

  // Only an Owner at / may rotate.
  await dts(["ad", "user", "create", "--id", "dave@example.com", "--password", "dave-password-1", "-o", "none"]);
  await dts(["role", "assignment", "create", "--assignee", "dave@example.com", "--role", "Contributor", "--scope", "/", "-o", "none"]);
  const asDave = freshConfig({ DTS_CA_FILE: caFile });
  await dts(["login", "-u", "dave@example.com", "-p", "dave-password-1", "-o", "none"], asDave);
  assertFails(await runDts(url, ["signing-key", "rotate"], asDave), 1, /\(PermissionDenied\)/);
});

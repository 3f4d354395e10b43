/**
 * The authorization matrix through the REST routes of a real `dts serve --auth` process:
 * principals holding one role at one resource group call routes across scopes, and each answer
 * is asserted from a table. It adds the two cases issue 13 found open:
 * - an operation on an existing resource through a narrower URL is decided on the scope where
 *   the resource lives (an Owner of group A cannot read, replace or delete the root Owner's
 *   role assignment by addressing it through A);
 * - assigning a user-assigned identity needs a role where the identity lives (a Contributor of
 *   A cannot lend her app B's identity, nor then mint its token through /msi/token).
 * Also: an identity made again under a deleted one's name is not the one an app was given, role
 * assignments on a scope that does not exist are 404, systemData and createdBy name the caller,
 * and with --auth the browser checks of the open server do not apply.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { rawRequest, targetOf, type Target } from "../support/raw-http.ts";
import type { Json } from "../support/json.ts";

const AUD = "https://durabletask.io";
const SUB = "/subscriptions/default";
const group = (g: string) => `${SUB}/resourceGroups/${g}`;
const scheduler = (g: string, s: string) => `${group(g)}/providers/Microsoft.DurableTask/schedulers/${s}`;
const identity = (g: string, i: string) => `${group(g)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i}`;
const app = (g: string, a: string) => `${group(g)}/providers/Microsoft.Web/sites/${a}`;
const assignment = (scope: string, name: string) => `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

let server: DtsServer;
let target: Target;
const tokens: Record<string, string> = {};
/** Role assignment names by what they grant. */
const granted: Record<string, string> = {};

interface Answer {
  status: number;
  body: Json;
}

async function call(who: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const all: Record<string, string> = { ...headers };
  if (who !== undefined) all["authorization"] = `Bearer ${tokens[who]}`;
  if (body !== undefined) all["content-type"] = "application/json";
  const answer = await rawRequest(target, method, path, all, body === undefined ? undefined : JSON.stringify(body));
  return { status: answer.status, body: answer.body === "" ? undefined : JSON.parse(answer.body) };
}

async function ok(who: string, method: string, path: string, body?: unknown): Promise<Json> {
  const answer = await call(who, method, path, body);
  assert.ok(answer.status < 300, `${who} ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function grant(scope: string, principal: string, role: string, key = `${role}@${scope}`): Promise<string> {
  const name = randomUUID();
  await ok("admin", "PUT", assignment(scope, name), { properties: { roleDefinitionId: role, principalId: principal } });
  granted[key] = name;
  return name;
}

async function user(name: string, role: string, scope: string): Promise<void> {
  await ok("admin", "PUT", `/users/${name}`, { password: "correct horse battery" });
  tokens[name] = (await ok("admin", "POST", "/auth/login", { username: name, password: "correct horse battery" })).accessToken;
  await grant(scope, name, role, `${name}:${role}`);
}

before(async () => {
  server = await DtsServer.start({ extraArgs: ["--auth"] });
  target = targetOf(server.httpAddress, readFileSync(join(server.dataDir, "tls", "ca.pem")));
  const password = readFileSync(join(server.dataDir, "admin-password.txt"), "utf8").trim();
  tokens["admin"] = (await call(undefined, "POST", "/auth/login", { username: "admin", password })).body.accessToken;
  granted["root-owner"] = (await ok("admin", "GET", `/providers/Microsoft.Authorization/roleAssignments?assignee=admin`)).value[0].name;
  for (const g of ["ga", "gb"]) {
    await ok("admin", "PUT", group(g), { location: "westus" });
    await ok("admin", "PUT", scheduler(g, `s-${g}`), { location: "westus", properties: { ipAllowlist: ["0.0.0.0/0"], sku: { name: "Dedicated", capacity: 1 } } });
    await ok("admin", "PUT", identity(g, `id-${g}`), {});
    await ok("admin", "PUT", app(g, `app-${g}`), {});
  }
  await user("owner-a", "Owner", group("ga"));
  await user("contrib-a", "Contributor", group("ga"));
  await user("reader-a", "Reader", group("ga"));
  await grant(group("gb"), "reader-a", "Reader", "reader-a@gb");
  await grant(scheduler("ga", "s-ga"), "reader-a", "Durable Task Data Reader", "data-reader@s-ga");
});
after(() => server?.dispose());

// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: () => Promise<void>) => void test(name, { timeout: 120_000 }, withServerOutput(() => [server], body));

it("matrix: role at group A x operation x where the resource lives", async () => {
  const newName = randomUUID();
  const rows: [string, string, string, unknown, number][] = [
    // Reads and writes inside and outside the caller's group.
    ["reader-a", "GET", scheduler("ga", "s-ga"), undefined, 200],
    ["reader-a", "PATCH", scheduler("ga", "s-ga"), { tags: { a: "b" } }, 403],
    ["contrib-a", "PATCH", scheduler("ga", "s-ga"), { tags: { a: "b" } }, 200],
    ["contrib-a", "GET", scheduler("gb", "s-gb"), undefined, 403],
    ["contrib-a", "PUT", identity("gb", "id-gb"), {}, 403],
    ["contrib-a", "DELETE", app("gb", "app-gb"), undefined, 403],
    ["contrib-a", "GET", identity("gb", "id-gb"), undefined, 403],
    ["owner-a", "GET", "/users", undefined, 403],
    ["owner-a", "PUT", "/users/mallory", { password: "correct horse battery" }, 403],
    ["owner-a", "POST", "/auth/signing-keys/rotate", undefined, 403],
    // Role assignments: managed by Owners of their scope only.
    ["contrib-a", "PUT", assignment(group("ga"), newName), { properties: { roleDefinitionId: "Owner", principalId: "contrib-a" } }, 403],
    ["owner-a", "GET", assignment(group("ga"), granted["contrib-a:Contributor"] as string), undefined, 200],
    ["reader-a", "GET", assignment(group("ga"), granted["contrib-a:Contributor"] as string), undefined, 200],
    // Through a narrower URL: decided where the assignment lives (the root, or the sibling group B).
    ["owner-a", "GET", assignment(group("ga"), granted["root-owner"] as string), undefined, 403],
    ["owner-a", "DELETE", assignment(group("ga"), granted["root-owner"] as string), undefined, 403],
    ["owner-a", "PUT", assignment(group("ga"), granted["root-owner"] as string), { properties: { roleDefinitionId: "Owner", principalId: "owner-a" } }, 403],
    ["owner-a", "DELETE", assignment(scheduler("ga", "s-ga"), granted["reader-a@gb"] as string), undefined, 403],
    ["reader-a", "GET", assignment(group("ga"), granted["root-owner"] as string), undefined, 403],
    // Through a wider URL: allowed when the caller may act where it lives (and at the URL).
    ["owner-a", "DELETE", assignment(group("ga"), granted["data-reader@s-ga"] as string), undefined, 200],
    ["owner-a", "DELETE", assignment("/", granted["contrib-a:Contributor"] as string), undefined, 403],
  ];
  for (const [who, method, path, body, status] of rows) {
    const answer = await call(who, method, path, body);
    assert.equal(answer.status, status, `${who} ${method} ${path}: ${JSON.stringify(answer.body)}`);
    if (status === 403) assert.equal(answer.body.error.code, "PermissionDenied");
  }
  const rootOwner = await ok("admin", "GET", assignment("/", granted["root-owner"] as string));
  assert.equal(rootOwner.principalName, "admin", "the root Owner's assignment is untouched");
  assert.equal(rootOwner.roleDefinitionName, "Owner");
  assert.equal((await call("admin", "GET", "/subscriptions")).status, 200, "and still works");
  const listed = (await ok("owner-a", "GET", `${assignment(group("ga"), "").slice(0, -1)}`)).value.map((a: Json) => a.scope);
  assert.ok(listed.length > 0 && listed.every((scope: string) => scope.toLowerCase().startsWith(group("ga").toLowerCase())), JSON.stringify(listed));
  assert.equal((await call("admin", "DELETE", assignment("/", granted["reader-a@gb"] as string))).status, 200, "a wider URL, by an Owner of both");
});

it("assign an identity from a scope you do not hold: refused, and its token cannot be had", async () => {
  const idB = (await ok("admin", "GET", identity("gb", "id-gb")));
  const idA = (await ok("admin", "GET", identity("ga", "id-ga")));
  const appA = app("ga", "app-ga");
  const refused = await call("contrib-a", "POST", `${appA}/identity/assign`, { identities: [idB.id] });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.match(refused.body.error.message, /control\.identityAssign/);
  assert.equal((await call("contrib-a", "POST", `${appA}/identity/assign`, { identities: [identity("gb", "no-such")] })).status, 403, "access first, existence second");
  assert.equal((await call("admin", "POST", `${appA}/identity/assign`, { identities: [identity("gb", "no-such")] })).status, 404);
  assert.equal((await call("contrib-a", "POST", `${appA}/identity/assign`, { identities: [idB.id.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")] })).status, 403, "in any case");
  assert.equal((await ok("contrib-a", "GET", appA)).identity, null, "the app got nothing");
  assert.ok((await call("contrib-a", "POST", `${appA}/identity/assign`, { identities: [idA.id] })).status === 200, "A's own identity is A's to use");
  const env = await ok("contrib-a", "POST", `${appA}/env`);
  const msi = (clientId: string) => call(undefined, "GET", `/msi/token?resource=${encodeURIComponent(AUD)}&api-version=2019-08-01&client_id=${clientId}`, undefined, { "x-identity-header": env.IDENTITY_HEADER });
  assert.equal((await msi(idB.clientId)).status, 403, "B's identity was never assigned");
  assert.equal((await msi(idA.clientId)).status, 200);
  // With a role where B's identity lives, the same request is allowed.
  await grant(idB.id, "contrib-a", "Contributor");
  assert.equal((await call("contrib-a", "POST", `${appA}/identity/assign`, { identities: [idB.id] })).status, 200);
  assert.equal((await msi(idB.clientId)).status, 200);
});

it("an identity deleted and made again under its name is not the identity the app was given", async () => {
  const path = identity("gb", "id-again");
  const first = await ok("admin", "PUT", path, {});
  await ok("admin", "POST", `${app("ga", "app-ga")}/identity/assign`, { identities: [first.id] });
  const env = await ok("admin", "POST", `${app("ga", "app-ga")}/env`);
  const msi = (clientId: string) => call(undefined, "GET", `/msi/token?resource=${encodeURIComponent(AUD)}&client_id=${clientId}`, undefined, { "x-identity-header": env.IDENTITY_HEADER });
  assert.equal((await msi(first.clientId)).status, 200);
  await ok("admin", "DELETE", path);
  const again = await ok("admin", "PUT", path, {});
  assert.notEqual(again.principalId, first.principalId);
  assert.equal((await msi(again.clientId)).status, 403, "nobody assigned the new principal to the app");
  assert.equal((await call(undefined, "GET", `/msi/token?resource=${encodeURIComponent(AUD)}&mi_res_id=${encodeURIComponent(path)}`, undefined, { "x-identity-header": env.IDENTITY_HEADER })).status, 403);
});

it("a role assignment on a scope that does not exist is a 404; createdBy and systemData name the caller", async () => {
  const body = { properties: { roleDefinitionId: "Reader", principalId: "reader-a" } };
  for (const scope of [`${SUB.replace("default", "nope")}`, group("nope"), scheduler("ga", "nope"), `${scheduler("ga", "s-ga")}/taskHubs/nope`]) {
    const answer = await call("admin", "PUT", assignment(scope, randomUUID()), body);
    assert.equal(answer.status, 404, `${scope}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, "ResourceNotFound");
  }
  assert.equal((await call("admin", "PUT", assignment(group("ga"), "not-a-guid"), body)).status, 400);
  const made = await ok("owner-a", "PUT", assignment(group("ga"), randomUUID()), { properties: { roleDefinitionId: "Reader", principalId: "contrib-a" } });
  assert.equal(made.createdBy, "owner-a");
  assert.equal(made.scope, group("ga"));
  const sched = await ok("contrib-a", "PUT", scheduler("ga", "by-contrib"), { location: "westus", properties: { ipAllowlist: [], sku: { name: "Consumption" } } });
  assert.deepEqual([sched.systemData.createdBy, sched.systemData.createdByType, sched.systemData.lastModifiedBy], ["contrib-a", "User", "contrib-a"]);
  const patched = await ok("owner-a", "PATCH", scheduler("ga", "by-contrib"), { tags: { x: "y" } });
  assert.deepEqual([patched.systemData.createdBy, patched.systemData.lastModifiedBy], ["contrib-a", "owner-a"]);
});

it("with --auth the open server's browser checks do not apply: a token guards every change", async () => {
  assert.equal((await call(undefined, "GET", "/subscriptions", undefined, { host: "evil.example" })).status, 401);
  assert.equal((await call("admin", "GET", "/subscriptions", undefined, { host: "evil.example" })).status, 200);
  assert.equal((await call("admin", "PUT", group("from-elsewhere"), { location: "westus" }, { origin: "https://portal.example" })).status, 201);
  assert.equal((await call(undefined, "GET", "/subscriptions/a%2Fb")).status, 401, "who asks comes first");
  assert.equal((await call("admin", "GET", "/subscriptions/a%2Fb")).status, 400);
});

/**
 * Identity and access end to end against a real `dts serve --auth` process, at the REST and gRPC
 * level: the refusals with their statuses, the managed-identity endpoint, and IP allowlists.
 * (The seed's walkthrough runs through the CLI in identity-cli.test.ts.) External tokens come
 * from a small OIDC stub served over TLS on 127.0.0.1 (test/support/oidc-issuer.ts), whose CA the
 * server trusts through NODE_EXTRA_CA_CERTS.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { OidcIssuer } from "../support/oidc-issuer.ts";
import { DtsServer } from "../support/server-process.ts";
import type { Json } from "../support/json.ts";

const AUD = "https://durabletask.io";
let oidc: OidcIssuer;
const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
let server: DtsServer;
let ca: Buffer;
let admin = "";

const now = () => Math.floor(Date.now() / 1000);
const ext = (oid: string, extra: Record<string, unknown> = {}) => oidc.token({ aud: AUD, oid, exp: now() + 600, ...extra });

async function rest(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const url = new URL(path, `https://${server.httpAddress}`);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, ca, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text === "" ? undefined : JSON.parse(text) });
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function grpcCode(address: string, token: string | undefined, hub = "default"): Promise<{ code: number; details: string }> {
  const client = new TaskHubGrpcClient({
    hostAddress: address,
    credentials: grpc.credentials.createSsl(ca),
    metadataGenerator: async () => {
      const m = new grpc.Metadata();
      m.set("taskhub", hub);
      if (token !== undefined) m.set("authorization", `Bearer ${token}`);
      return m;
    },
    logger: { error() {}, warn() {}, info() {}, debug() {} } as never,
  });
  try {
    await client.getOrchestrationState("nope");
    return { code: 0, details: "" };
  } catch (error) {
    const e = error as { code?: number; details?: string; cause?: { code?: number; details?: string } };
    return { code: e.code ?? e.cause?.code ?? -1, details: e.details ?? e.cause?.details ?? String(error) };
  } finally {
    await client.stop();
  }
}

const SCHED = "/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default";
const RG = "/subscriptions/default/resourceGroups/default/providers";
const grant = (scope: string, principalId: string, role = "Durable Task Data Contributor") =>
  rest("PUT", `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, { properties: { roleDefinitionId: role, principalId } }, admin);

before(async () => {
  oidc = await OidcIssuer.start();
  server = await DtsServer.start({ extraArgs: ["--auth", "--oidc-issuer", oidc.issuer], env: { NODE_EXTRA_CA_CERTS: oidc.caFile } });
  ca = readFileSync(join(server.dataDir, "tls", "ca.pem"));
  const password = readFileSync(join(server.dataDir, "admin-password.txt"), "utf8").trim();
  const login = await rest("POST", "/auth/login", { username: "admin", password });
  assert.equal(login.status, 200);
  admin = login.body.accessToken;
});

after(async () => {
  await server?.dispose();
  await oidc?.close();
});

test("refusals: no token, garbage, bad signature, expired, wrong audience, no role, revoked, unknown principal", async () => {
  const address = server.grpcAddress;
  assert.equal((await grpcCode(address, undefined)).code, 16);
  assert.equal((await grpcCode(address, "not-a-jwt")).code, 16);
  assert.equal((await grpcCode(address, ext("ext-1", {}) + "x")).code, 16);
  assert.equal((await grpcCode(address, OidcIssuer.sign({ alg: "ES256", kid: "stub" }, { iss: oidc.issuer, aud: AUD, oid: "ext-1", exp: now() + 600 }, otherKey.privateKey))).code, 16);
  assert.equal((await grpcCode(address, ext("ext-1", { exp: now() - 3600 }))).code, 16);
  assert.equal((await grpcCode(address, ext("ext-1", { aud: "https://elsewhere" }))).code, 16);
  const principal = "5d1f2c1e-0000-4000-8000-000000000001";
  assert.equal((await grpcCode(address, ext(principal))).code, 7);
  const granted = await grant(`${SCHED}/taskHubs/default`, principal);
  assert.equal(granted.status, 201);
  assert.equal((await grpcCode(address, ext(principal))).code, 0, "a granted principal reaches the engine");
  assert.equal((await grpcCode(address, ext(principal), "other")).code, 7, "a hub grant covers no other hub");
  assert.equal((await rest("DELETE", `/providers/Microsoft.Authorization/roleAssignments/${granted.body.name}`, undefined, admin)).status, 200);
  assert.equal((await grpcCode(address, ext(principal))).code, 7, "a revoked assignment refuses at once on this node");
  // HTTP: 401 without a token, 403 without a role.
  assert.equal((await rest("GET", "/subscriptions/default/resourceGroups")).status, 401);
  assert.equal((await rest("GET", "/subscriptions/default/resourceGroups", undefined, ext(principal))).status, 403);
  // Unknown principal: a token of this server for a deleted user.
  assert.equal((await rest("PUT", "/users/bob@example.com", { password: "correct horse battery" }, admin)).status, 201);
  const bob = (await rest("POST", "/auth/login", { username: "bob@example.com", password: "correct horse battery" })).body.accessToken;
  assert.equal((await rest("DELETE", "/users/bob@example.com", undefined, admin)).status, 200);
  assert.equal((await grpcCode(address, bob)).code, 16);
  assert.equal((await rest("POST", "/auth/login", { username: "admin", password: "wrong-password" })).status, 401);
});

test("managed-identity endpoint: a token only for the app's own identities", async () => {
  const mine = (await rest("PUT", `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/mine`, {}, admin)).body;
  const theirs = (await rest("PUT", `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/theirs`, {}, admin)).body;
  await rest("PUT", `${RG}/Microsoft.Web/sites/a1`, {}, admin);
  await rest("POST", `${RG}/Microsoft.Web/sites/a1/identity/assign`, { identities: [mine.id] }, admin);
  const env = (await rest("POST", `${RG}/Microsoft.Web/sites/a1/env`, undefined, admin)).body;
  const msi = (clientId: string, secret = env.IDENTITY_HEADER) =>
    rest("GET", `/msi/token?resource=${encodeURIComponent(AUD)}&api-version=2019-08-01&client_id=${clientId}`, undefined, undefined, { "X-IDENTITY-HEADER": secret });
  const ok = await msi(mine.clientId);
  assert.equal(ok.status, 200);
  assert.ok(ok.body.access_token && Number(ok.body.expires_on) > now() && ok.body.token_type === "Bearer");
  assert.equal((await msi(theirs.clientId)).status, 403);
  assert.equal((await msi(mine.clientId, "wrong")).status, 401);
});

test("IP allowlist: a scheduler whose list excludes the caller, and an empty list, refuse with the address", async () => {
  for (const [name, list] of [["tenonly", ["10.0.0.0/8"]], ["nobody", []]] as const) {
    const put = await rest("PUT", `${RG}/Microsoft.DurableTask/schedulers/${name}`, { location: "local", properties: { ipAllowlist: list, sku: { name: "Dedicated", capacity: 1 } } }, admin);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const port = new URL(put.body.properties.endpoint).port;
    const refused = await grpcCode(`127.0.0.1:${port}`, admin);
    assert.equal(refused.code, 7);
    assert.match(refused.details, /127\.0\.0\.1/);
    // Management (ARM) paths stay reachable, so a list that shuts everyone out can be fixed.
    const management = await rest("GET", `${RG}/Microsoft.DurableTask/schedulers/${name}/taskHubs`, undefined, admin);
    assert.equal(management.status, 200);
  }
});

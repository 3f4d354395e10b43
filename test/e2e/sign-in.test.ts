/**
 * `POST /auth/login` of a real `dts serve --auth` process: an unknown user and a wrong password
 * get the same answer; a user name past its failures gets 429 with Retry-After, and the server
 * logs the refusal with the name and address; during a flood of sign-ins (each one a real scrypt)
 * /healthz and StartInstance still answer. The flood's latencies are reported as diagnostics,
 * never asserted (tests do not time things).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { credentials, Metadata } from "@grpc/grpc-js";
import { proto } from "../../src/protocol/proto/load.ts";
import { secureCall, type SecureTarget } from "../dashboard/dashboard-support.ts";
import { call, rawClient, type RawSidecarClient } from "../support/raw-client.ts";
import { DtsServer } from "../support/server-process.ts";
import { eventually } from "../support/wait.ts";

let server: DtsServer;
let target: SecureTarget;
let password = "";
let grpc: RawSidecarClient;
let metadata: Metadata;

const login = (username: string, pass: string) => secureCall(target, "POST", "/auth/login", { body: { username, password: pass }, hub: null });

before(async () => {
  server = await DtsServer.start({ extraArgs: ["--auth"] });
  target = { http: server.httpAddress, ca: readFileSync(join(server.dataDir, "tls", "ca.pem")) };
  password = readFileSync(join(server.dataDir, "admin-password.txt"), "utf8").trim();
  const token = (await login("admin", password)).body.accessToken as string;
  const grant = await secureCall(target, "PUT", `/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, {
    body: { properties: { roleDefinitionId: "Durable Task Data Contributor", principalId: "admin" } }, hub: null, token,
  });
  assert.equal(grant.status, 201);
  grpc = rawClient(server.grpcAddress, credentials.createSsl(target.ca));
  metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
});

after(async () => {
  grpc?.close();
  await server?.dispose();
});

test("an unknown user and a wrong password get the same status and body", async () => {
  const wrong = await login("admin", "not the password");
  const unknown = await login("nobody@example.com", "not the password");
  assert.equal(wrong.status, 401);
  assert.deepEqual([unknown.status, unknown.body], [wrong.status, wrong.body]);
  assert.deepEqual(wrong.body, { error: { code: "Unauthenticated", message: "the user name or password is wrong" } });
});

test("past 10 failures a user name gets 429 with Retry-After, and the refusal is logged with name and address", async () => {
  for (let i = 0; i < 10; i++) assert.equal((await login("mallory-target", `guess-${i}`)).status, 401);
  const refused = await login("mallory-target", "guess-10");
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, "TooManyFailedSignIns");
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 800 && retryAfter <= 900, `Retry-After ${refused.headers.get("retry-after")}`);
  // A JSON log line: the quotes around the name are escaped.
  const logged = /"msg":"sign-in refused for user \\"mallory-target\\" from (::ffff:)?127\.0\.0\.1: 10 failed sign-ins for this user name within 15 minutes; retry after \d+ s"/;
  await eventually("the refusal's log line", async () => (logged.test(server.describeOutput(200)) ? true : undefined), 5000);
  assert.ok(!/guess-/.test(server.describeOutput(400)), "no password in the log");
  assert.equal((await login("admin", password)).status, 200, "other names still sign in from the same address");
});

test("during a flood of sign-ins /healthz and StartInstance still answer", async (t) => {
  const quiet = await sample(20);
  let flooding = true;
  const outcomes = new Map<number, number>();
  const flood = Array.from({ length: 40 }, async () => {
    while (flooding) {
      const { status } = await login("admin", password);
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
    }
  });
  await eventually("the flood's first sign-ins", async () => ((outcomes.get(200) ?? 0) >= 5 ? true : undefined));
  const loaded = await sample(20);
  flooding = false;
  await Promise.all(flood);
  assert.ok((outcomes.get(200) ?? 0) > 0, "the flood's sign-ins were served");
  assert.deepEqual([...outcomes.keys()].filter((s) => s !== 200 && s !== 503), [], "sign-ins beyond the queue are refused with 503, nothing else");
  const line = `healthz p50 ${quiet.healthz.p50} / ${loaded.healthz.p50} ms, max ${quiet.healthz.max} / ${loaded.healthz.max} ms; ` +
    `StartInstance p50 ${quiet.start.p50} / ${loaded.start.p50} ms, max ${quiet.start.max} / ${loaded.start.max} ms (quiet / flood); ` +
    `flood answers ${JSON.stringify(Object.fromEntries(outcomes))}`;
  t.diagnostic(line);
});

/** `n` sequential /healthz and StartInstance calls, each of which must succeed; their latencies. */
async function sample(n: number): Promise<{ healthz: Stats; start: Stats }> {
  const healthz: number[] = [];
  const start: number[] = [];
  for (let i = 0; i < n; i++) {
    let began = performance.now();
    assert.equal((await secureCall(target, "GET", "/healthz", { hub: null })).status, 200);
    healthz.push(performance.now() - began);
    began = performance.now();
    const request = new proto.CreateInstanceRequest().setInstanceid(`flood-${crypto.randomUUID()}`).setName("Orch");
    assert.ok((await call(grpc.startInstance, grpc, request, metadata)).getInstanceid().startsWith("flood-"));
    start.push(performance.now() - began);
  }
  return { healthz: stats(healthz), start: stats(start) };
}

interface Stats {
  p50: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;
  return { p50: round(sorted[Math.floor(sorted.length / 2)]), max: round(sorted[sorted.length - 1]) };
}

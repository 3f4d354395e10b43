/**
 * One regression test per finding of the HTTP edge review (issue 13, and the 404s of issue 16),
 * against a real `dts serve` process without --auth, over raw sockets so that every request goes
 * out byte for byte: each crash class of one request answers a precise 4xx and the process stays
 * up; names with an encoded '/' or control characters are 400 on every route that takes a name;
 * /healthz and /metrics take GET and HEAD only; a huge value is not echoed; deep JSON is a 400;
 * a malformed x-taskhub is a 400; unknown paths are JSON 404s and only the app's own routes
 * serve its HTML. (Origin, Host and content type: browser-checks.test.ts.)
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import { rawRequest, sendRaw, targetOf, type Target } from "../support/raw-http.ts";
import { assertAlive, assertArmError, assertProblem, bodyOf, json } from "./edge-support.ts";

let server: DtsServer;
let target: Target;

before(async () => {
  server = await DtsServer.start();
  target = targetOf(server.httpAddress);
});
after(() => server?.dispose());

// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: () => Promise<void>) =>
  void test(name, { timeout: 60_000 }, withServerOutput(() => [server], async () => {
    await body();
    await assertAlive(server, target);
  }));

const RG = "/subscriptions/default/resourceGroups/default";
const SCHED = `${RG}/providers/Microsoft.DurableTask/schedulers/default`;

it("broken percent-encoding in the path or the query is a 400, before any route", async () => {
  for (const path of ["/%", "/%FF", "/subscriptions/%", `${SCHED}/taskHubs/%E0%A4%A`, "/healthz?x=%", "/subscriptions?api-version=%ZZ", "/users/%C0%AF"]) {
    assertArmError(await rawRequest(target, "GET", path), 400, "InvalidArgument", /percent-encoding/);
  }
  assertProblem(await rawRequest(target, "GET", "/v1/taskhubs/orchestrations/%", { "x-taskhub": "default" }), 400, "InvalidArgument", /percent-encoding/);
});

it("request targets URL parsing rejects: 404 or 400, never a crash", async () => {
  assertArmError(await rawRequest(target, "GET", "//"), 404, "NotFound");
  assertArmError(await rawRequest(target, "GET", "//[::1"), 404, "NotFound");
  assertArmError(await rawRequest(target, "GET", "*"), 400, "InvalidArgument");
  assertArmError(await rawRequest(target, "GET", "http://[::1/x"), 400, "InvalidArgument");
  assertArmError(await rawRequest(target, "GET", "/healthz#top"), 400, "InvalidArgument", /fragment/);
  assert.equal((await rawRequest(target, "GET", `http://${server.httpAddress}/healthz`)).status, 200, "absolute-form naming this server");
  assertArmError(await rawRequest(target, "GET", "http://evil.example/subscriptions"), 403, "HostNotAllowed");
  assertArmError(await rawRequest(target, "GET", "/healthz", { host: "[::1" }), 400, "InvalidArgument");
  assertArmError(await sendRaw(target, "GET /healthz HTTP/1.1\r\nconnection: close\r\n\r\n"), 400, "InvalidArgument", /host/i);
  assertArmError(await sendRaw(target, "NOT HTTP AT ALL\r\n\r\n"), 400, "InvalidArgument", /not valid HTTP/);
  assertArmError(await rawRequest(target, "GET", "/healthz", { "x-big": "a".repeat(100_000) }), 431, "InvalidArgument", /too large/);
  assertArmError(await sendRaw(target, `CONNECT ${server.httpAddress} HTTP/1.1\r\nhost: ${server.httpAddress}\r\n\r\n`), 405, "MethodNotAllowed");
});

it("a name with an encoded '/' or a control character is a 400 on every route that takes one; nothing reaches the catalog", async () => {
  const names = ["a%2Fb", "a%2fb", "%2F", "a%00b", "a%0Ab", "..%2F..%2Fx"];
  const paths = (n: string) => [
    `/subscriptions/${n}`, `/subscriptions/${n}/resourceGroups`, `/subscriptions/default/resourceGroups/${n}`,
    `${RG}/providers/Microsoft.DurableTask/schedulers/${n}`, `${SCHED}/taskHubs/${n}`, `${SCHED}/retentionPolicies/${n}`,
    `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`, `${RG}/providers/Microsoft.Web/sites/${n}`,
    `/users/${n}`, `/providers/Microsoft.Authorization/roleAssignments/${n}`, `${SCHED}/taskHubs/${n}/providers/Microsoft.Authorization/roleAssignments`,
  ];
  for (const name of names) {
    for (const path of paths(name)) {
      for (const method of ["GET", "DELETE", "PUT"]) {
        const [headers, body] = json({ location: "westus", properties: {} });
        const answer = await rawRequest(target, method, path, method === "PUT" ? headers : {}, method === "PUT" ? body : undefined);
        assert.ok(answer.status === 400 || answer.status === 405, `${method} ${path}: ${answer.status} ${answer.body}`);
        if (answer.status === 400) assertArmError(answer, 400, "InvalidArgument", /no '\/'|control characters/);
      }
    }
  }
  assertArmError(await rawRequest(target, "POST", `${RG}/providers/Microsoft.Web/sites/a%2Fb/env`), 400, "InvalidArgument");
});

it("/healthz, /readyz and /metrics take GET and HEAD; every other method is a 405 with Allow", async () => {
  for (const path of ["/healthz", "/readyz", "/metrics"]) {
    assert.equal((await rawRequest(target, "GET", path)).status, 200, path);
    const head = await rawRequest(target, "HEAD", path);
    assert.equal(head.status, 200, path);
    assert.equal(head.body, "");
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"]) {
      const answer = await rawRequest(target, method, path);
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers["allow"], "GET, HEAD", `${method} ${path}`);
    }
  }
  assert.deepEqual(bodyOf(await rawRequest(target, "GET", "/healthz?x")), { status: "ok", version: JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version }, "/healthz?x is health, not the dashboard");
  assert.deepEqual(bodyOf(await rawRequest(target, "GET", "/readyz?x")), { status: "ready" }, "/readyz?x is readiness, not the dashboard");
  assert.equal(bodyOf(await rawRequest(target, "POST", SCHED)).error.code, "MethodNotAllowed");
});

it("a 1 MB invalid value is not echoed back", async () => {
  const huge = "x".repeat(1_000_000);
  const bodies: [string, string, unknown, "arm" | "problem"][] = [
    ["PUT", `${RG}`.replace("default", "big-rg"), { location: huge }, "arm"],
    ["PUT", `${RG}/providers/Microsoft.DurableTask/schedulers/big`, { location: "westus", properties: { ipAllowlist: [huge], sku: { name: "Dedicated", capacity: 1 } } }, "arm"],
    ["PUT", `${RG}/providers/Microsoft.DurableTask/schedulers/big`, { location: "westus", tags: { [huge]: "v" }, properties: { ipAllowlist: [], sku: { name: "Dedicated", capacity: 1 } } }, "arm"],
    ["POST", "/v1/taskhubs/orchestrations", { name: "n", tags: { [huge]: "v" } }, "problem"],
  ];
  for (const [method, path, body, family] of bodies) {
    const [headers, text] = json(body);
    const answer = await rawRequest(target, method, path, { ...headers, "x-taskhub": "default" }, text);
    if (family === "arm") assertArmError(answer, 400, "InvalidArgument");
    else assertProblem(answer, 400, "InvalidArgument");
    assert.ok(answer.body.length < 1000, `${method} ${path} echoed ${answer.body.length} bytes`);
  }
});

it("JSON nested 100,000 deep is a 400 naming the limit, on the control plane and the dashboard API", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const [headers] = json({});
  assertArmError(await rawRequest(target, "PUT", `${RG.replace("default", "deep-rg")}`, headers, deep), 400, "InvalidArgument", /deeper than 64 levels/);
  assertProblem(await rawRequest(target, "POST", "/v1/taskhubs/orchestrations", { ...headers, "x-taskhub": "default" }, `{"name":"n","input":${deep}}`), 400, "InvalidArgument", /deeper than 64 levels/);
  assertArmError(await rawRequest(target, "PUT", `${RG.replace("default", "big-body")}`, headers, `{"location":"${"x".repeat(2 * 1024 * 1024)}"}`), 413, "PayloadTooLarge");
});

it("a malformed x-taskhub is a 400 naming the rule, not a 503 about scheduler 'undefined'", async () => {
  for (const hub of ["a/b", "default/default/default", "/", "a//b/c", "default/default/x/../h", "s/r/ab/h", "-bad", "x".repeat(500), "default/default/default/default/x"]) {
    assertProblem(await rawRequest(target, "GET", "/v1/taskhubs/workers", { "x-taskhub": hub }), 400, "InvalidArgument", /x-taskhub/);
  }
  assertProblem(await rawRequest(target, "GET", "/v1/taskhubs/workers?taskhub=a%2Fb"), 400, "InvalidArgument", /x-taskhub/);
  assertProblem(await rawRequest(target, "GET", "/v1/taskhubs/workers", { "x-taskhub": "default/default/nosuch/h1" }), 404, "NotFound");
  assert.equal((await rawRequest(target, "GET", "/v1/taskhubs/workers", { "x-taskhub": "default" })).status, 200);
});

it("unknown paths are JSON 404s; only the dashboard's own routes serve its HTML", async () => {
  for (const path of ["/nope", "/favicon.ico", "/subscriptions/default/nope", "/hubsx", "/assets/missing.js", "/assets/..%2F..%2Fpackage.json", "/auth", "/.well-known/other"]) {
    assertArmError(await rawRequest(target, "GET", path), 404, "NotFound");
  }
  assertProblem(await rawRequest(target, "GET", "/v1/nope"), 404, "NotFound");
  assertProblem(await rawRequest(target, "GET", "/api/v1/taskhubs/nope", { "x-taskhub": "default" }), 404, "NotFound");
  for (const path of ["/", "/index.html", "/hubs", "/hubs/default/orchestrations?status=RUNNING", "/HUBS/default/workers"]) {
    const page = await rawRequest(target, "GET", path);
    assert.equal(page.status, 200, path);
    assert.match(page.headers["content-type"] ?? "", /^text\/html/, path);
    assert.match(page.body, /<div id="app">/, path);
  }
  const script = /src="(\/assets\/[^"]+\.js)"/.exec((await rawRequest(target, "GET", "/")).body)?.[1];
  assert.ok(script !== undefined);
  assert.match((await rawRequest(target, "GET", script)).headers["content-type"] ?? "", /^text\/javascript/);
});

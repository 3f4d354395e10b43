/**
 * Browsers and a server without --auth (issue 13), against real `dts serve` processes: a web page
 * of another origin cannot change state (403 naming both origins), a DNS-rebinding page cannot
 * address the server under a foreign Host name (403, unless --allowed-hosts names it), and a body
 * must be declared JSON (415), so a cross-origin `text/plain` POST starts, terminates or rotates
 * nothing. The server's own pages, the CLI's requests and /healthz probes keep working.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DtsServer, withServerOutput } from "../support/server-process.ts";
import { rawRequest, targetOf, type Target } from "../support/raw-http.ts";
import { assertAlive, assertArmError, assertProblem, bodyOf, json } from "./edge-support.ts";

let server: DtsServer;
let named: DtsServer;
let target: Target;

before(async () => {
  [server, named] = await Promise.all([DtsServer.start(), DtsServer.start({ extraArgs: ["--allowed-hosts", "dts.example, 10.1.2.3"] })]);
  target = targetOf(server.httpAddress);
});
after(async () => {
  await Promise.all([server?.dispose(), named?.dispose()]);
});

// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: () => Promise<void>) =>
  void test(name, { timeout: 60_000 }, withServerOutput(() => [server, named], async () => {
    await body();
    await assertAlive(server, target);
  }));

const GROUP = (name: string) => `/subscriptions/default/resourceGroups/${name}`;
const own = () => `http://${server.httpAddress}`;

it("a state-changing request from another origin is refused; the server's own origin and reads are not", async () => {
  const [headers, body] = json({ location: "westus" });
  for (const origin of ["http://evil.example", "null", `http://localhost:1`, `https://${server.httpAddress}`, "garbage"]) {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      assertArmError(await rawRequest(target, method, GROUP("cross"), { ...headers, origin }, body), 403, "OriginNotAllowed", /without --auth/);
    }
  }
  assertProblem(await rawRequest(target, "POST", "/v1/taskhubs/orchestrations", { ...headers, origin: "http://evil.example", "x-taskhub": "default" }, JSON.stringify({ name: "x" })), 403, "OriginNotAllowed");
  assert.equal((await rawRequest(target, "GET", GROUP("cross"))).status, 404, "nothing was created");
  assert.equal((await rawRequest(target, "PUT", GROUP("same"), { ...headers, origin: own() }, body)).status, 201, "the dashboard's own origin");
  assert.equal((await rawRequest(target, "GET", GROUP("same"), { origin: "http://evil.example" })).status, 200, "reads: the browser's CORS rules keep the answer from the page");
});

it("a cross-origin text/plain POST starts, terminates and rotates nothing", async () => {
  const keys = async () => bodyOf(await rawRequest(target, "GET", "/auth/signing-keys")).value.length;
  const keysBefore = await keys();
  const plain = { "content-type": "text/plain", origin: "http://evil.example", "x-taskhub": "default" };
  const start = JSON.stringify({ name: "Orch", instanceId: "csrf-1" });
  assertProblem(await rawRequest(target, "POST", "/v1/taskhubs/orchestrations", plain, start), 403, "OriginNotAllowed");
  assertArmError(await rawRequest(target, "POST", "/auth/signing-keys/rotate", plain, "{}"), 403, "OriginNotAllowed");
  const { origin: _origin, ...sameOrigin } = plain;
  assertProblem(await rawRequest(target, "POST", "/v1/taskhubs/orchestrations", sameOrigin, start), 415, "UnsupportedMediaType", /application\/json/);
  assertProblem(await rawRequest(target, "POST", "/v1/taskhubs/orchestrations/csrf-1/history", sameOrigin, JSON.stringify({ executionTerminated: {} })), 415, "UnsupportedMediaType");
  assertArmError(await rawRequest(target, "POST", "/auth/signing-keys/rotate", sameOrigin, "{}"), 415, "UnsupportedMediaType");
  assertProblem(await rawRequest(target, "GET", "/v1/taskhubs/orchestrations/csrf-1", { "x-taskhub": "default" }), 404, "NotFound", /csrf-1/);
  assert.equal(await keys(), keysBefore, "no key was rotated in");
});

it("a body must be declared JSON; a request without a body needs no content type", async () => {
  const body = JSON.stringify({ location: "westus" });
  assertArmError(await rawRequest(target, "PUT", GROUP("typed"), {}, body), 415, "UnsupportedMediaType", /none was sent/);
  assertArmError(await rawRequest(target, "PUT", GROUP("typed"), { "content-type": "application/x-www-form-urlencoded" }, body), 415, "UnsupportedMediaType");
  assertArmError(await rawRequest(target, "PUT", GROUP("typed"), { "content-type": "text/plain", "transfer-encoding": "chunked" }, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`), 415, "UnsupportedMediaType");
  assert.equal((await rawRequest(target, "PUT", GROUP("typed"), { "content-type": "application/json; charset=utf-8" }, body)).status, 201);
  assert.equal((await rawRequest(target, "PATCH", GROUP("typed"), { "content-type": "application/merge-patch+json" }, JSON.stringify({ tags: { a: "b" } }))).status, 200);
  assert.equal((await rawRequest(target, "POST", "/auth/signing-keys/rotate")).status, 200, "no body, no content type (dts signing-key rotate)");
});

it("a Host this server does not answer for is refused, with the flag that adds it; /healthz answers any Host", async () => {
  const port = target.port;
  for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.2", "localhost.evil.example", `[::2]:${port}`]) {
    assertArmError(await rawRequest(target, "GET", "/subscriptions", { host }), 403, "HostNotAllowed", /--allowed-hosts/);
    assertProblem(await rawRequest(target, "GET", "/v1/taskhubs", { host }), 403, "HostNotAllowed");
  }
  for (const host of [`localhost:${port}`, "LOCALHOST", `127.0.0.1:${port}`, `[::1]:${port}`, "localhost."]) {
    assert.equal((await rawRequest(target, "GET", "/subscriptions", { host })).status, 200, host);
  }
  assert.equal((await rawRequest(target, "GET", "/healthz", { host: "10.9.8.7:8082" })).status, 200, "a probe by pod IP");
  const other = targetOf(named.httpAddress);
  for (const host of ["dts.example", `DTS.example:${other.port}`, "10.1.2.3", "localhost"]) {
    assert.equal((await rawRequest(other, "GET", "/subscriptions", { host })).status, 200, host);
  }
  const refused = await rawRequest(other, "GET", "/subscriptions", { host: "evil.example" });
  assertArmError(refused, 403, "HostNotAllowed", /'evil\.example'.*--allowed-hosts/);
  assert.doesNotMatch(refused.body, /dts\.example|10\.1\.2\.3/, "the names it answers for are not told to whoever asks");
});

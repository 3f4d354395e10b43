/**
 * Property-based fuzzing of the HTTP edge (fast-check) against real `dts serve` processes, one
 * without and one with --auth (TLS), over raw sockets: random requests across every route
 * (methods, paths, names, query strings, headers, bodies; fuzz-requests.ts), and valid requests
 * with one thing mutated, sent with a valid token. Every answer must be complete (no dropped
 * connection), carry a status below 500, and, when it is an error, the family's error body (ARM
 * JSON or problem+json, with the catalogued code; Allow on a 405); after each batch the process
 * still runs and /healthz answers. Bounded: a fixed number of runs per property, and a time cap.
 * The seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> changes its size.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import fc from "fast-check";
import { DtsServer } from "../support/server-process.ts";
import { rawRequest, targetOf, type RawAnswer, type Target } from "../support/raw-http.ts";
import { assertAlive } from "./edge-support.ts";
import { fuzzRequest, mutatedRequest, TEMPLATES, type FuzzRequest, type HeaderChoices } from "./fuzz-requests.ts";

const SEED = Number(process.env["FUZZ_SEED"] ?? 13_017);
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 300);
/** A cap, never the measure: a slow machine runs fewer cases, a failure still fails. */
const TIME_CAP_MS = 30_000;

interface Fixture {
  server: DtsServer;
  target: Target;
  choices: HeaderChoices;
}

let open: Fixture;
let secured: Fixture;

before(async () => {
  const [plain, auth] = await Promise.all([
    DtsServer.start({ extraArgs: ["--scheduler-ports", "0"] }),
    DtsServer.start({ extraArgs: ["--auth", "--scheduler-ports", "0"] }),
  ]);
  open = { server: plain, target: targetOf(plain.httpAddress), choices: { own: plain.httpAddress, tokens: [] } };
  const ca = readFileSync(join(auth.dataDir, "tls", "ca.pem"));
  const target = targetOf(auth.httpAddress, ca);
  const password = readFileSync(join(auth.dataDir, "admin-password.txt"), "utf8").trim();
  const login = await rawRequest(target, "POST", "/auth/login", { "content-type": "application/json" }, JSON.stringify({ username: "admin", password }));
  assert.equal(login.status, 200, login.body);
  secured = { server: auth, target, choices: { own: auth.httpAddress, tokens: [JSON.parse(login.body).accessToken] } };
});

after(async () => {
  await Promise.all([open?.server.dispose(), secured?.server.dispose()]);
});

/** Complete, below 500, and an error in its family's shape. */
function assertPrecise(request: FuzzRequest, answer: RawAnswer): void {
  const what = `${request.method} ${request.target.slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 300)}`;
  assert.ok(answer.status >= 200 && answer.status < 500, what);
  if (answer.status < 400 || request.method === "HEAD") return;
  const type = answer.headers["content-type"] ?? "";
  const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown }; status?: unknown; code?: unknown; detail?: unknown };
  if (type.startsWith("application/problem+json")) {
    assert.ok(body.status === answer.status && typeof body.code === "string" && typeof body.detail === "string", what);
  } else {
    assert.match(type, /^application\/json/, what);
    assert.ok(typeof body.error?.code === "string" && typeof body.error.message === "string", what);
  }
  if (answer.status === 405) assert.ok((answer.headers["allow"] ?? "") !== "", `no Allow: ${what}`);
  if (answer.status === 401) assert.equal(answer.headers["www-authenticate"], "Bearer", what);
}

async function fuzz(t: TestContext, fixture: Fixture, requests: fc.Arbitrary<FuzzRequest>): Promise<void> {
  t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs (FUZZ_SEED / FUZZ_RUNS override)`);
  let sent = 0;
  const property = fc.asyncProperty(requests, async (request) => {
    const answer = await rawRequest(fixture.target, request.method, request.target, request.headers, request.body);
    assertPrecise(request, answer);
    if (++sent % 50 === 0) await assertAlive(fixture.server, fixture.target);
  });
  await fc.assert(property, { seed: SEED, numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_CAP_MS)] });
  t.diagnostic(`${sent} requests sent`);
  await assertAlive(fixture.server, fixture.target);
}

// void: node:test reports a failing test itself; the promise test() returns never rejects.
const fuzzTest = (name: string, body: (t: TestContext) => Promise<void>) =>
  void test(name, { timeout: 180_000 }, async (t) => {
    try {
      await body(t);
    } catch (error) {
      const fixture = name.includes("with --auth") ? secured : open;
      throw new Error(`${(error as Error).message}\n--- server output ---\n${fixture.server.describeOutput(40)}`, { cause: error });
    }
  });

fuzzTest("every template is a route of the server (the fuzzers cover what exists)", async () => {
  for (const template of TEMPLATES.filter((t) => !t.startsWith("/api/"))) {
    const path = template.replace(/:([a-z]+)/g, (_, name: string) => (name === "assignment" ? "00000000-0000-4000-8000-000000000001" : name === "id" ? "i-1" : name === "file" ? "x.js" : "default"));
    const answer = await rawRequest(open.target, "GET", path, { "x-taskhub": "default" });
    const routeMissing = answer.status === 404 && /no resource or route/.test(answer.body);
    assert.ok(!routeMissing, `${path}: ${answer.body}`);
  }
});

fuzzTest("random requests against every route, without --auth", (t) => fuzz(t, open, fuzzRequest(open.choices)));
fuzzTest("valid requests with one thing mutated, without --auth", (t) => fuzz(t, open, mutatedRequest(open.choices)));
fuzzTest("random requests against every route, with --auth", (t) => fuzz(t, secured, fuzzRequest(secured.choices)));
fuzzTest("valid requests with one thing mutated, with --auth and a valid token", (t) => fuzz(t, secured, mutatedRequest(secured.choices)));

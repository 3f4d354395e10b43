/**
 * Helpers of the HTTP edge tests: the server's answers read from raw sockets and checked for a
 * precise error (status, the family's body: ARM JSON or problem+json, the catalogued code), and
 * the liveness check every test ends with (the process still runs and /healthz answers).
 */
import assert from "node:assert/strict";
import type { DtsServer } from "../support/server-process.ts";
import { rawRequest, type RawAnswer, type Target } from "../support/raw-http.ts";
import type { Json } from "../support/json.ts";

export function bodyOf(answer: RawAnswer): Json {
  try {
    return JSON.parse(answer.body);
  } catch {
    assert.fail(`the answer ${answer.status} is not JSON: ${answer.body.slice(0, 200)}`);
  }
}

/** An ARM error `{ error: { code, message } }` with this status (and code, and message pattern). */
export function assertArmError(answer: RawAnswer, status: number, code?: string, message?: RegExp): void {
  assert.equal(answer.status, status, answer.body.slice(0, 500));
  assert.match(answer.headers["content-type"] ?? "", /^application\/json/);
  const body = bodyOf(answer);
  assert.equal(typeof body.error?.code, "string", answer.body);
  assert.equal(typeof body.error?.message, "string", answer.body);
  if (code !== undefined) assert.equal(body.error.code, code, answer.body);
  if (message !== undefined) assert.match(body.error.message, message);
}

/** An RFC 9457 problem with this status (and code, and detail pattern). */
export function assertProblem(answer: RawAnswer, status: number, code?: string, detail?: RegExp): void {
  assert.equal(answer.status, status, answer.body.slice(0, 500));
  assert.match(answer.headers["content-type"] ?? "", /^application\/problem\+json/);
  const body = bodyOf(answer);
  assert.equal(body.status, status);
  if (code !== undefined) assert.equal(body.code, code, answer.body);
  if (detail !== undefined) assert.match(body.detail, detail);
}

/** The server process is alive and its /healthz answers 200. */
export async function assertAlive(server: DtsServer, target: Target): Promise<void> {
  assert.equal(server.exitInfo, undefined, `the server exited:\n${server.describeOutput(30)}`);
  const health = await rawRequest(target, "GET", "/healthz");
  assert.equal(health.status, 200, health.body);
}

export const json = (body: unknown): [Record<string, string>, string] => [{ "content-type": "application/json" }, typeof body === "string" ? body : JSON.stringify(body)];

/**
 * Generators of hostile HTTP requests for the edge fuzzers (fast-check): every route of the HTTP
 * port as a template whose names are filled with valid values, random text, percent-encoding
 * broken or not, encoded slashes, dot segments and long runs; random and odd methods; query
 * strings with broken encoding; headers a browser, a proxy or an attacker would send (content
 * types, Origin, Host, x-taskhub, tokens, etags); and bodies: random JSON, valid bodies with
 * mutated fields, deep nesting, non-JSON bytes. Requests are plain data, sent raw (raw-http.ts).
 */
import fc from "fast-check";

export interface FuzzRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
}

const GROUP = "/subscriptions/:sub/resourceGroups/:rg";
const SCHEDULER = `${GROUP}/providers/Microsoft.DurableTask/schedulers/:scheduler`;
const IDENTITY = `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:identity`;
const APP = `${GROUP}/providers/Microsoft.Web/sites/:app`;
const ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments";
const HUB = "/v1/taskhubs";

/** Every route of the HTTP port (and a few paths next to them), `:name` for a name. */
export const TEMPLATES: readonly string[] = [
  "/healthz", "/readyz", "/metrics", "/", "/index.html", "/hubs", "/hubs/:hub/orchestrations/:id", "/assets/:file",
  "/subscriptions", "/subscriptions/:sub", "/subscriptions/:sub/resourceGroups", GROUP,
  "/subscriptions/:sub/providers/Microsoft.DurableTask/schedulers", `${GROUP}/providers/Microsoft.DurableTask/schedulers`,
  SCHEDULER, `${SCHEDULER}/taskHubs`, `${SCHEDULER}/taskHubs/:hub`, `${SCHEDULER}/retentionPolicies`, `${SCHEDULER}/retentionPolicies/:policy`,
  `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, IDENTITY,
  APP, `${APP}/identity/assign`, `${APP}/config/appsettings`, `${APP}/env`,
  "/users", "/users/:user",
  ASSIGNMENTS, `${ASSIGNMENTS}/:assignment`, `/subscriptions/:sub${ASSIGNMENTS}/:assignment`, `${GROUP}${ASSIGNMENTS}`, `${GROUP}${ASSIGNMENTS}/:assignment`,
  `${SCHEDULER}${ASSIGNMENTS}/:assignment`, `${SCHEDULER}/taskHubs/:hub${ASSIGNMENTS}`, `${IDENTITY}${ASSIGNMENTS}/:assignment`, `${APP}${ASSIGNMENTS}`,
  "/auth/login", "/auth/signing-keys", "/auth/signing-keys/rotate", "/msi/token", "/.well-known/openid-configuration", "/.well-known/jwks.json",
  "/v1/ping", "/v1/scale", HUB, `${HUB}/orchestrations`, `${HUB}/orchestrations/query`, `${HUB}/orchestrations/addhistoryevents`,
  `${HUB}/orchestrations/forceterminate`, `${HUB}/orchestrations/purge`, `${HUB}/orchestrations/:id`, `${HUB}/orchestrations/:id/payloads`,
  `${HUB}/orchestrations/:id/history`, `${HUB}/orchestrations/:id/executions/:id/history`, `${HUB}/orchestrations/:id/restart`,
  `${HUB}/entities/query`, `${HUB}/entities/:id`, `${HUB}/entities/:id/state`, `${HUB}/workers`, `${HUB}/metrics`,
  "/api/v1/taskhubs/orchestrations/query", "/api/v1/ping",
];

const VALID: Readonly<Record<string, readonly string[]>> = {
  sub: ["default", "Default", "sub-2"],
  rg: ["default", "rg-fuzz", "My.Group_(1)"],
  scheduler: ["default", "sched-fuzz", "abc"],
  hub: ["default", "hub-fuzz", "h1"],
  policy: ["default", "other"],
  identity: ["id-fuzz", "default"],
  app: ["app-fuzz", "a"],
  user: ["admin", "fuzz@example.com", "bob"],
  assignment: ["00000000-0000-4000-8000-000000000001", "not-a-guid"],
  id: ["i-1", "@counter@x", "a/b", "query"],
  file: ["index.js", "missing.css", "../package.json"],
};

/** Hostile fragments, already in request-target form. */
const NASTY = ["%", "%F", "%FF", "%2F", "%2f", "a%2Fb", "%00", "%0A", "%E0%A4%A", "%C0%AF", "%25", "..", ".", "%2e%2e", "%5C", "a%20b", "%F0%9F%98%80", "~", "@", ":", ";", "(", "*", "[", "]", "!", "$", "'", "+", "="];

const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.~!$&'()*+,;=:@"), maxLength: 12 });
const anyText = fc.string({ unit: "binary", maxLength: 12 });

export function segment(kind: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(VALID[kind] ?? ["x"])) },
    { weight: 2, arbitrary: printable.filter((s) => s !== "") },
    { weight: 2, arbitrary: anyText.map((s) => encodeURIComponent(s)) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...NASTY), printable), { minLength: 1, maxLength: 4 }).map((parts) => parts.join("")) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 3000 }).map((n) => "n".repeat(n)) },
  );
}

function fill(template: string): fc.Arbitrary<string> {
  const parts = template.split("/");
  return fc.tuple(...parts.map((part) => (part.startsWith(":") ? segment(part.slice(1)) : caseOf(part)))).map((filled) => filled.join("/"));
}

/** A literal segment, mostly as written, sometimes in another case (routing ignores it). */
function caseOf(literal: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(literal) }, { weight: 1, arbitrary: fc.constant(literal.toUpperCase()) }, { weight: 1, arbitrary: fc.constant(literal.toLowerCase()) });
}

/** A path: a filled template, sometimes mutated (a slash more or less, a trailing one, a fragment of garbage). */
const path: fc.Arbitrary<string> = fc.tuple(fc.constantFrom(...TEMPLATES).chain(fill), fc.constantFrom("none", "trailing", "double", "cut", "garbage", "absolute", "asterisk"), fc.constantFrom(...NASTY))
  .map(([p, mutation, nasty]) => {
    switch (mutation) {
      case "trailing": return `${p}/`;
      case "double": return p.replace("/", "//");
      case "cut": return p.slice(0, Math.max(1, p.lastIndexOf("/")));
      case "garbage": return `${p}${nasty}`;
      case "absolute": return `http://127.0.0.1${p}`;
      case "asterisk": return "*";
      default: return p;
    }
  });

const QUERY_KEYS = ["api-version", "assignee", "atScope", "taskhub", "minutes", "resource", "client_id", "principal_id", "mi_res_id", "x"];
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  { weight: 3, arbitrary: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), segment("q")), { maxLength: 3 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`) },
  { weight: 1, arbitrary: fc.constantFrom("?", "?%", "?a=%zz", "?&&==&", "?taskhub=a%2Fb", "?minutes=1e308", "?resource=https%3A%2F%2Fdurabletask.io") },
);

export const METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "CONNECT", "get", "BREW", "M-SEARCH"];

const deep = fc.integer({ min: 50, max: 100_000 }).map((n) => "[".repeat(n) + "]".repeat(n));
const validBodies = fc.constantFrom<unknown>(
  { location: "westus" },
  { location: "westus", properties: { ipAllowlist: ["0.0.0.0/0"], sku: { name: "Dedicated", capacity: 1 } } },
  { properties: { retentionPolicies: [{ retentionPeriodInDays: 1 }] } },
  { properties: { roleDefinitionId: "Reader", principalId: "admin" } },
  { identities: ["[system]"] },
  { properties: { KEY: "value" } },
  { username: "admin", password: "wrong password" },
  { name: "Orch", instanceId: "fuzz-1", input: { a: 1 }, tags: { t: "v" } },
  { filter: { orchestrationStatus: ["RUNNING"] }, pagination: { count: 5 } },
  { eventRaised: { name: "go", input: 1 } },
  { instanceIds: ["fuzz-1"] },
  { events: { "fuzz-1": { executionSuspended: {} } } },
);
/** A valid body with one field replaced by any JSON value. */
const mutated = fc.tuple(validBodies, fc.jsonValue({ maxDepth: 3 })).map(([body, value]) => {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const keys = Object.keys(copy);
  copy[keys[JSON.stringify(value).length % keys.length] as string] = value;
  return JSON.stringify(copy);
});

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: validBodies.map((b) => JSON.stringify(b)) },
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "{", "null", '{"a":1}{"b":2}', "\uFEFF{}", '"\\ud800"') },
);

export interface HeaderChoices {
  /** `host:port` of the server, for own Host and Origin values. */
  own: string;
  /** Bearer tokens worth sending (valid ones too, with --auth). */
  tokens: readonly string[];
}

function headers(choices: HeaderChoices): fc.Arbitrary<Record<string, string>> {
  return fc.record({
    "content-type": fc.constantFrom("application/json", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", ";;", ""),
    origin: fc.constantFrom(`http://${choices.own}`, `https://${choices.own}`, "http://evil.example", "null", "garbage", ""),
    host: fc.constantFrom(choices.own, `localhost:${choices.own.split(":")[1]}`, "evil.example", "[::1", "a b", "127.0.0.1:99999", ""),
    "x-taskhub": fc.oneof(segment("hub"), fc.constantFrom("default/default/default/default", "a/b", "/", "default/default/default/../x")),
    authorization: fc.constantFrom(...choices.tokens.map((t) => `Bearer ${t}`), "Bearer", "Bearer x.y.z", "Basic YTpi", "bearer  "),
    "if-match": fc.constantFrom('"x"', "*", 'W/"y"', '"'),
    "x-identity-header": printable,
  }, { requiredKeys: [] }).map((h) => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(h)) if (value !== undefined && value !== "") out[key] = value;
    return out;
  });
}

export function fuzzRequest(choices: HeaderChoices): fc.Arbitrary<FuzzRequest> {
  return fc.record({ method: fc.constantFrom(...METHODS), path, query, headers: headers(choices), body })
    .map(({ method, path: p, query: q, headers: h, body: b }) => ({ method, target: p === "*" ? p : `${p}${q}`, headers: h, ...(b === undefined ? {} : { body: b }) }));
}

const RG = "/subscriptions/default/resourceGroups/rg-fuzz";
const SCHED = `${RG}/providers/Microsoft.DurableTask/schedulers/sched-fuzz`;
const FUZZ_APP = `${RG}/providers/Microsoft.Web/sites/app-fuzz`;
const FUZZ_ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-fuzz`;
const SCHEDULER_BODY = { location: "westus", tags: { a: "b" }, properties: { ipAllowlist: ["0.0.0.0/0", "::/0"], sku: { name: "Dedicated", capacity: 1 } } };

/** One valid request per kind of route, in the order that makes the later ones meaningful. */
export const VALID_REQUESTS: readonly [string, string, unknown?][] = [
  ["PUT", RG, { location: "westus", tags: { env: "fuzz" } }],
  ["PATCH", RG, { tags: { env: "fuzz2" } }],
  ["PUT", SCHED, SCHEDULER_BODY],
  ["PATCH", SCHED, { properties: { sku: { capacity: 2 } } }],
  ["PUT", `${SCHED}/taskHubs/hub-fuzz`, {}],
  ["PUT", `${SCHED}/retentionPolicies/default`, { properties: { retentionPolicies: [{ retentionPeriodInDays: 3 }, { retentionPeriodInDays: 1, orchestrationState: "Failed" }] } }],
  ["PATCH", `${SCHED}/retentionPolicies/default`, { properties: { retentionPolicies: [{ retentionPeriodInDays: 2, orchestrationState: "Completed" }] } }],
  ["PUT", FUZZ_ID, { location: "westus", tags: { t: "v" } }],
  ["PUT", FUZZ_APP, { location: "westus" }],
  ["POST", `${FUZZ_APP}/identity/assign`, { identities: [FUZZ_ID, "[system]"] }],
  ["PATCH", `${FUZZ_APP}/config/appsettings`, { properties: { TASKHUB_NAME: "hub-fuzz", A_B: "c" } }],
  ["POST", `${FUZZ_APP}/env`],
  ["PUT", "/users/fuzz@example.com", { password: "correct horse battery" }],
  ["PUT", `${SCHED}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-00000000f022`, { properties: { roleDefinitionId: "Durable Task Data Reader", principalId: "fuzz@example.com" } }],
  ["GET", `${RG}/providers/Microsoft.Authorization/roleAssignments?assignee=fuzz@example.com&atScope=false`],
  ["POST", "/auth/login", { username: "fuzz@example.com", password: "correct horse battery" }],
  ["GET", "/msi/token?resource=https%3A%2F%2Fdurabletask.io&api-version=2019-08-01"],
  ["POST", `${HUB}/orchestrations`, { name: "Orch", instanceId: "fuzz-1", input: { a: [1, "x"] }, tags: { t: "v" }, scheduledStartTimestamp: "2030-01-01T00:00:00Z" }],
  ["POST", `${HUB}/orchestrations/query`, { filter: { orchestrationStatus: ["PENDING", "RUNNING"], orchestrationId: "fuzz", createdAt: { from: "2020-01-01T00:00:00Z" } }, pagination: { count: 10, startIndex: 0 }, sort: [{ column: "CREATED_AT", direction: "ASCENDING_SORT" }] }],
  ["POST", `${HUB}/orchestrations/fuzz-1/history`, { eventRaised: { name: "go", input: { b: 2 } } }],
  ["POST", `${HUB}/orchestrations/addhistoryevents`, { events: { "fuzz-1": { executionSuspended: { reason: "r" } } } }],
  ["POST", `${HUB}/orchestrations/fuzz-1/restart`, { restartWithNewInstanceId: true }],
  ["POST", `${HUB}/orchestrations/forceterminate`, { instanceIds: ["fuzz-1"], reason: "r" }],
  ["POST", `${HUB}/entities/query`, { filter: { nameStartsWith: "c" }, pagination: { count: 5 } }],
  ["GET", `${HUB}/metrics?minutes=2`],
  ["DELETE", `${HUB}/orchestrations/purge`, { instanceIds: ["fuzz-1"] }],
  ["DELETE", `${HUB}/entities/@counter@k`],
];

/** The ways one valid request is changed before it is sent. */
const MUTATIONS = ["field", "drop", "method", "segment", "header", "truncate", "wrap", "none"] as const;

function change(body: unknown, value: unknown, pick: number, drop: boolean): unknown {
  if (typeof body !== "object" || body === null) return value;
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const paths: string[][] = [];
  const walk = (node: unknown, at: string[]) => {
    if (typeof node !== "object" || node === null) return;
    for (const key of Object.keys(node)) {
      paths.push([...at, key]);
      walk((node as Record<string, unknown>)[key], [...at, key]);
    }
  };
  walk(copy, []);
  const path = paths[pick % Math.max(1, paths.length)];
  if (path === undefined) return value;
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  if (drop) delete parent[path[path.length - 1] as string];
  else parent[path[path.length - 1] as string] = value;
  return copy;
}

/** Valid requests of every kind, each with one thing changed: a field (any JSON), a method, a name, a header, the body's end. */
export function mutatedRequest(choices: HeaderChoices): fc.Arbitrary<FuzzRequest> {
  const base = { "content-type": "application/json", authorization: `Bearer ${choices.tokens[0] ?? ""}`, "x-taskhub": "default/default/sched-fuzz/hub-fuzz".replace("default/default", "default/rg-fuzz") };
  return fc.record({
    valid: fc.constantFrom(...VALID_REQUESTS),
    mutation: fc.constantFrom(...MUTATIONS),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom<unknown>(-1, 1e308, -0, 2 ** 53, "", "x".repeat(5000), [], {}, null, true, "__proto__", "2030-13-45T99:99:99Z")),
    pick: fc.nat(),
    method: fc.constantFrom(...METHODS),
    nasty: segment("x"),
    extra: headers(choices),
  }).map(({ valid: [method, path, body], mutation, value, pick, method: other, nasty, extra }) => {
    const segments = path.split("/");
    const at = 1 + (pick % Math.max(1, segments.length - 1));
    const target = mutation === "segment" ? [...segments.slice(0, at), nasty, ...segments.slice(at + 1)].join("/") : path;
    let sent: unknown = body;
    if (mutation === "field" || mutation === "drop") sent = change(body, value, pick, mutation === "drop");
    if (mutation === "wrap") sent = [body];
    let text = sent === undefined ? undefined : JSON.stringify(sent);
    if (mutation === "truncate" && text !== undefined) text = text.slice(0, pick % text.length);
    return { method: mutation === "method" ? other : method, target, headers: mutation === "header" ? { ...base, ...extra } : base, ...(text === undefined ? {} : { body: text }) };
  });
}

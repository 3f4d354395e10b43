/**
 * Compares a driver's `observed` value with a scenario's `expect`: deep equality, except that an
 * object with exactly one key starting with `$` is a matcher. `$match` (a regular expression a
 * string must match), `$gte` / `$lte` (number bounds), `$len` (array or string length) and
 * `$any` (anything, null included). Returns every mismatch with its JSON path, so a failing
 * scenario says all that is wrong at once.
 */

const matcherKeys = new Set(["$match", "$gte", "$lte", "$len", "$any"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matcherOf(expected: unknown): [string, unknown] | undefined {
  if (!isObject(expected)) return undefined;
  const keys = Object.keys(expected);
  if (keys.length !== 1 || !(keys[0] as string).startsWith("$")) return undefined;
  const key = keys[0] as string;
  if (!matcherKeys.has(key)) throw new Error(`unknown matcher ${key}`);
  return [key, expected[key]];
}

function show(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

function matchOne(key: string, arg: unknown, observed: unknown, path: string): string[] {
  switch (key) {
    case "$any":
      return observed === undefined ? [`${path}: expected any value, got (absent)`] : [];
    case "$match":
      return typeof observed === "string" && new RegExp(String(arg)).test(observed)
        ? []
        : [`${path}: expected a string matching /${String(arg)}/, got ${show(observed)}`];
    case "$gte":
      return typeof observed === "number" && observed >= Number(arg) ? [] : [`${path}: expected a number >= ${String(arg)}, got ${show(observed)}`];
    case "$lte":
      return typeof observed === "number" && observed <= Number(arg) ? [] : [`${path}: expected a number <= ${String(arg)}, got ${show(observed)}`];
    default: {
      const length = Array.isArray(observed) || typeof observed === "string" ? observed.length : undefined;
      return length === Number(arg) ? [] : [`${path}: expected length ${String(arg)}, got ${show(observed)}`];
    }
  }
}

export function mismatches(expected: unknown, observed: unknown, path = "$"): string[] {
  const matcher = matcherOf(expected);
  if (matcher !== undefined) return matchOne(matcher[0], matcher[1], observed, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(observed)) return [`${path}: expected an array, got ${show(observed)}`];
    if (observed.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${observed.length}: ${show(observed)}`];
    return expected.flatMap((item, i) => mismatches(item, observed[i], `${path}[${i}]`));
  }
  if (isObject(expected)) {
    if (!isObject(observed)) return [`${path}: expected an object, got ${show(observed)}`];
    const extra = Object.keys(observed).filter((k) => !(k in expected)).map((k) => `${path}.${k}: not expected, got ${show(observed[k])}`);
    return [...Object.entries(expected).flatMap(([k, v]) => mismatches(v, observed[k], `${path}.${k}`)), ...extra];
  }
  return Object.is(expected, observed) ? [] : [`${path}: expected ${show(expected)}, got ${show(observed)}`];
}

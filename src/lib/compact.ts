/**
 * The one way to leave optional fields out: write the object with every field, then
 * `compact()` it. Unset optionals become absent keys, so stored JSON, wire objects and
 * deep-equality checks never see `key: undefined`.
 */

/** A copy of `o` without its `undefined`-valued keys (`null`, `0`, `''` and `false` are kept). */
export function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const key in o) {
    if (o[key] !== undefined) out[key] = o[key];
  }
  return out;
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mismatches } from "./expectation.ts";

describe("catalogue expectations", () => {
  it("deep equality, with every difference reported by its path", () => {
    assert.deepEqual(mismatches({ a: [1, { b: "x" }], c: null }, { a: [1, { b: "x" }], c: null }), []);
    assert.deepEqual(mismatches({ a: [1, 2], c: null }, { a: [1, 3], d: 0 }), [
      "$.a[1]: expected 2, got 3",
      "$.c: expected null, got (absent)",
      "$.d: not expected, got 0",
    ]);
    assert.deepEqual(mismatches([1], [1, 2]), ["$: expected 1 items, got 2: [1,2]"]);
    assert.deepEqual(mismatches(false, 0), ["$: expected false, got 0"]);
    assert.deepEqual(mismatches("", null), ['$: expected "", got null']);
  });

  it("matchers: $match, $gte, $lte, $len, $any", () => {
    assert.deepEqual(mismatches({ $match: "boom \\d+" }, "a boom 17"), []);
    assert.deepEqual(mismatches({ $match: "boom" }, 3), ["$: expected a string matching /boom/, got 3"]);
    assert.deepEqual(mismatches({ $gte: 990 }, 990), []);
    assert.deepEqual(mismatches({ $gte: 990 }, 989), ["$: expected a number >= 990, got 989"]);
    assert.deepEqual(mismatches({ $lte: 10 }, 11), ["$: expected a number <= 10, got 11"]);
    assert.deepEqual(mismatches({ $len: 2 }, [0, 0]), []);
    assert.deepEqual(mismatches({ $len: 2 }, "abc"), ["$: expected length 2, got \"abc\""]);
    assert.deepEqual(mismatches({ x: { $any: true } }, { x: null }), []);
    assert.deepEqual(mismatches({ x: { $any: true } }, {}), ["$.x: expected any value, got (absent)"]);
  });

  it("an object with other keys, or with two keys, is a plain value; an unknown matcher is an error", () => {
    assert.deepEqual(mismatches({ $match: "a", b: 1 }, { $match: "a", b: 1 }), []);
    assert.deepEqual(mismatches({ price: 1 }, { price: 1 }), []);
    assert.throws(() => mismatches({ $regex: "a" }, "a"), /unknown matcher \$regex/);
  });
});

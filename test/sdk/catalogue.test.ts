import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { columns, driversDir, loadCatalogue, loadExclusions } from "./catalogue.ts";

describe("SDK scenario catalogue", () => {
  it("loads, with unique ids and steps for every scenario", () => {
    const catalogue = loadCatalogue();
    assert.ok(catalogue.length >= 35);
    assert.equal(new Set(catalogue.map((s) => s.id)).size, catalogue.length);
  });

  it("every driver's exclusions name known columns and catalogued scenarios, with a reason", () => {
    const catalogue = loadCatalogue();
    for (const driver of readdirSync(driversDir)) {
      if (!existsSync(`${driversDir}${driver}/exclusions.json`)) continue;
      for (const column of columns) {
        assert.doesNotThrow(() => loadExclusions(driver, column, catalogue), `${driver}/${column}`);
      }
    }
  });
});

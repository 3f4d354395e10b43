/**
 * The fault scenarios (fault-runner.ts) with the js-ms driver in its own process.
 */
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import { runFaults } from "./fault-runner.ts";

runFaults({
  label: "js-ms",
  prepare: async () => ({ command: process.execPath, args: ["--import", "tsx", join(repoRoot, "test", "sdk", "drivers", "js-ms", "driver.ts")], cwd: repoRoot }),
});

/**
 * The fault scenarios (fault-runner.ts) with the js-dapr driver in its own process.
 */
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import { runFaults } from "./fault-runner.ts";

runFaults({
  label: "js-dapr",
  prepare: async () => ({ command: process.execPath, args: ["--import", "tsx", join(repoRoot, "test", "sdk", "drivers", "js-dapr", "driver.ts")], cwd: repoRoot }),
});

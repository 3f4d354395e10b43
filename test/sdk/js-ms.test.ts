/**
 * The catalogue on `@microsoft/durabletask-js` (column js-ms): the driver in
 * drivers/js-ms/ runs in its own Node process, as every driver does.
 */
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import { runColumn } from "./column-runner.ts";

runColumn({
  column: "js-ms",
  driver: "js-ms",
  variant: "plain",
  prepare: async () => ({ command: process.execPath, args: ["--import", "tsx", join(repoRoot, "test", "sdk", "drivers", "js-ms", "driver.ts")], cwd: repoRoot }),
});

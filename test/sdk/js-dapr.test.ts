/**
 * The catalogue on `@dapr/durabletask-js` (column js-dapr): the driver in
 * drivers/js-dapr/ runs in its own Node process, as every driver does.
 */
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import { runColumn } from "./column-runner.ts";

runColumn({
  column: "js-dapr",
  driver: "js-dapr",
  variant: "plain",
  prepare: async () => ({ command: process.execPath, args: ["--import", "tsx", join(repoRoot, "test", "sdk", "drivers", "js-dapr", "driver.ts")], cwd: repoRoot }),
});

/**
 * How the runners start a JavaScript driver: `node --import tsx drivers/<name>/driver.ts`, one
 * process per SDK (the two JavaScript SDKs break each other in one process). Nothing to build.
 */
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import type { DriverCommandLine } from "./driver-process.ts";

export function jsDriver(name: "js-ms" | "js-dapr"): () => Promise<DriverCommandLine> {
  return async () => ({ command: process.execPath, args: ["--import", "tsx", join(repoRoot, "test", "sdk", "drivers", name, "driver.ts")], cwd: repoRoot });
}

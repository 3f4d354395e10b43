/**
 * Builds the Go driver (`go build`, modules from the Go module proxy as go.sum pins them) into
 * the driver cache once per change of its sources, and gives the command line that runs it.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DriverCommandLine } from "../../driver-process.ts";
import { cachedBuild, type BuildResult } from "../build-cache.ts";

const sourceDir = fileURLToPath(new URL(".", import.meta.url));
const binaryName = "dts-sdk-driver-go";

export interface GoDriver extends DriverCommandLine {
  readonly build: BuildResult;
}

export async function buildGoDriver(): Promise<GoDriver> {
  const build = await cachedBuild({
    name: "go",
    sourceDir,
    isSource: (path) => path === "go.mod" || path === "go.sum" || (path.endsWith(".go") && !path.includes("/")),
    command: "go",
    // -mod=readonly: the build never edits go.mod or go.sum, it only fetches what they pin.
    args: ["build", "-mod=readonly", "-trimpath", "-o", join("{out}", binaryName), "."],
  });
  return { command: join(build.outDir, binaryName), args: [], cwd: sourceDir, build };
}

/**
 * The Python driver's virtual environment: made once per change of requirements.txt (or of the
 * script that makes it) in the driver cache, with the packages pip installs from PyPI by their
 * pinned hashes, and the command line that runs the driver from its sources with it.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DriverCommandLine } from "../../driver-process.ts";
import { cachedBuild } from "../build-cache.ts";

const sourceDir = fileURLToPath(new URL(".", import.meta.url));

export async function pythonDriver(extraArgs: readonly string[] = []): Promise<DriverCommandLine> {
  const build = await cachedBuild({
    name: "python",
    sourceDir,
    isSource: (path) => path === "requirements.txt" || path === "make_venv.py",
    command: "python3",
    args: ["make_venv.py", "{out}"],
  });
  return {
    command: join(build.outDir, "bin", "python"),
    args: ["driver.py", ...extraArgs],
    cwd: sourceDir,
    // The driver's modules are imported from its source directory; no bytecode is left there.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
  };
}

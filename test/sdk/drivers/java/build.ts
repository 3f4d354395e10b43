/**
 * Builds the Java driver (`mvn package`: durabletask-client from Maven Central as pom.xml pins
 * it, shaded into one jar) into the driver cache once per change of its sources, and gives the
 * command line that runs it.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DriverCommandLine } from "../../driver-process.ts";
import { cachedBuild, type BuildResult } from "../build-cache.ts";

const sourceDir = fileURLToPath(new URL(".", import.meta.url));

export interface JavaDriver extends DriverCommandLine {
  readonly build: BuildResult;
}

export async function buildJavaDriver(): Promise<JavaDriver> {
  const build = await cachedBuild({
    name: "java",
    sourceDir,
    isSource: (path) => path === "pom.xml" || path.startsWith("src/"),
    command: "mvn",
    args: ["-B", "-q", "-ntp", "package", "-Ddriver.buildDirectory={out}"],
  });
  return { command: "java", args: ["-jar", join(build.outDir, "dts-sdk-driver-java.jar")], cwd: sourceDir, build };
}

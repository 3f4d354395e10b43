/**
 * Builds a compiled driver (Java, Go) once and keeps it in a cache directory that git ignores
 * (`.scratch/sdk-drivers/<name>-<hash>`), named by a hash of its sources, so a
 * test run builds it at most once and later runs skip the build until a source changes. Test
 * processes that need the same build at the same time take turns through a lock directory; a
 * lock left by a dead process is taken over. Knows no SDK: the caller gives the build command.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../../support/server-process.ts";

export const driverCacheRoot = join(repoRoot, ".scratch", "sdk-drivers");

/** The longest one build may take (a first Maven build downloads its plugins and the SDK). */
const buildTimeoutMs = 15 * 60_000;
const lockPollMs = 500;
const outputTailChars = 8_000;

export interface BuildSpec {
  /** Names the cache entry, e.g. `go`. */
  readonly name: string;
  readonly sourceDir: string;
  /** The paths (relative to sourceDir) that the build reads; the cache key is their content. */
  readonly isSource: (relativePath: string) => boolean;
  /** The build command; `{out}` in an argument is replaced by the output directory. */
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  readonly outDir: string;
  /** False when an earlier run's build was reused. */
  readonly built: boolean;
  readonly durationMs: number;
}

/** Returns the cached build of `spec`'s current sources, building it first if there is none. */
export async function cachedBuild(spec: BuildSpec): Promise<BuildResult> {
  const started = Date.now();
  const key = sourceHash(spec);
  const outDir = join(driverCacheRoot, `${spec.name}-${key}`);
  const done = (built: boolean): BuildResult => ({ outDir, built, durationMs: Date.now() - started });
  if (isComplete(outDir)) return done(false);
  mkdirSync(driverCacheRoot, { recursive: true });
  const lock = `${outDir}.lock`;
  await acquire(lock, outDir);
  try {
    if (isComplete(outDir)) return done(false);
    const tmp = `${outDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await run(spec, tmp);
    writeFileSync(join(tmp, ".complete"), `${new Date().toISOString()}\n`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    removeOtherBuilds(spec.name, outDir);
    return done(true);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isComplete(outDir: string): boolean {
  return existsSync(join(outDir, ".complete"));
}

function sourceHash(spec: BuildSpec): string {
  const hash = createHash("sha256");
  for (const path of listFiles(spec.sourceDir).filter(spec.isSource).sort()) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(spec.sourceDir, path)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path, root);
    return entry.isFile() ? [relative(root, path)] : [];
  });
}

/** Takes the lock directory, waiting while a live process holds it (or until the build it makes appears). */
async function acquire(lock: string, outDir: string): Promise<void> {
  const deadline = Date.now() + buildTimeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (isComplete(outDir)) return;
    if (!holderAlive(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`waited ${buildTimeoutMs} ms for the build lock ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, lockPollMs));
  }
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    // The holder has made the directory but not yet written its pid: give it a moment.
    const made = statSync(lock, { throwIfNoEntry: false });
    return made !== undefined && Date.now() - made.mtimeMs < 5_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(spec: BuildSpec, outDir: string): Promise<void> {
  const args = spec.args.map((a) => a.replaceAll("{out}", outDir));
  return new Promise((resolve, reject) => {
    execFile(spec.command, args, { cwd: spec.sourceDir, env: { ...process.env, ...spec.env }, timeout: buildTimeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) return resolve();
      const tail = `${stdout}\n${stderr}`.slice(-outputTailChars);
      reject(new Error(`building the ${spec.name} driver failed: ${spec.command} ${args.join(" ")}\n${tail}`, { cause: err }));
    });
  });
}

/** Keeps one build per driver: older ones are stale once the sources changed. */
function removeOtherBuilds(name: string, keep: string): void {
  for (const entry of readdirSync(driverCacheRoot)) {
    const path = join(driverCacheRoot, entry);
    if (path !== keep && entry.startsWith(`${name}-`) && !entry.includes(".lock") && !entry.includes(".tmp-")) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * `dts` where users expect it: `dts --version` prints the package version; `npx dts` works in the
 * clone; the packed tarball (`npm pack`, from the dist/ that `npm run build` made) holds what the
 * installed command needs and nothing of the sources or tests, and `npm install -g --prefix <tmp>`
 * of it puts a working `dts` in <tmp>/bin, which can start the server and talk to it.
 *
 * The install resolves the dependencies from npm's cache where it has them (--prefer-offline),
 * else from the registry. It skips install scripts: the only one that matters, better-sqlite3's
 * native build, takes minutes on this machine, so the test copies the clone's own build of it
 * into the installed copy; that is what `npm install` would have compiled.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ChildHandle } from "../support/child-process.ts";
import { repoRoot } from "../support/server-process.ts";

const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
const temp = mkdtempSync(join(tmpdir(), "dts-install-"));
after(() => rmSync(temp, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd = repoRoot, timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: "false", ...env } }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${stderr}`)),
    ),
  );
}

test("dts --version and dts version print the package version; so does npx dts in the clone", async () => {
  const bin = join(repoRoot, "bin", "dts.js");
  assert.equal(await run(process.execPath, [bin, "--version"]), `${version}\n`);
  assert.equal(await run(process.execPath, [bin, "version"]), `${version}\n`);
  // The first npx of a clone links it into npx's cache; without scripts, so its `prepare` does not
  // rebuild dist/ under the tests that are running from it (npm test has just built it).
  assert.equal(await run("npx", ["--offline", "dts", "--version"], repoRoot, 180_000, { npm_config_ignore_scripts: "true" }), `${version}\n`);
});

test("the packed tarball installs with npm install -g: dts is on the prefix's PATH, starts the server and talks to it", { timeout: 300_000 }, async () => {
  const packed = JSON.parse(await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", temp])) as { filename: string; files: { path: string }[] }[];
  const { filename, files } = packed[0] as { filename: string; files: { path: string }[] };
  const paths = files.map((file) => file.path);
  for (const needed of ["bin/dts.js", "package.json", "dist/src/cli/dts.js", "dist/src/main.js", "dist/src/client/index.js", "dist/dashboard/index.html", "proto/externalscaler.proto"]) {
    assert.ok(paths.includes(needed), `${needed} is in the tarball`);
  }
  assert.deepEqual(paths.filter((path) => /^(src|test|bench|dashboard)\/|\.ts$|\.map$/.test(path)), [], "no sources, tests or source maps");

  const prefix = join(temp, "prefix");
  await run("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", join(temp, filename)], temp, 240_000);
  const dts = join(prefix, "bin", "dts");
  assert.equal(await run(dts, ["--version"], temp), `${version}\n`);

  const installed = join(prefix, "lib", "node_modules", "durable-task-scheduler");
  cpSync(join(repoRoot, "node_modules", "better-sqlite3", "build"), join(installed, "node_modules", "better-sqlite3", "build"), { recursive: true });
  const server = new ChildHandle(dts, ["serve", "--grpc-port", "0", "--http-port", "0", "--data-dir", join(temp, "data")], { cwd: temp, label: "installed dts serve" });
  try {
    const ready = await server.waitForLine(/^dts ready grpc=\S+ http=(\S+)/, 30_000);
    const url = `http://${ready[1]}`;
    assert.equal(await run(dts, ["scheduler", "list", "--server", url, "--query", "[].name", "-o", "tsv"], temp), "default\n");
    assert.equal(await run(dts, ["orchestration", "list", "--server", url, "--query", "length(@)", "-o", "tsv"], temp), "0\n");
    assert.match(await (await fetch(`${url}/`)).text(), /<html/i, "the dashboard's files are installed");
  } finally {
    await server.stop(10_000);
  }
});

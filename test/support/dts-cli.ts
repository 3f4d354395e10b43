/**
 * Runs the `dts` command (node bin/dts.js, the built CLI) as a child process against a server,
 * the way a user runs it: the server address comes from DTS_SERVER (`host:port` means http://;
 * a full URL is used as it is), and `env` adds variables such as DTS_CONFIG_DIR. No SDK imports here.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./server-process.ts";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runDts(httpAddress: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const server = httpAddress.includes("://") ? httpAddress : `http://${httpAddress}`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(repoRoot, "bin", "dts.js"), ...args],
      { cwd: repoRoot, env: { ...process.env, DTS_SERVER: server, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Runs `dts`, requires exit code 0, and returns stdout. */
export async function dtsOk(httpAddress: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<string> {
  const result = await runDts(httpAddress, args, env);
  if (result.code !== 0) throw new Error(`dts ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Confirmation of destructive commands on a terminal, as az asks it: `dts` runs under a
 * pseudo-terminal (util-linux `script`, whose stdin feeds the terminal) against the real server
 * process. The question repeats until the answer is yes or no; no cancels; --yes skips it. Without
 * a terminal the commands are refused unless --yes is given (cli-seed-walkthrough.test.ts,
 * cli-data-plane scenarios).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dtsOk, runDts } from "../support/dts-cli.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";

let server: DtsServer | undefined;
before(async () => {
  server = await DtsServer.start();
});
after(async () => {
  await server?.dispose();
});

interface TtyResult {
  code: number;
  /** What the terminal showed: the echoed answers, the questions and the output, CR LF as LF. */
  screen: string;
}

/** Runs `dts args` on a pseudo-terminal, typing `answers`. */
function dtsOnTty(args: readonly string[], answers: string): Promise<TtyResult> {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, join(repoRoot, "bin", "dts.js"), ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = execFile("script", ["-qec", command, "/dev/null"], { cwd: repoRoot, env: { ...process.env, DTS_SERVER: `http://${server?.httpAddress}` }, timeout: 30_000 }, (error, stdout) => {
      if (error !== null && typeof error.code !== "number") reject(error);
      else resolve({ code: error === null ? 0 : (error.code as number), screen: stdout.replace(/\r\n/g, "\n") });
    });
    child.stdin?.end(answers);
  });
}

function it(name: string, body: (http: string) => Promise<void>): void {
  test(name, { timeout: 60_000 }, withServerOutput(() => [server], () => body((server as DtsServer).httpAddress)));
}

it("a delete asks on a terminal: no cancels, an unclear answer asks again, yes deletes", async (http) => {
  await dtsOk(http, ["group", "create", "-n", "rg-tty", "-l", "westus", "-o", "none"]);
  const refused = await dtsOnTty(["group", "delete", "-n", "rg-tty"], "n\n");
  assert.equal(refused.code, 1, refused.screen);
  assert.match(refused.screen, /Delete resource group 'rg-tty'\? \(y\/n\): /);
  // The terminal echoes the typed answer where it is at that moment, so only the order is fixed.
  assert.match(refused.screen, /ERROR: Operation cancelled\.\n$/);
  assert.equal((await runDts(http, ["group", "show", "-n", "rg-tty"])).code, 0, "the group is still there");

  const deleted = await dtsOnTty(["group", "delete", "-n", "rg-tty"], "maybe\ny\n");
  assert.equal(deleted.code, 0, deleted.screen);
  assert.equal(deleted.screen.match(/Delete resource group 'rg-tty'\? \(y\/n\): /g)?.length, 2, deleted.screen);
  assert.match((await runDts(http, ["group", "show", "-n", "rg-tty"])).stderr, /\(ResourceNotFound\)/);
});

it("--yes skips the question; purge, entity delete, task hub and scheduler delete ask too; a plain show never asks", async (http) => {
  await dtsOk(http, ["group", "create", "-n", "rg-tty2", "-l", "westus", "-o", "none"]);
  const yes = await dtsOnTty(["group", "delete", "-n", "rg-tty2", "--yes"], "");
  assert.equal(yes.code, 0, yes.screen);
  assert.doesNotMatch(yes.screen, /\(y\/n\)/);
  const questions: [string[], RegExp][] = [
    [["orchestration", "purge", "--id", "some-id"], /Purge orchestration 'some-id' with its history\? \(y\/n\): /],
    [["orchestration", "purge", "--status", "completed"], /Purge every finished orchestration that matches the filters, with its history\? \(y\/n\): /],
    [["entity", "delete", "--id", "@counter@k"], /Delete entity '@counter@k' and its state\? \(y\/n\): /],
    [["taskhub", "delete", "-g", "default", "-s", "default", "-n", "default"], /Delete task hub 'default' of scheduler 'default' and all its orchestrations and entities\? \(y\/n\): /],
    [["scheduler", "delete", "-g", "default", "-n", "default"], /Delete scheduler 'default' of resource group 'default'\? \(y\/n\): /],
    [["retention-policy", "delete", "-g", "default", "-s", "default"], /Delete the retention policy of scheduler 'default'\? \(y\/n\): /],
  ];
  for (const [args, question] of questions) {
    const result = await dtsOnTty(args, "no\n");
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.screen}`);
    assert.match(result.screen, question);
    assert.match(result.screen, /ERROR: Operation cancelled\.\n$/);
  }
  const shown = await dtsOnTty(["taskhub", "show", "-g", "default", "-s", "default", "-n", "default", "--query", "name", "-o", "tsv"], "");
  assert.equal(shown.code, 0, shown.screen);
  assert.equal(shown.screen, "default\n");
});

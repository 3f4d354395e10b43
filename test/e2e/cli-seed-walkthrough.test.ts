/**
 * The seed walkthrough (../shared/seed/) with `dts` in place of `az`, step by step against the
 * real server process: create a group, a scheduler and a task hub with the seed's flags, show,
 * list both ways, read the endpoint with --query/--output tsv, delete the hub, then the
 * scheduler. Also: errors are one line with a non-zero exit, --help works everywhere, and the
 * scheduler's endpoint survives a restart.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dtsOk, runDts } from "../support/dts-cli.ts";
import { DtsServer, withServerOutput } from "../support/server-process.ts";

let server: DtsServer | undefined;

before(async () => {
  server = await DtsServer.start({ extraArgs: ["--scheduler-ports", "0"] });
});
after(async () => {
  await server?.dispose();
});

function it(name: string, body: (http: string) => Promise<void>): void {
  test(name, { timeout: 60_000 }, withServerOutput(() => [server], async () => body((server as DtsServer).httpAddress)));
}

const RG = "YOUR_RESOURCE_GROUP";
const SCHEDULER = "YOUR-SCHEDULER";
const HUB = "YOUR-TASKHUB";

it("the seed's steps in order", async (http) => {
  const group = JSON.parse(await dtsOk(http, ["group", "create", "--name", RG, "--location", "northcentralus"]));
  assert.equal(group.name, RG);

  const scheduler = JSON.parse(await dtsOk(http, [
    "durabletask", "scheduler", "create", "--name", SCHEDULER, "--resource-group", RG, "--location", "northcentralus",
    "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "dedicated", "--sku-capacity", "1",
  ]));
  assert.deepEqual(Object.keys(scheduler).sort(), ["id", "location", "name", "properties", "resourceGroup", "systemData", "tags", "type"]);
  assert.equal(scheduler.id, `/subscriptions/default/resourceGroups/${RG}/providers/Microsoft.DurableTask/schedulers/${SCHEDULER}`);
  assert.equal(scheduler.resourceGroup, RG);
  assert.equal(scheduler.location, "northcentralus");
  assert.deepEqual(scheduler.properties.ipAllowlist, ["0.0.0.0/0"]);
  assert.deepEqual(scheduler.properties.sku, { capacity: 1, name: "Dedicated", redundancyState: "None" });
  assert.equal(scheduler.properties.provisioningState, "Succeeded");
  assert.deepEqual(Object.keys(scheduler.systemData), ["createdAt", "createdBy", "createdByType", "lastModifiedAt", "lastModifiedBy", "lastModifiedByType"]);

  const hub = JSON.parse(await dtsOk(http, ["durabletask", "taskhub", "create", "--resource-group", RG, "--scheduler-name", SCHEDULER, "--name", HUB]));
  assert.equal(hub.id, `${scheduler.id}/taskHubs/${HUB}`);
  assert.equal(hub.properties.provisioningState, "Succeeded");
  assert.equal(hub.resourceGroup, RG);

  const listed = JSON.parse(await dtsOk(http, ["durabletask", "scheduler", "list", "--subscription", "default"]));
  assert.deepEqual(listed.map((s: { name: string }) => s.name).sort(), [SCHEDULER, "default"]);
  const inGroup = JSON.parse(await dtsOk(http, ["durabletask", "scheduler", "list", "--subscription", "default", "--resource-group", RG]));
  assert.deepEqual(inGroup.map((s: { name: string }) => s.name), [SCHEDULER]);
  const hubs = JSON.parse(await dtsOk(http, ["durabletask", "taskhub", "list", "--resource-group", RG, "--scheduler-name", SCHEDULER]));
  assert.deepEqual(hubs.map((h: { name: string }) => h.name), [HUB]);

  const endpoint = await dtsOk(http, ["durabletask", "scheduler", "show", "--resource-group", RG, "--name", SCHEDULER, "--query", "properties.endpoint", "--output", "tsv"]);
  assert.equal(endpoint, `${scheduler.properties.endpoint}\n`);
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+\n$/);

  const refused = await runDts(http, ["scheduler", "delete", "--resource-group", RG, "--name", SCHEDULER, "--yes"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^ERROR: \(CannotDeleteResource\) .*YOUR-TASKHUB.*\n$/);

  // As with az, a delete asks for confirmation, and without a terminal (here: a pipe) needs --yes.
  const unconfirmed = await runDts(http, ["durabletask", "taskhub", "delete", "--resource-group", RG, "--scheduler-name", SCHEDULER, "--name", HUB]);
  assert.equal(unconfirmed.code, 1);
  assert.equal(unconfirmed.stderr, "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n");
  assert.equal(await dtsOk(http, ["durabletask", "taskhub", "delete", "--resource-group", RG, "--scheduler-name", SCHEDULER, "--name", HUB, "--yes"]), "");
  assert.equal(await dtsOk(http, ["durabletask", "scheduler", "delete", "--resource-group", RG, "--name", SCHEDULER, "--yes"]), "");
  const gone = await runDts(http, ["scheduler", "show", "-g", RG, "-n", SCHEDULER]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /^ERROR: \(ResourceNotFound\) /);
});

it("the seed's verb-less scheduler delete gets a one-line hint at 'dts scheduler delete'", async (http) => {
  const result = await runDts(http, ["durabletask", "scheduler", "--resource-group", RG, "--scheduler-name", SCHEDULER]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trim().split("\n").length, 1);
  assert.match(result.stderr, /dts scheduler delete/);
});

it("output formats, --query, short flags, update and retention policies", async (http) => {
  await dtsOk(http, ["group", "create", "-n", "rg-cli", "-l", "westus"]);
  await dtsOk(http, ["scheduler", "create", "-n", "cli-sched", "-g", "rg-cli", "--ip-allowlist", "[10.0.0.0/8, 192.168.1.1]", "--sku-name", "consumption", "--tags", "env=test", "team=core", "-o", "none"]);
  const shown = JSON.parse(await dtsOk(http, ["scheduler", "show", "-n", "cli-sched", "-g", "rg-cli"]));
  assert.equal(shown.location, "westus", "the location defaults to the resource group's");
  assert.deepEqual(shown.tags, { env: "test", team: "core" });
  assert.deepEqual(shown.properties.ipAllowlist, ["10.0.0.0/8", "192.168.1.1"]);
  const updated = await dtsOk(http, ["scheduler", "update", "-n", "cli-sched", "-g", "rg-cli", "--sku-name", "dedicated", "--sku-capacity", "3", "--query", "properties.sku", "-o", "json"]);
  assert.deepEqual(JSON.parse(updated), { capacity: 3, name: "Dedicated", redundancyState: "Zone" });
  assert.equal(await dtsOk(http, ["scheduler", "list", "-g", "rg-cli", "--query", "[].name", "-o", "tsv"]), "cli-sched\n");
  const table = await dtsOk(http, ["scheduler", "list", "-g", "rg-cli", "-o", "table"]);
  assert.match(table, /^Name\s+ResourceGroup\s+Location\s+Endpoint\s+State\s+Sku\s+Capacity\n-[- ]+\ncli-sched\s+rg-cli\s+westus\s+http:\/\/127\.0\.0\.1:\d+\s+Succeeded\s+Dedicated\s+3\n$/);
  await dtsOk(http, ["taskhub", "create", "-n", "cli-hub", "-g", "rg-cli", "-s", "cli-sched", "-o", "none"]);
  assert.match(await dtsOk(http, ["taskhub", "list", "-g", "rg-cli", "-s", "cli-sched", "-o", "table"]), /^Name\s+ResourceGroup\s+State\s+DashboardUrl\n-[- ]+\ncli-hub\s+rg-cli\s+Succeeded\s+http:\/\/\S+\/hubs\/default%2Frg-cli%2Fcli-sched%2Fcli-hub\n$/);
  assert.match(await dtsOk(http, ["group", "show", "-n", "rg-cli", "-o", "table"]), /^Name\s+Location\s+State\n-[- ]+\nrg-cli\s+westus\s+Succeeded\n$/);
  const policy = JSON.parse(await dtsOk(http, ["retention-policy", "create", "-g", "rg-cli", "-s", "cli-sched", "-d", "30", "-c", "1", "-f", "7", "-t", "2", "-x", "0"]));
  assert.deepEqual(policy.properties.retentionPolicies, [
    { retentionPeriodInDays: 30 },
    { orchestrationState: "Completed", retentionPeriodInDays: 1 },
    { orchestrationState: "Failed", retentionPeriodInDays: 7 },
    { orchestrationState: "Terminated", retentionPeriodInDays: 2 },
    { orchestrationState: "Canceled", retentionPeriodInDays: 0 },
  ]);
  assert.equal(await dtsOk(http, ["retention-policy", "show", "-g", "rg-cli", "-s", "cli-sched", "--query", "properties.retentionPolicies[0].retentionPeriodInDays", "-o", "tsv"]), "30\n");
  assert.match(await dtsOk(http, ["retention-policy", "show", "-g", "rg-cli", "-s", "cli-sched", "-o", "table"]), /^ResourceGroup\s+Scheduler\s+DefaultDays\s+CompletedDays\s+FailedDays\s+TerminatedDays\s+CanceledDays\n-[- ]+\nrg-cli\s+cli-sched\s+30\s+1\s+7\s+2\s+0\n$/);
  assert.equal(await dtsOk(http, ["retention-policy", "delete", "-g", "rg-cli", "-s", "cli-sched", "-y"]), "");
  const none = await runDts(http, ["retention-policy", "create", "-g", "rg-cli", "-s", "cli-sched"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /at least one of --default-days/);
});

it("errors are one line and a non-zero exit; --help works at every level", async (http) => {
  const cases: [string[], number, RegExp][] = [
    [["scheduler", "create", "-n", "ab", "-g", "default", "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "dedicated", "--sku-capacity", "1"], 1, /\(InvalidArgument\) scheduler name 'ab' is invalid/],
    [["scheduler", "create", "-n", "abc", "-g", "default", "--ip-allowlist", "[1.2.3.4/40]", "--sku-name", "dedicated", "--sku-capacity", "1"], 1, /ipAllowlist entry '1.2.3.4\/40'/],
    [["scheduler", "create", "-n", "abc", "-g", "default", "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "dedicated", "--sku-capacity", "9"], 1, /capacity 9 is out of range/],
    [["scheduler", "create", "-n", "abc", "-g", "default", "--sku-name", "dedicated"], 2, /required: --ip-allowlist/],
    [["scheduler", "show", "-n", "abc"], 2, /required: --resource-group\/-g/],
    [["scheduler", "show", "-n", "abc", "-g", "default", "--bogus"], 2, /unrecognized argument --bogus/],
    [["scheduler", "show", "-n", "abc", "-g", "default", "-o", "xml"], 2, /invalid choice: 'xml'/],
    [["taskhub", "show", "-n", "nope", "-g", "default", "-s", "default"], 1, /\(ResourceNotFound\)/],
    [["schedular", "list"], 2, /^ERROR: 'schedular' is not a dts command; did you mean 'scheduler'\? see 'dts --help'\n$/],
    [["durabletask", "taskhbu", "list"], 2, /'taskhbu' is not a dts command; did you mean 'taskhub'\?/],
    [["group", "lst"], 2, /'lst' is not a 'dts group' command \(use create, show, list, delete\); did you mean 'list'\?/],
    [["scheduler", "list", "--resource-grup", "x"], 2, /unrecognized argument --resource-grup; did you mean --resource-group\? see 'dts scheduler list --help'/],
    [["serve", "--grpc-prot", "1"], 2, /unknown flag --grpc-prot; did you mean --grpc-port\?/],
  ];
  for (const [args, code, pattern] of cases) {
    const result = await runDts(http, args);
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, pattern);
    assert.equal(result.stdout, "");
  }
  const unreachable = await runDts("127.0.0.1:1", ["scheduler", "list"]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^ERROR: cannot reach the dts server at http:\/\/127\.0\.0\.1:1 .*\n$/);
  for (const args of [["--help"], ["scheduler", "--help"], ["durabletask", "taskhub", "--help"], ["scheduler", "create", "--help"], ["retention-policy", "create", "-h"], ["group", "create", "--help"]]) {
    const result = await runDts(http, args);
    assert.equal(result.code, 0, args.join(" "));
    assert.match(result.stdout, /^usage: dts/);
  }
  assert.match(await dtsOk(http, ["retention-policy", "create", "--help"]), /-x.*Canceled/);
  const durabletask = await dtsOk(http, ["durabletask"]);
  assert.match(durabletask, /^usage: dts durabletask <command>/);
  for (const group of ["scheduler", "taskhub", "retention-policy"]) assert.match(durabletask, new RegExp(`\\n  ${group} `));
});

it("a scheduler's endpoint and task hubs survive a restart", async (http) => {
  await dtsOk(http, ["group", "create", "-n", "rg-restart", "-l", "westus"]);
  await dtsOk(http, ["scheduler", "create", "-n", "keep-me", "-g", "rg-restart", "--ip-allowlist", "[0.0.0.0/0]", "--sku-name", "dedicated", "--sku-capacity", "1", "-o", "none"]);
  await dtsOk(http, ["taskhub", "create", "-n", "kept-hub", "-g", "rg-restart", "-s", "keep-me", "-o", "none"]);
  await (server as DtsServer).restart();
  const after = (server as DtsServer).httpAddress;
  assert.equal(await dtsOk(after, ["taskhub", "list", "-g", "rg-restart", "-s", "keep-me", "--query", "[].name", "-o", "tsv"]), "kept-hub\n");
  assert.match(await dtsOk(after, ["scheduler", "show", "-g", "rg-restart", "-n", "keep-me", "--query", "properties.endpoint", "-o", "tsv"]), /^http:\/\/127\.0\.0\.1:\d+\n$/);
});

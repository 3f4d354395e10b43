/**
 * The fault scenarios (fault-runner.ts) with the Go driver: github.com/microsoft/durabletask-go's
 * work-item listener killed mid-activity, and its instances across a `kill -9` of the server.
 * The driver is built first, in a hook of its own: a first build on a fresh machine downloads
 * the Go modules and takes minutes, which the fault tests' deadlines are not meant to cover.
 */
import { before } from "node:test";
import { buildGoDriver, type GoDriver } from "./drivers/go/build.ts";
import { runFaults } from "./fault-runner.ts";

let driver: Promise<GoDriver> | undefined;
before(async () => {
  driver = buildGoDriver();
  await driver;
}, { timeout: 15 * 60_000 });

runFaults({ label: "go", prepare: () => driver ?? buildGoDriver() });

/**
 * The fault scenarios (fault-runner.ts) with the Go driver: github.com/microsoft/durabletask-go's
 * work-item listener killed mid-activity, and its instances across a `kill -9` of the server.
 */
import { runFaults } from "./fault-runner.ts";
import { buildGoDriver } from "./drivers/go/build.ts";

runFaults({ label: "go", prepare: buildGoDriver });

/**
 * The fault scenarios (fault-runner.ts) with the js-ms driver in its own process.
 */
import { runFaults } from "./fault-runner.ts";
import { jsDriver } from "./js-driver.ts";

runFaults({ label: "js-ms", prepare: jsDriver("js-ms") });

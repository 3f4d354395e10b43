/**
 * The fault scenarios (fault-runner.ts) with the js-dapr driver in its own process.
 */
import { runFaults } from "./fault-runner.ts";
import { jsDriver } from "./js-driver.ts";

runFaults({ label: "js-dapr", prepare: jsDriver("js-dapr") });

/**
 * The fault scenarios (fault-runner.ts) with the Python driver: durabletask's worker killed
 * mid-activity, and its instances across a `kill -9` and a SIGTERM of the server.
 */
import { runFaults } from "./fault-runner.ts";
import { pythonDriver } from "./drivers/python/venv.ts";

runFaults({ label: "python", prepare: () => pythonDriver() });

/**
 * The SDK matrix column `python-azuremanaged`: PyPI durabletask-azuremanaged's
 * DurableTaskSchedulerClient and DurableTaskSchedulerWorker set up as for the DTS emulator
 * (`http://` endpoint, task hub, no credential), through the Python driver (drivers/python).
 */
import { runColumn } from "./column-runner.ts";
import { pythonDriver } from "./drivers/python/venv.ts";

runColumn({ column: "python-azuremanaged", driver: "python", variant: "azuremanaged", prepare: () => pythonDriver() });

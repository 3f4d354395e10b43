/**
 * The SDK matrix column `python`: PyPI durabletask's TaskHubGrpcClient and TaskHubGrpcWorker on
 * `127.0.0.1:<port>` (plain gRPC), through the Python driver (drivers/python) in a virtual
 * environment made from its hashed requirements.
 */
import { runColumn } from "./column-runner.ts";
import { pythonDriver } from "./drivers/python/venv.ts";

runColumn({ column: "python", driver: "python", variant: "plain", prepare: () => pythonDriver() });

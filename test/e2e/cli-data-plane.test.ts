/**
 * The data-plane CLI (`dts orchestration ...`, `dts entity ...`) end to end against an open
 * `dts serve` process (no --auth), with a worker in its own process; the scenarios are in
 * test/support/cli-data-plane-scenarios.ts, shared with cli-data-plane-auth.test.ts.
 */
import { describeDataPlaneCli } from "../support/cli-data-plane-scenarios.ts";
import { DtsServer } from "../support/server-process.ts";

describeDataPlaneCli("data-plane CLI, open server", async () => {
  const server = await DtsServer.start({ extraArgs: ["--scheduler-ports", "0"] });
  return {
    server,
    url: `http://${server.httpAddress}`,
    cliEnv: {},
    workerEnv: { DURABLE_TASK_SCHEDULER_CONNECTION_STRING: `Endpoint=http://${server.grpcAddress};Authentication=None;TaskHub=default` },
  };
});

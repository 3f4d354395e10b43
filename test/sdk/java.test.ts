/**
 * The Java columns of the SDK matrix. `java`: com.microsoft:durabletask-client's
 * DurableTaskGrpcClientBuilder and DurableTaskGrpcWorkerBuilder on `localhost:<port>`, through
 * the Java driver (drivers/java), built once into the driver cache.
 *
 * `java-azuremanaged` cannot run here: the Maven registry this machine and CI reach serves no
 * version of com.microsoft:durabletask-azuremanaged (its version list answers 404), so there is
 * no package to build a driver with. The column is reported, every scenario excluded with that
 * reason, rather than left out of the matrix.
 */
import { test } from "node:test";
import { loadCatalogue } from "./catalogue.ts";
import { runColumn } from "./column-runner.ts";
import { buildJavaDriver } from "./drivers/java/build.ts";
import { writeColumn, writeMatrix } from "./matrix.ts";

runColumn({ column: "java", driver: "java", variant: "plain", prepare: buildJavaDriver });

const azureManagedUnavailable =
  "com.microsoft:durabletask-azuremanaged is not served by the Maven registry reachable here (no version resolves), so no driver can be built";

test("SDK column java-azuremanaged", async (t) => {
  const catalogue = loadCatalogue();
  for (const s of catalogue) await t.test(s.id, { skip: `excluded for java-azuremanaged: ${azureManagedUnavailable}` }, () => {});
  writeColumn({
    column: "java-azuremanaged",
    sdk: "com.microsoft:durabletask-azuremanaged",
    version: "(not served)",
    finishedAt: new Date().toISOString(),
    durationS: 0,
    results: catalogue.map((s) => ({ id: s.id, outcome: "excluded", detail: azureManagedUnavailable })),
  });
  process.stdout.write(`\n${writeMatrix(catalogue)}\n`);
});

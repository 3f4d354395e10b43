/**
 * The catalogue on `@microsoft/durabletask-js` with the server on PostgreSQL (matrix column
 * js-ms-on-postgres): the same scenarios, the state in a PostgreSQL this test starts.
 */
import { runColumn } from "./column-runner.ts";
import { jsDriver } from "./js-driver.ts";

runColumn({
  column: "js-ms",
  driver: "js-ms",
  variant: "plain",
  store: "postgres",
  prepare: jsDriver("js-ms"),
});

/**
 * The catalogue on `@microsoft/durabletask-js` (column js-ms): the driver in
 * drivers/js-ms/ runs in its own Node process, as every driver does.
 */
import { runColumn } from "./column-runner.ts";
import { jsDriver } from "./js-driver.ts";

runColumn({
  column: "js-ms",
  driver: "js-ms",
  variant: "plain",
  prepare: jsDriver("js-ms"),
});

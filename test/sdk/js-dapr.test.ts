/**
 * The catalogue on `@dapr/durabletask-js` (column js-dapr): the driver in
 * drivers/js-dapr/ runs in its own Node process, as every driver does.
 */
import { runColumn } from "./column-runner.ts";
import { jsDriver } from "./js-driver.ts";

runColumn({
  column: "js-dapr",
  driver: "js-dapr",
  variant: "plain",
  prepare: jsDriver("js-dapr"),
});

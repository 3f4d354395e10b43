/**
 * The SDK matrix column `go`: github.com/microsoft/durabletask-go's gRPC client and work-item
 * listener on `127.0.0.1:<port>`, through the Go driver (drivers/go), built once into the driver
 * cache.
 */
import { runColumn } from "./column-runner.ts";
import { buildGoDriver } from "./drivers/go/build.ts";

runColumn({ column: "go", driver: "go", variant: "plain", prepare: buildGoDriver });

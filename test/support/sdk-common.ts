/**
 * Helpers both SDK harnesses share. They take the clients by their structure only, so this file
 * imports neither SDK (the two must never load in one process).
 */
import { GrpcStatus, grpcCodeOf } from "./grpc-status.ts";
import { eventually } from "./wait.ts";

/** The orchestration's output parsed from JSON, or undefined when it has none. */
export function outputOf(state: { serializedOutput?: string }): unknown {
  return state.serializedOutput === undefined || state.serializedOutput === ""
    ? undefined
    : JSON.parse(state.serializedOutput);
}

/**
 * Waits until `client` gets answers from the server again, e.g. after a restart on the same
 * port. grpc-js shares connections between channels to the same address, so even a fresh client
 * can fail fast with UNAVAILABLE while the old connection sits in its reconnect back-off; any
 * application sees the same and retries, so the tests do too (only UNAVAILABLE is retried).
 */
export async function waitUntilReachable(
  client: { getOrchestrationState(instanceId: string, fetchPayloads: boolean): Promise<unknown> },
  timeoutMs = 30_000,
): Promise<void> {
  await eventually("the server to be reachable", async () => {
    try {
      await client.getOrchestrationState("reachability-probe", false);
      return true;
    } catch (err) {
      if (grpcCodeOf(err) === GrpcStatus.UNAVAILABLE) return undefined;
      throw err;
    }
  }, timeoutMs, 200);
}

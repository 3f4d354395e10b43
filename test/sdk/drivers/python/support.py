"""Small helpers shared by the scenario modules: unique ids, waiting, polling, gRPC status names."""
import time
import uuid

import grpc

from durabletask.client import OrchestrationState, TaskHubGrpcClient

WAIT_TIMEOUT_S = 60
POLL_INTERVAL_S = 0.05


def unique_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def finish(client: TaskHubGrpcClient, instance_id: str) -> OrchestrationState:
    state = client.wait_for_orchestration_completion(instance_id, timeout=WAIT_TIMEOUT_S)
    if state is None:
        raise RuntimeError(f"instance {instance_id} does not exist")
    return state


def run_to_end(client: TaskHubGrpcClient, name: str, value=None, instance_id: str | None = None,
               **options) -> OrchestrationState:
    started = client.schedule_new_orchestration(name, input=value, instance_id=instance_id, **options)
    return finish(client, started)


def start_running(client: TaskHubGrpcClient, name: str, instance_id: str, value=None) -> str:
    client.schedule_new_orchestration(name, input=value, instance_id=instance_id)
    client.wait_for_orchestration_start(instance_id, timeout=WAIT_TIMEOUT_S)
    return instance_id


def poll(read, done, what: str, timeout_s: float = WAIT_TIMEOUT_S):
    """Calls `read` until `done(value)` holds; returns that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}; last value {value!r}")
        time.sleep(POLL_INTERVAL_S)


def status_name(call) -> str:
    """The gRPC status name a client call ends with: "OK" when it succeeds."""
    try:
        call()
        return "OK"
    except grpc.RpcError as error:
        return error.code().name


def ignore_rpc_error(call) -> None:
    try:
        call()
    except grpc.RpcError:
        pass

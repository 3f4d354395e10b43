"""Fault support commands (test/sdk/README.md): `schedule` many instances at once and `wait` for
them across a server restart, retrying UNAVAILABLE until the deadline."""
import time

import grpc

from observe import decoded, status

RETRY_INTERVAL_S = 0.2


def schedule(conn, command: dict) -> dict:
    ids = []
    for i in range(1, command["count"] + 1):
        instance_id = f"{command['idPrefix']}{i}"
        value = command["input"] if "input" in command else i
        conn.client.schedule_new_orchestration(command["orchestration"], input=value, instance_id=instance_id)
        ids.append(instance_id)
    return {"ids": ids}


def wait(conn, command: dict) -> dict:
    deadline = time.monotonic() + command["timeoutS"]
    results = []
    for instance_id in command["ids"]:
        state = _wait_one(conn, instance_id, deadline)
        results.append({"id": instance_id, "status": status(state),
                        "output": None if state is None else decoded(state.serialized_output)})
    return {"results": results}


def _wait_one(conn, instance_id: str, deadline: float):
    while True:
        try:
            return conn.client.wait_for_orchestration_completion(
                instance_id, timeout=max(0.1, deadline - time.monotonic()))
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise
            time.sleep(RETRY_INTERVAL_S)

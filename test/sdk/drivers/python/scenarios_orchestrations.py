"""Catalogue scenarios about running orchestrations: activities, sub-orchestrations, timers,
events, terminate, suspend, continue-as-new, custom status, failures, retries, payloads.
"""
import time

from durabletask.client import OrchestrationStatus

from observe import brief, decoded, failure, status, summary
from support import finish, ignore_rpc_error, poll, run_to_end, start_running, unique_id


def empty_orchestration(conn, given):
    name = given["orchestration"]
    echo = run_to_end(conn.client, name, given["value"])
    bare = run_to_end(conn.client, name)
    return {
        "echo": {"status": status(echo), "name": echo.name, "input": decoded(echo.serialized_input),
                 "output": decoded(echo.serialized_output)},
        "bare": {"status": status(bare), "input": decoded(bare.serialized_input),
                 "output": decoded(bare.serialized_output)},
    }


def single_run(key: str):
    """Scenarios that start one orchestration with input `key` and observe {status, output}."""
    def scenario(conn, given):
        return brief(run_to_end(conn.client, given["orchestration"], given.get(key)))
    return scenario


def sub_orchestration(conn, given):
    parent = run_to_end(conn.client, given["orchestration"], given["value"], unique_id("sub"))
    child = conn.client.get_orchestration_state(f"{parent.instance_id}-child")
    return {"parent": brief(parent),
            "child": {**brief(child), "name": child.name} if child is not None else None}


def raise_all(conn, instance_id: str, events) -> None:
    for name, data in events:
        conn.client.raise_orchestration_event(instance_id, name, data=data)


def external_events(conn, given):
    instance_id = conn.client.schedule_new_orchestration(given["orchestration"])
    raise_all(conn, instance_id, given["events"])
    return brief(finish(conn.client, instance_id))


def external_event_timeout_fires(conn, given):
    instance_id = conn.client.schedule_new_orchestration(given["orchestration"], input=given["value"])
    result = finish(conn.client, instance_id)
    name, data = given["lateEvent"]
    ignore_rpc_error(lambda: conn.client.raise_orchestration_event(instance_id, name, data=data))
    return {"result": brief(result), "later": brief(conn.client.get_orchestration_state(instance_id))}


def external_event_timeout_beaten(conn, given):
    instance_id = start_running(conn.client, given["orchestration"], unique_id("beaten"), given["value"])
    raise_all(conn, instance_id, [given["event"]])
    return brief(finish(conn.client, instance_id))


def terminate(conn, given):
    instance_id = start_running(conn.client, given["orchestration"], unique_id("terminate"))
    conn.client.terminate_orchestration(instance_id, output=given["output"])
    result = finish(conn.client, instance_id)
    ignore_rpc_error(lambda: conn.client.terminate_orchestration(instance_id, output=given["again"]))
    return {"result": brief(result), "later": brief(conn.client.get_orchestration_state(instance_id))}


def _wait_running(conn, instance_id: str) -> None:
    poll(lambda: conn.client.get_orchestration_state(instance_id, fetch_payloads=False),
         lambda state: state is not None and state.runtime_status == OrchestrationStatus.RUNNING,
         f"{instance_id} to run")


def terminate_recursive(conn, given):
    client = conn.client
    root = client.schedule_new_orchestration(given["orchestration"], instance_id=unique_id("recursive"))
    _wait_running(conn, f"{root}-child-child")
    client.terminate_orchestration(root, output=given["output"], recursive=True)
    recursive = {"root": brief(finish(client, root)),
                 "child": {"status": status(finish(client, f"{root}-child"))},
                 "grandchild": {"status": status(finish(client, f"{root}-child-child"))}}

    parent = client.schedule_new_orchestration(given["flatOrchestration"], instance_id=unique_id("flat"))
    _wait_running(conn, f"{parent}-child")
    client.terminate_orchestration(parent, output=given["flatOutput"], recursive=False)
    parent_state = finish(client, parent)
    after_terminate = client.get_orchestration_state(f"{parent}-child", fetch_payloads=False)
    raise_all(conn, f"{parent}-child", [given["release"]])
    flat = {"parent": brief(parent_state), "childAfterTerminate": {"status": status(after_terminate)},
            "child": brief(finish(client, f"{parent}-child"))}
    return {"recursive": recursive, "flat": flat}


def suspend_resume(conn, given):
    client = conn.client
    instance_id = start_running(client, given["orchestration"], unique_id("suspend"))
    client.suspend_orchestration(instance_id)
    suspended = status(client.get_orchestration_state(instance_id, fetch_payloads=False))
    raise_all(conn, instance_id, [given["event"]])
    time.sleep(given["quietS"])
    after_event = status(client.get_orchestration_state(instance_id, fetch_payloads=False))
    client.resume_orchestration(instance_id)
    return {"suspended": suspended, "afterEvent": after_event, "result": brief(finish(client, instance_id))}


def continue_as_new(conn, given):
    instance_id = conn.client.schedule_new_orchestration(given["orchestration"], input=given["value"])
    raise_all(conn, instance_id, [(f"item-{n}", f"e{n}") for n in given["items"]])
    state = finish(conn.client, instance_id)
    return {**brief(state), "input": decoded(state.serialized_input)}


def custom_status(conn, given):
    client = conn.client
    instance_id = client.schedule_new_orchestration(given["orchestration"])
    running = poll(lambda: client.get_orchestration_state(instance_id),
                   lambda state: state is not None and state.serialized_custom_status is not None,
                   "a custom status")
    raise_all(conn, instance_id, [given["event"]])
    result = finish(client, instance_id)
    return {"running": {"status": status(running), "customStatus": decoded(running.serialized_custom_status)},
            "result": {**brief(result), "customStatus": decoded(result.serialized_custom_status)}}


def activity_failure(conn, given):
    uncaught = run_to_end(conn.client, given["failing"], given["value"])
    caught = run_to_end(conn.client, given["catching"], given["value"])
    return {"uncaught": summary(uncaught), "caught": brief(caught)}


def nested_failure(conn, given):
    parent = run_to_end(conn.client, given["orchestration"], given["value"], unique_id("nested"))
    child = conn.client.get_orchestration_state(f"{parent.instance_id}-child")
    return {"parent": {"status": status(parent), "failure": failure(parent.failure_details)},
            "child": {"status": status(child), "failure": failure(child.failure_details)}}


def retry_policy(conn, given):
    recovers = run_to_end(conn.client, given["orchestration"], given["recovers"])
    gives_up = run_to_end(conn.client, given["orchestration"], given["givesUp"])
    return {"recovers": brief(recovers),
            "givesUp": {"status": status(gives_up), "failure": failure(gives_up.failure_details)}}


def falsy_values(conn, given):
    observed = []
    for value in given["values"]:
        state = run_to_end(conn.client, given["orchestration"], value)
        observed.append({**brief(state), "input": decoded(state.serialized_input)})
    return observed


def send_event(conn, given):
    receiver = conn.client.schedule_new_orchestration(given["receiver"])
    sender = conn.client.schedule_new_orchestration(given["sender"], input={"receiverId": receiver})
    return {"sender": brief(finish(conn.client, sender)), "receiver": brief(finish(conn.client, receiver))}


TABLE = {
    "empty-orchestration": empty_orchestration,
    "activity-sequence": single_run("names"),
    "fan-out-fan-in": single_run("value"),
    "sub-orchestration": sub_orchestration,
    "sub-orchestration-fan-out": single_run("value"),
    "timer": single_run("value"),
    "external-events": external_events,
    "external-event-timeout-fires": external_event_timeout_fires,
    "external-event-timeout-beaten": external_event_timeout_beaten,
    "terminate": terminate,
    "terminate-recursive": terminate_recursive,
    "suspend-resume": suspend_resume,
    "continue-as-new": continue_as_new,
    "custom-status": custom_status,
    "activity-failure": activity_failure,
    "nested-failure": nested_failure,
    "retry-policy": retry_policy,
    "falsy-values": falsy_values,
    "send-event": send_event,
}

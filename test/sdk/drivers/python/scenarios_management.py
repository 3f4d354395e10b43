"""Catalogue scenarios about managing instances: ALREADY_EXISTS, exists=false, queries and paging,
purge, restart, rewind, history, and work-item filters (workers of their own).
"""
import time
from datetime import datetime, timedelta, timezone

from durabletask.client import OrchestrationQuery, OrchestrationStatus
from durabletask.history import ExecutionStartedEvent
from durabletask.worker import ActivityWorkItemFilter, OrchestrationWorkItemFilter, WorkItemFilters

import functions
from observe import brief, decoded, status
from page_counter import PageCounter
from support import finish, run_to_end, start_running, status_name, unique_id


def tags(conn, given):
    # durabletask 1.12.0 sends tags at start but its OrchestrationState has no tags field; the
    # public place it shows them is the ExecutionStarted event of the instance's history.
    state = run_to_end(conn.client, given["orchestration"], given["value"], unique_id("tags"), tags=given["tags"])
    started = [event for event in conn.client.get_orchestration_history(state.instance_id)
               if isinstance(event, ExecutionStartedEvent)]
    return {"status": status(state), "tags": started[0].tags if len(started) == 1 else None}


def already_exists(conn, given):
    name = given["orchestration"]
    instance_id = start_running(conn.client, name, unique_id("exists"))
    second = status_name(lambda: conn.client.schedule_new_orchestration(name, instance_id=instance_id))
    observed = {"secondStart": second,
                "status": status(conn.client.get_orchestration_state(instance_id, fetch_payloads=False))}
    conn.client.terminate_orchestration(instance_id)
    return observed


def exists_false(conn, given):
    nobody = unique_id("nobody")
    client = conn.client
    return {"withPayloads": client.get_orchestration_state(nobody, fetch_payloads=True),
            "withoutPayloads": client.get_orchestration_state(nobody, fetch_payloads=False),
            "waitForCompletion": client.wait_for_orchestration_completion(nobody, timeout=given["waitTimeoutS"])}


def _query(client, prefix: str, **options):
    return client.get_all_orchestration_states(OrchestrationQuery(instance_id_prefix=prefix, **options))


def query_paging(conn, given):
    client = conn.client
    began = datetime.now(timezone.utc)
    prefix = unique_id("query")
    started = [client.schedule_new_orchestration(given["completed"], input=i, instance_id=f"{prefix}-{i:02d}")
               for i in range(given["count"])]
    for instance_id in started:
        finish(client, instance_id)
    running = start_running(client, given["running"], f"{prefix}-running")

    # get_all_orchestration_states walks every page itself; the pages it asked for are counted on
    # the wire by an interceptor on a client of its own (the SDK's public `interceptors` option).
    pages = PageCounter("QueryInstances", lambda response: len(response.orchestrationState))
    with conn.new_client(interceptors=[pages]) as paging_client:
        walked = _query(paging_client, prefix, max_instance_count=given["pageSize"])
    strip = lambda states: sorted(state.instance_id[len(prefix):] for state in states)
    now = datetime.now(timezone.utc)
    in_window = _query(client, prefix, created_time_from=began - timedelta(seconds=5),
                       created_time_to=now + timedelta(seconds=60))
    in_future = _query(client, prefix, created_time_from=now + timedelta(seconds=60))
    one = f"{prefix}-{given['payloadIndex']:02d}"
    with_payloads = _query(client, one, fetch_inputs_and_outputs=True)
    without_payloads = _query(client, one, fetch_inputs_and_outputs=False)
    observed = {
        "ids": strip(walked), "pages": len(pages.sizes), "largestPage": max(pages.sizes),
        "completed": len(_query(client, prefix, runtime_status=[OrchestrationStatus.COMPLETED])),
        "runningIds": strip(_query(client, prefix, runtime_status=[OrchestrationStatus.RUNNING])),
        "inWindow": len(in_window), "inFuture": len(in_future),
        "withPayloads": _payloads(with_payloads), "withoutPayloads": _payloads(without_payloads),
    }
    client.terminate_orchestration(running)
    return observed


def _payloads(states):
    if len(states) != 1:
        raise RuntimeError(f"expected one instance, found {len(states)}")
    return {"input": decoded(states[0].serialized_input), "output": decoded(states[0].serialized_output)}


def purge_by_id(conn, given):
    client = conn.client
    finished = run_to_end(client, given["completed"], 1, unique_id("purge-a")).instance_id
    running = start_running(client, given["running"], unique_id("purge-b"))
    observed = {"purgedCompleted": client.purge_orchestration(finished).deleted_instance_count,
                "afterPurge": client.get_orchestration_state(finished),
                "purgedRunning": client.purge_orchestration(running).deleted_instance_count,
                "runningStatus": status(client.get_orchestration_state(running, fetch_payloads=False)),
                "purgedUnknown": client.purge_orchestration(unique_id("nobody")).deleted_instance_count}
    client.terminate_orchestration(running)
    return observed


def purge_by_filter(conn, given):
    client = conn.client
    since = datetime.now(timezone.utc)
    finished = [run_to_end(client, given["completed"], i).instance_id for i in range(given["count"])]
    running = start_running(client, given["running"], unique_id("purge-running"))
    purged = client.purge_orchestrations_by(
        created_time_from=since, created_time_to=datetime.now(timezone.utc) + timedelta(seconds=1),
        runtime_status=[OrchestrationStatus[name] for name in given["statuses"]])
    observed = {"purged": purged.deleted_instance_count,
                "remaining": sum(client.get_orchestration_state(i) is not None for i in finished),
                "runningStatus": status(client.get_orchestration_state(running, fetch_payloads=False))}
    client.terminate_orchestration(running)
    return observed


def restart(conn, given):
    client = conn.client
    first = run_to_end(client, given["orchestration"], given["value"], unique_id("restart")).instance_id
    same = client.restart_orchestration(first)
    same_result = finish(client, same)
    other = client.restart_orchestration(first, restart_with_new_instance_id=True)
    running = start_running(client, given["running"], unique_id("restart-running"))
    observed = {"sameId": same == first, "sameIdResult": brief(same_result),
                "newIdDiffers": other != first, "newIdResult": brief(finish(client, other)),
                "unknown": status_name(lambda: client.restart_orchestration(unique_id("nobody"))),
                "running": status_name(lambda: client.restart_orchestration(running))}
    client.terminate_orchestration(running)
    return observed


def rewind(conn, given):
    client = conn.client
    single = run_to_end(client, given["orchestration"], None, unique_id("rewind"))
    client.rewind_orchestration(single.instance_id, reason=given["reason"])
    rewound = _wait_rewound(client, single.instance_id)
    parent = run_to_end(client, given["parent"], None, unique_id("rewind-parent"))
    client.rewind_orchestration(parent.instance_id, reason=given["reason"])
    parent_rewound = _wait_rewound(client, parent.instance_id)
    child = client.get_orchestration_state(f"{parent.instance_id}-child", fetch_payloads=False)
    return {"failed": status(single), "rewound": brief(rewound), "parentFailed": status(parent),
            "parentRewound": brief(parent_rewound), "child": status(child)}


def _wait_rewound(client, instance_id: str):
    """A rewind is asynchronous: wait until the instance has left FAILED and finished again."""
    deadline = time.monotonic() + 60
    while True:
        state = finish(client, instance_id)
        if state.runtime_status != OrchestrationStatus.FAILED or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def history(conn, given):
    state = run_to_end(conn.client, given["orchestration"], None, unique_id("history"))
    kinds = lambda events: [type(event).__name__.removesuffix("Event") for event in events]
    return {"events": kinds(conn.client.get_orchestration_history(state.instance_id)),
            "unknown": kinds(conn.client.get_orchestration_history(unique_id("nobody")))}


def _filter_worker(conn, tag: str):
    filters = WorkItemFilters(orchestrations=[OrchestrationWorkItemFilter(name=f"FilterOrch{tag}")],
                              activities=[ActivityWorkItemFilter(name=f"FilterAct{tag}")])
    worker = conn.new_worker(functions.filter_functions(tag), filters=filters)
    conn.add_worker(worker)
    return worker


def work_item_filters(conn, given):
    client = conn.client
    workers = [_filter_worker(conn, "A"), _filter_worker(conn, "B")]
    try:
        runs = {tag: [client.schedule_new_orchestration(f"FilterOrch{tag}", input="x")
                      for _ in range(given["perWorker"])] for tag in ("A", "B")}
        outputs = {tag: [decoded(finish(client, i).serialized_output) for i in ids] for tag, ids in runs.items()}
        pending = client.schedule_new_orchestration("FilterOrchC", input="x")
        time.sleep(given["quietS"])
        pending_status = status(client.get_orchestration_state(pending, fetch_payloads=False))
        workers.append(_filter_worker(conn, "C"))
        c = decoded(finish(client, pending).serialized_output)
    finally:
        for worker in workers:
            conn.stop_extra_worker(worker)
    return {"a": outputs["A"], "b": outputs["B"], "pendingC": pending_status, "c": c}


TABLE = {
    "tags": tags,
    "already-exists": already_exists,
    "exists-false": exists_false,
    "query-paging": query_paging,
    "purge-by-id": purge_by_id,
    "purge-by-filter": purge_by_filter,
    "restart": restart,
    "rewind": rewind,
    "history": history,
    "work-item-filters": work_item_filters,
}

"""The activities every driver registers (test/sdk/README.md). Attempt counters live in this
process: a retried or rewound activity runs again in the same driver, keyed by its input's `key`.
"""
import os
import threading

from durabletask import task

_calls: dict[tuple[str, str], int] = {}
_calls_lock = threading.Lock()


def _count_call(kind: str, key: str) -> int:
    with _calls_lock:
        calls = _calls.get((kind, key), 0) + 1
        _calls[(kind, key)] = calls
        return calls


class PlannedFailure(Exception):
    """A failure a scenario asked for (its type name shows in the failure details)."""


def Hello(ctx: task.ActivityContext, name):
    return f"Hello, {name}!"


def Square(ctx: task.ActivityContext, n: int) -> int:
    return n * n


def Echo(ctx: task.ActivityContext, value):
    return value


def Fail(ctx: task.ActivityContext, value):
    raise PlannedFailure(value["message"])


def Flaky(ctx: task.ActivityContext, value):
    attempt = _count_call("Flaky", value["key"])
    if attempt <= value["failures"]:
        raise PlannedFailure(f"attempt {attempt} failed on purpose")
    return attempt


def Steady(ctx: task.ActivityContext, _):
    return "steady"


def FailOnce(ctx: task.ActivityContext, value):
    if _count_call("FailOnce", value["key"]) == 1:
        raise PlannedFailure("first run fails")
    return "ok"


def StepA(ctx: task.ActivityContext, n: int) -> int:
    return 2 * n


def StepB(ctx: task.ActivityContext, n: int) -> int:
    return n + 1


def blocking_activity(events, mode: str):
    """BlockingActivity: in mode `block` it announces itself on stdout (through `events`) and
    never returns, until the process is killed; in mode `return` it returns at once."""
    def BlockingActivity(ctx: task.ActivityContext, value):
        if mode == "return":
            return f"done:{value['value']}"
        events.send({"event": "activity-started", "instanceId": value["instanceId"], "pid": os.getpid()})
        threading.Event().wait()
    return BlockingActivity


ALL = [Hello, Square, Echo, Fail, Flaky, Steady, FailOnce, StepA, StepB]

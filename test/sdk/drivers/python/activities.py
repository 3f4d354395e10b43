"""The driver's activities. Their names are the driver's own, except where the catalogue names
them (the work-item filter activities). Attempt counters live in this process: a retried or
rewound activity runs again in the same driver, keyed by the orchestration's instance id.
"""
import threading

from durabletask import task

_attempts: dict[tuple[str, str], int] = {}
_attempts_lock = threading.Lock()


def _next_attempt(kind: str, ctx: task.ActivityContext) -> int:
    with _attempts_lock:
        attempt = _attempts.get((kind, ctx.orchestration_id), 0) + 1
        _attempts[(kind, ctx.orchestration_id)] = attempt
        return attempt


class PlannedFailure(Exception):
    """A failure the scenario asked for (its type name shows in the failure details)."""


def Hello(ctx: task.ActivityContext, name):
    return f"Hello, {name}!"


def Square(ctx: task.ActivityContext, n: int) -> int:
    return n * n


def Echo(ctx: task.ActivityContext, value):
    return value


def FailWith(ctx: task.ActivityContext, message: str):
    raise PlannedFailure(message)


def Flaky(ctx: task.ActivityContext, failures: int):
    """Fails its first `failures` attempts (per orchestration instance), then reports the attempt."""
    attempt = _next_attempt("Flaky", ctx)
    if attempt <= failures:
        raise PlannedFailure(f"attempt {attempt} failed on purpose")
    return attempt


def Steady(ctx: task.ActivityContext, _):
    return "steady"


def FailOnce(ctx: task.ActivityContext, _):
    """Fails on its first run for an instance, so that a rewind finds it working."""
    if _next_attempt("FailOnce", ctx) == 1:
        raise PlannedFailure("failing once on purpose")
    return "ok"


ALL = [Hello, Square, Echo, FailWith, Flaky, Steady, FailOnce]

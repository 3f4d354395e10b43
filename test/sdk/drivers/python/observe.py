"""Turns the SDK's answers into the catalogue's language-neutral `observed` values.

Statuses are the protocol's names without prefix; payloads are JSON-decoded (None when absent);
failure details are {errorType, message, inner}.
"""
import json

from durabletask import task
from durabletask.client import OrchestrationState


def decoded(text: str | None):
    return None if text is None or text == "" else json.loads(text)


def failure(details: task.FailureDetails | None):
    if details is None:
        return None
    return {"errorType": details.error_type, "message": details.message,
            "inner": failure(details.inner_failure)}


def status(state: OrchestrationState | None) -> str | None:
    return None if state is None else state.runtime_status.name


def brief(state: OrchestrationState | None) -> dict | None:
    """{status, output}: what most scenarios observe of an instance."""
    if state is None:
        return None
    return {"status": status(state), "output": decoded(state.serialized_output)}


def summary(state: OrchestrationState | None) -> dict | None:
    """The usual shape of a finished instance: status, output and failure."""
    if state is None:
        return None
    return {"status": status(state), "output": decoded(state.serialized_output),
            "failure": failure(state.failure_details)}

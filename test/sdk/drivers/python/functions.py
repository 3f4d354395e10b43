"""What a worker registers: the main worker every orchestrator, activity and entity of
test/sdk/README.md (its filter functions tagged `main`); the work-item filter scenario's workers
only the filter functions, tagged with their own letter.
"""
from durabletask import task

import activities
import entities
import orchestrations

FILTER_KINDS = ("A", "B", "C")


def main_functions(events, blocking_mode: str):
    def register(worker) -> None:
        for orchestrator in orchestrations.ALL:
            worker.add_orchestrator(orchestrator)
        for activity in [*activities.ALL, activities.blocking_activity(events, blocking_mode)]:
            worker.add_activity(activity)
        for entity in entities.ALL:
            worker.add_entity(entity)
        filter_functions("main")(worker)
    return register


def _named(name: str, fn):
    fn.__name__ = name
    return fn


def filter_functions(tag: str):
    """FilterOrchX/FilterActX for every X; each result names the worker (`tag`), so a work item
    sent to the wrong worker shows in the output."""
    def register(worker) -> None:
        for kind in FILTER_KINDS:
            activity_name = f"FilterAct{kind}"

            def activity(ctx: task.ActivityContext, value, activity_name=activity_name):
                return f"{activity_name}@{tag}({value})"

            def orchestrator(ctx: task.OrchestrationContext, value, activity_name=activity_name):
                return {"worker": tag, "activity": (yield ctx.call_activity(activity_name, input=value))}

            worker.add_activity(_named(activity_name, activity))
            worker.add_orchestrator(_named(f"FilterOrch{kind}", orchestrator))
    return register

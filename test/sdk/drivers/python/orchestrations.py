"""The orchestrators the catalogue names (test/sdk/catalogue.json), written as a Python user of
durabletask writes them: generator functions that yield tasks. Function names are the
registered names, so they follow the catalogue's spelling rather than PEP 8.
"""
from datetime import timedelta

from durabletask import task
from durabletask.entities import EntityInstanceId

from activities import Echo, Fail, FailOnce, Flaky, Hello, Square, StepA, StepB, Steady


def EmptyOrchestration(ctx: task.OrchestrationContext, value):
    return value


def HelloOrchestration(ctx: task.OrchestrationContext, name):
    return (yield ctx.call_activity(Hello, input=name))


def ActivitySequence(ctx: task.OrchestrationContext, names):
    results = []
    for name in names:
        results.append((yield ctx.call_activity(Hello, input=name)))
    return results


def FanOutFanIn(ctx: task.OrchestrationContext, value):
    squares = yield task.when_all([ctx.call_activity(Square, input=i) for i in range(1, value["count"] + 1)])
    return sum(squares)


def ChildOrchestration(ctx: task.OrchestrationContext, n):
    return (yield ctx.call_activity(Square, input=n)) + 1


def ParentOrchestration(ctx: task.OrchestrationContext, value):
    result = yield ctx.call_sub_orchestrator(ChildOrchestration, input=value,
                                             instance_id=f"{ctx.instance_id}-child")
    return {"fromChild": result}


def SubOrchestrationFanOut(ctx: task.OrchestrationContext, value):
    results = yield task.when_all([ctx.call_sub_orchestrator(ChildOrchestration, input=i)
                                   for i in range(1, value["count"] + 1)])
    return sum(results)


def Timer(ctx: task.OrchestrationContext, value):
    started = ctx.current_utc_datetime
    yield ctx.create_timer(timedelta(seconds=value["seconds"]))
    waited = ctx.current_utc_datetime - started
    return {"waitedMs": waited / timedelta(milliseconds=1)}


def ExternalEvents(ctx: task.OrchestrationContext, _):
    first = yield ctx.wait_for_external_event("first")
    second = yield ctx.wait_for_external_event("second")
    third = yield ctx.wait_for_external_event("third")
    items = []
    for _ in range(3):
        items.append((yield ctx.wait_for_external_event("item")))
    return {"first": first, "second": second, "third": third, "items": items}


def EventWithTimeout(ctx: task.OrchestrationContext, value):
    approval = ctx.wait_for_external_event("Approval")
    timeout = ctx.create_timer(timedelta(seconds=value["timeoutS"]))
    winner = yield task.when_any([approval, timeout])
    if winner is approval:
        return {"approved": approval.get_result()}
    return "timed out"


def WaitForever(ctx: task.OrchestrationContext, _):
    """Waits for an event `never` (raised only to release it) and returns its data."""
    return (yield ctx.wait_for_external_event("never"))


def ParentOfWaiter(ctx: task.OrchestrationContext, _):
    return (yield ctx.call_sub_orchestrator(WaitForever, instance_id=f"{ctx.instance_id}-child"))


def Grandparent(ctx: task.OrchestrationContext, _):
    return (yield ctx.call_sub_orchestrator(ParentOfWaiter, instance_id=f"{ctx.instance_id}-child"))


def WaitForGo(ctx: task.OrchestrationContext, _):
    return {"go": (yield ctx.wait_for_external_event("go"))}


def ContinueAsNew(ctx: task.OrchestrationContext, value):
    item = yield ctx.wait_for_external_event(f"item-{value['generation']}")
    echoed = yield ctx.call_activity(Echo, input=item)
    following = {**value, "generation": value["generation"] + 1, "received": [*value["received"], echoed]}
    if following["generation"] > following["generations"]:
        return following
    ctx.continue_as_new(following, save_events=True)


def CustomStatus(ctx: task.OrchestrationContext, _):
    ctx.set_custom_status({"stage": "waiting", "progress": 0.5, "tags": ["a", "b"]})
    go = yield ctx.wait_for_external_event("go")
    ctx.set_custom_status({"stage": "done", "go": go})
    return "finished"


def FailingOrchestration(ctx: task.OrchestrationContext, value):
    yield ctx.call_activity(Fail, input=value)


def CatchingOrchestration(ctx: task.OrchestrationContext, value):
    try:
        yield ctx.call_activity(Fail, input=value)
    except task.TaskFailedError as failure:
        return {"caught": True, "errorType": failure.details.error_type, "message": failure.details.message}
    return {"caught": False}


def FailingParent(ctx: task.OrchestrationContext, value):
    yield ctx.call_sub_orchestrator(FailingOrchestration, input=value,
                                    instance_id=f"{ctx.instance_id}-child")


def RetryOrchestration(ctx: task.OrchestrationContext, value):
    policy = task.RetryPolicy(first_retry_interval=timedelta(milliseconds=value["firstRetryIntervalMs"]),
                              max_number_of_attempts=value["maxAttempts"], backoff_coefficient=1)
    attempt = yield ctx.call_activity(Flaky, input={"key": ctx.instance_id, "failures": value["failures"]},
                                      retry_policy=policy)
    return {"succeededOnAttempt": attempt}


def EchoThroughActivity(ctx: task.OrchestrationContext, value):
    return (yield ctx.call_activity(Echo, input=value))


def Receiver(ctx: task.OrchestrationContext, _):
    return (yield ctx.wait_for_external_event("ping"))


def Sender(ctx: task.OrchestrationContext, value):
    ctx.send_event(value["receiverId"], "ping", data={"n": 42})
    return "sent"


def RewindableOrchestration(ctx: task.OrchestrationContext, _):
    steady = yield ctx.call_activity(Steady)
    once = yield ctx.call_activity(FailOnce, input={"key": ctx.instance_id})
    return [steady, once]


def RewindableParent(ctx: task.OrchestrationContext, _):
    result = yield ctx.call_sub_orchestrator(RewindableOrchestration, instance_id=f"{ctx.instance_id}-child")
    return {"fromChild": result}


def HistoryShape(ctx: task.OrchestrationContext, _):
    a = yield ctx.call_activity(Hello, input="a")
    yield ctx.create_timer(ctx.current_utc_datetime)
    b = yield ctx.call_sub_orchestrator(HelloOrchestration, input="b")
    return [a, b]


def CallEntity(ctx: task.OrchestrationContext, _):
    counter = EntityInstanceId("counter", ctx.instance_id)
    first = yield ctx.call_entity(counter, "add", 4)
    ctx.signal_entity(EntityInstanceId("counter", f"{ctx.instance_id}-signaled"), "add", 40)
    second = yield ctx.call_entity(counter, "get")
    try:
        yield ctx.call_entity(counter, "fail", "boom from entity")
        failed = {"caught": False}
    except task.TaskFailedError as failure:
        failed = {"caught": True, "message": str(failure)}
    return {"first": first, "second": second, "failed": failed}


def LockedTransfer(ctx: task.OrchestrationContext, keys):
    """Holds every counter across an event: reads each, waits for `go`, then adds 1 to each."""
    counters = [EntityInstanceId("counter", key) for key in keys]
    seen = []
    with (yield ctx.lock_entities(counters)):
        for counter in counters:
            seen.append((yield ctx.call_entity(counter, "get")))
        yield ctx.wait_for_external_event("go")
        for counter in counters:
            yield ctx.call_entity(counter, "add", 1)
    return seen


def FaultOrchestration(ctx: task.OrchestrationContext, i):
    a = yield ctx.call_activity(StepA, input=i)
    yield ctx.create_timer(timedelta(seconds=1))
    return {"i": i, "b": (yield ctx.call_activity(StepB, input=a))}


def BlockingOrchestration(ctx: task.OrchestrationContext, value):
    result = yield ctx.call_activity("BlockingActivity", input={"instanceId": ctx.instance_id, "value": value})
    return {"first": result}


ALL = [
    EmptyOrchestration, HelloOrchestration, ActivitySequence, FanOutFanIn, ChildOrchestration,
    ParentOrchestration, SubOrchestrationFanOut, Timer, ExternalEvents, EventWithTimeout,
    WaitForever, ParentOfWaiter, Grandparent, WaitForGo, ContinueAsNew, CustomStatus,
    FailingOrchestration, CatchingOrchestration, FailingParent, RetryOrchestration,
    EchoThroughActivity, Receiver, Sender, RewindableOrchestration, RewindableParent,
    HistoryShape, CallEntity, LockedTransfer, FaultOrchestration, BlockingOrchestration,
]

"""Catalogue scenarios about durable entities: signals, calls from orchestrations, locks, state,
delete and queries. Entity keys are unique per scenario run.
"""
import time

from durabletask.client import EntityQuery
from durabletask.entities import EntityInstanceId

from observe import brief
from page_counter import PageCounter
from support import finish, poll, unique_id


def _state(conn, entity: EntityInstanceId):
    metadata = conn.client.get_entity(entity, include_state=True)
    return None if metadata is None else metadata.get_typed_state()


def _poll_state(conn, entity: EntityInstanceId, done):
    return poll(lambda: _state(conn, entity), done, f"the state of {entity}")


def _signal_all(conn, entity: EntityInstanceId, signals) -> None:
    for operation, value in signals:
        conn.client.signal_entity(entity, operation, input=value)


def entity_signal(conn, given):
    counter = EntityInstanceId(given["entity"], unique_id("signal"))
    _signal_all(conn, counter, given["signals"])
    return {"state": _poll_state(conn, counter, lambda state: state == 10)}


def entity_call(conn, given):
    instance_id = conn.client.schedule_new_orchestration(given["orchestration"], instance_id=unique_id("call"))
    state = finish(conn.client, instance_id)
    signaled = _poll_state(conn, EntityInstanceId("counter", f"{instance_id}-signaled"), lambda s: s == 40)
    return {"result": brief(state), "signaled": signaled}


def _lock_holder(conn, entity: EntityInstanceId) -> str | None:
    """The instance id holding the entity's lock. durabletask 1.12.0's
    EntityMetadata.get_locked_by() parses the holder as an entity id and raises ValueError for the
    orchestration instance id the protocol carries there, so the raw field is read instead."""
    metadata = conn.client.get_entity(entity, include_state=False)
    return None if metadata is None else (metadata._locked_by or None)


def entity_lock(conn, given):
    client = conn.client
    keys = [unique_id("lock-1"), unique_id("lock-2")]
    first = EntityInstanceId("counter", keys[0])
    client.signal_entity(first, "add", input=given["initial"])
    _poll_state(conn, first, lambda state: state == given["initial"])
    instance_id = client.schedule_new_orchestration(given["orchestration"], input=keys, instance_id=unique_id("holder"))
    holder = poll(lambda: _lock_holder(conn, first), lambda locker: locker is not None, f"a lock on {first}")
    _signal_all(conn, first, [given["signalWhileLocked"]])
    time.sleep(given["quietS"])
    while_locked = _state(conn, first)
    name, data = given["event"]
    client.raise_orchestration_event(instance_id, name, data=data)
    state = finish(client, instance_id)
    final = _poll_state(conn, first, lambda s: s == 111)
    after = _lock_holder(conn, first)
    return {"lockedByHolder": holder == instance_id, "stateWhileLocked": while_locked,
            "result": brief(state),
            "finalState": final, "lockedAfter": after}


def entity_state(conn, given):
    profile = EntityInstanceId(given["entity"], unique_id("profile"))
    conn.client.signal_entity(profile, "set", input=given["first"])
    first = _poll_state(conn, profile, lambda state: isinstance(state, dict) and state.get("name") == given["first"]["name"])
    _signal_all(conn, profile, [given["failing"], ("set", given["second"])])
    second = _poll_state(conn, profile, lambda state: isinstance(state, dict) and state.get("name") == given["second"]["name"])
    return {"first": first, "second": second}


def entity_delete(conn, given):
    counter = EntityInstanceId(given["entity"], unique_id("delete"))
    conn.client.signal_entity(counter, "add", input=3)
    _poll_state(conn, counter, lambda state: state == 3)
    conn.client.signal_entity(counter, "delete")
    deleted = poll(lambda: conn.client.get_entity(counter), lambda metadata: metadata is None, f"{counter} to go")
    conn.client.signal_entity(counter, "add", input=2)
    return {"deleted": deleted, "recreated": _poll_state(conn, counter, lambda state: state == 2)}


def entity_query(conn, given):
    prefix = unique_id("q").lower()
    count = given["count"]
    for i in range(count):
        conn.client.signal_entity(EntityInstanceId(given["entity"], f"{prefix}-{i:02d}"), "add", input=i)
    query = EntityQuery(instance_id_starts_with=f"@{given['entity']}@{prefix}", include_state=True)
    poll(lambda: conn.client.get_all_entities(query), lambda found: len(found) == count, "every entity")
    pages = PageCounter("QueryEntities", lambda response: len(response.entities))
    with conn.new_client(interceptors=[pages]) as paging_client:
        found = paging_client.get_all_entities(EntityQuery(
            instance_id_starts_with=query.instance_id_starts_with, include_state=True, page_size=given["pageSize"]))
    return {"count": len(found), "pages": len(pages.sizes), "largestPage": max(pages.sizes),
            "states": [metadata.get_typed_state() for metadata in found]}


TABLE = {
    "entity-signal": entity_signal,
    "entity-call": entity_call,
    "entity-lock": entity_lock,
    "entity-state": entity_state,
    "entity-delete": entity_delete,
    "entity-query": entity_query,
}

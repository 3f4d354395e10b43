"""The driver's entities, as durabletask's class-based entities (one method per operation; the
registered name is the lower-cased class name). `delete` is DurableEntity's own.
"""
from durabletask.entities import DurableEntity

from activities import PlannedFailure


class Counter(DurableEntity):
    def add(self, amount: int) -> int:
        state = self.get_state(int, 0) + amount
        self.set_state(state)
        return state

    def get(self, _=None) -> int:
        return self.get_state(int, 0)

    def fail(self, message: str):
        raise PlannedFailure(message)


class Profile(DurableEntity):
    def set(self, value):
        self.set_state(value)

    def get(self, _=None):
        return self.get_state(None, {"tags": []})

    def fail(self, message: str):
        raise PlannedFailure(message)


ALL = [Counter, Profile]

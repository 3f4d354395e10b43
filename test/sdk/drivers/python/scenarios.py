"""Runs one catalogue scenario by id and returns its `observed` value. The scenarios themselves
are in the scenarios_* modules (orchestrations, management, entities), each a table from
scenario id to a function (connection, input) -> observed.
"""
import scenarios_entities
import scenarios_management
import scenarios_orchestrations

TABLE = {**scenarios_orchestrations.TABLE, **scenarios_management.TABLE, **scenarios_entities.TABLE}


def run(connection, scenario_id: str, scenario_input: dict):
    scenario = TABLE.get(scenario_id)
    if scenario is None:
        raise ValueError(f"the Python driver has no scenario {scenario_id!r}")
    return scenario(connection, scenario_input)

package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.durabletask.DurableTaskClient;
import java.util.Map;

/**
 * The client side of each catalogue scenario, by id: what its `steps` say to start, raise,
 * terminate and read, and the `observed` value it reports. Scenarios durabletask-client 1.5.0
 * cannot express are in exclusions.json, not here.
 */
final class Scenarios {
    interface Scenario {
        JsonNode run(Run run, JsonNode input) throws Exception;
    }

    private static final Map<String, Scenario> ALL = Map.ofEntries(
            Map.entry("empty-orchestration", BasicScenarios::emptyOrchestration),
            Map.entry("activity-sequence", BasicScenarios.startAndObserve("names")),
            Map.entry("fan-out-fan-in", BasicScenarios.startAndObserve("value")),
            Map.entry("sub-orchestration", BasicScenarios::subOrchestration),
            Map.entry("sub-orchestration-fan-out", BasicScenarios.startAndObserve("value")),
            Map.entry("timer", BasicScenarios.startAndObserve("value")),
            Map.entry("external-events", BasicScenarios::externalEvents),
            Map.entry("external-event-timeout-fires", BasicScenarios::eventTimeoutFires),
            Map.entry("external-event-timeout-beaten", BasicScenarios::eventTimeoutBeaten),
            Map.entry("continue-as-new", BasicScenarios::continueAsNew),
            Map.entry("custom-status", BasicScenarios::customStatus),
            Map.entry("falsy-values", BasicScenarios::falsyValues),
            Map.entry("send-event", BasicScenarios::sendEvent),
            Map.entry("activity-failure", FailureScenarios::activityFailure),
            Map.entry("nested-failure", FailureScenarios::nestedFailure),
            Map.entry("retry-policy", FailureScenarios::retryPolicy),
            Map.entry("terminate", ControlScenarios::terminate),
            Map.entry("suspend-resume", ControlScenarios::suspendResume),
            Map.entry("already-exists", ControlScenarios::alreadyExists),
            Map.entry("exists-false", ControlScenarios::existsFalse),
            Map.entry("purge-by-id", ManagementScenarios::purgeById),
            Map.entry("purge-by-filter", ManagementScenarios::purgeByFilter),
            Map.entry("query-paging", ManagementScenarios::queryPaging));

    private final DurableTaskClient client;

    Scenarios(DurableTaskClient client) {
        this.client = client;
    }

    JsonNode run(String id, JsonNode input) throws Exception {
        Scenario scenario = ALL.get(id);
        if (scenario == null) throw new IllegalArgumentException("the Java driver has no scenario " + id + " (add it, or exclude it with a reason)");
        return scenario.run(new Run(client, id), input);
    }
}

package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.OrchestrationMetadata;
import java.util.concurrent.TimeoutException;

/** Scenarios about failures: their details, through sub-orchestrations, and retries. */
final class FailureScenarios {
    private FailureScenarios() {}

    private static ObjectNode statusFailure(OrchestrationMetadata meta) {
        ObjectNode observed = Json.object().put("status", Run.status(meta));
        observed.set("failure", Run.failure(meta));
        return observed;
    }

    static JsonNode activityFailure(Run run, JsonNode input) throws TimeoutException {
        OrchestrationMetadata uncaught = run.waitDone(run.start(input.path("failing").asText(), input.path("value")));
        ObjectNode observed = Json.object();
        observed.set("uncaught", statusFailure(uncaught).set("output", Json.decode(uncaught.getSerializedOutput())));
        observed.set("caught", run.runToEnd(input.path("catching").asText(), input.path("value")));
        return observed;
    }

    static JsonNode nestedFailure(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), input.path("value"));
        ObjectNode observed = Json.object();
        observed.set("parent", statusFailure(run.waitDone(id)));
        observed.set("child", statusFailure(run.existing(id + "-child")));
        return observed;
    }

    static JsonNode retryPolicy(Run run, JsonNode input) throws TimeoutException {
        String name = input.path("orchestration").asText();
        ObjectNode observed = Json.object();
        observed.set("recovers", run.runToEnd(name, input.path("recovers")));
        observed.set("givesUp", statusFailure(run.waitDone(run.start(name, input.path("givesUp")))));
        return observed;
    }
}

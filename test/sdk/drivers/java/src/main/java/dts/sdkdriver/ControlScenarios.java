package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.OrchestrationMetadata;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Scenarios that manage instances: terminate, suspend and resume, duplicate starts, unknown ids. */
final class ControlScenarios {
    private ControlScenarios() {}

    static JsonNode terminate(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), null);
        run.waitStarted(id);
        run.client.terminate(id, Json.payload(input.path("output")));
        ObjectNode observed = Json.object();
        observed.set("result", Run.statusOutput(run.waitDone(id)));
        try {
            run.client.terminate(id, Json.payload(input.path("again")));
        } catch (RuntimeException ignored) {
            // It has ended: an error is as good as nothing.
        }
        observed.set("later", Run.statusOutput(run.existing(id)));
        return observed;
    }

    static JsonNode suspendResume(Run run, JsonNode input) throws TimeoutException, InterruptedException {
        String id = run.start(input.path("orchestration").asText(), null);
        run.waitStarted(id);
        run.client.suspendInstance(id, "suspended by the test");
        ObjectNode observed = Json.object().put("suspended", Run.status(run.existing(id)));
        BasicScenarios.raise(run, id, input.path("event"));
        Thread.sleep((long) (input.path("quietS").asDouble() * 1000));
        observed.put("afterEvent", Run.status(run.existing(id)));
        run.client.resumeInstance(id, "resumed by the test");
        observed.set("result", Run.statusOutput(run.waitDone(id)));
        return observed;
    }

    static JsonNode alreadyExists(Run run, JsonNode input) throws TimeoutException {
        String name = input.path("orchestration").asText();
        String id = run.start(name, null);
        try {
            run.waitStarted(id);
            ObjectNode observed = Json.object().put("secondStart", Run.grpcStatusName(() -> run.startAs(id, name, null)));
            return observed.put("status", Run.status(run.existing(id)));
        } finally {
            run.cleanUp(id);
        }
    }

    static JsonNode existsFalse(Run run, JsonNode input) throws TimeoutException {
        String id = run.newId();
        ObjectNode observed = Json.object();
        observed.set("withPayloads", observedOrNull(run.client.getInstanceMetadata(id, true)));
        observed.set("withoutPayloads", observedOrNull(run.client.getInstanceMetadata(id, false)));
        Duration wait = Duration.ofMillis((long) (input.path("waitTimeoutS").asDouble() * 1000));
        observed.set("waitForCompletion", observedOrNull(run.client.waitForInstanceCompletion(id, wait, true)));
        return observed;
    }

    private static JsonNode observedOrNull(OrchestrationMetadata meta) {
        return meta.isInstanceFound() ? Run.statusOutput(meta) : NullNode.getInstance();
    }
}

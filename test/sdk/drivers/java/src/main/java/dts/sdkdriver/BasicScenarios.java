package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.OrchestrationMetadata;
import java.util.concurrent.TimeoutException;

/** Scenarios that start orchestrations, raise events and read what came out. */
final class BasicScenarios {
    private BasicScenarios() {}

    /** Raises a catalogue `[name, data]` event. */
    static void raise(Run run, String id, JsonNode event) {
        run.client.raiseEvent(id, event.get(0).asText(), Json.payload(event.get(1)));
    }

    /** Start `input.orchestration` with `input[key]`; observe {status, output}. */
    static Scenarios.Scenario startAndObserve(String key) {
        return (run, input) -> run.runToEnd(input.path("orchestration").asText(), input.path(key));
    }

    private static ObjectNode withInput(OrchestrationMetadata meta) {
        ObjectNode observed = Run.statusOutput(meta);
        observed.set("input", Json.decode(meta.getSerializedInput()));
        return observed;
    }

    static JsonNode emptyOrchestration(Run run, JsonNode input) throws TimeoutException {
        String name = input.path("orchestration").asText();
        OrchestrationMetadata echo = run.waitDone(run.start(name, input.path("value")));
        OrchestrationMetadata bare = run.waitDone(run.start(name, null));
        ObjectNode observed = Json.object();
        observed.set("echo", withInput(echo).put("name", echo.getName()));
        observed.set("bare", withInput(bare));
        return observed;
    }

    static JsonNode subOrchestration(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), input.path("value"));
        ObjectNode observed = Json.object();
        observed.set("parent", Run.statusOutput(run.waitDone(id)));
        OrchestrationMetadata child = run.existing(id + "-child");
        observed.set("child", Run.statusOutput(child).put("name", child.getName()));
        return observed;
    }

    static JsonNode externalEvents(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), null);
        for (JsonNode event : input.path("events")) raise(run, id, event);
        return Run.statusOutput(run.waitDone(id));
    }

    static JsonNode eventTimeoutFires(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), input.path("value"));
        ObjectNode observed = Json.object();
        observed.set("result", Run.statusOutput(run.waitDone(id)));
        try {
            raise(run, id, input.path("lateEvent"));
        } catch (RuntimeException ignored) {
            // The instance has finished: an error is as good as nothing.
        }
        observed.set("later", Run.statusOutput(run.existing(id)));
        return observed;
    }

    static JsonNode eventTimeoutBeaten(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), input.path("value"));
        run.waitStarted(id);
        raise(run, id, input.path("event"));
        return Run.statusOutput(run.waitDone(id));
    }

    static JsonNode continueAsNew(Run run, JsonNode input) throws TimeoutException {
        String id = run.start(input.path("orchestration").asText(), input.path("value"));
        for (JsonNode n : input.path("items")) run.client.raiseEvent(id, "item-" + n.asInt(), "e" + n.asInt());
        return withInput(run.waitDone(id));
    }

    static JsonNode customStatus(Run run, JsonNode input) throws TimeoutException, InterruptedException {
        String id = run.start(input.path("orchestration").asText(), null);
        OrchestrationMetadata running = run.state(id);
        while (running == null || !running.isCustomStatusFetched()) {
            Thread.sleep(100);
            running = run.state(id);
        }
        raise(run, id, input.path("event"));
        OrchestrationMetadata done = run.waitDone(id);
        ObjectNode observed = Json.object();
        observed.set("running", Json.object().put("status", Run.status(running)).set("customStatus", customStatusOf(running)));
        observed.set("result", Run.statusOutput(done).set("customStatus", customStatusOf(done)));
        return observed;
    }

    private static JsonNode customStatusOf(OrchestrationMetadata meta) {
        JsonNode status = meta.readCustomStatusAs(JsonNode.class);
        return status == null ? Json.MAPPER.nullNode() : status;
    }

    static JsonNode falsyValues(Run run, JsonNode input) throws TimeoutException {
        ArrayNode observed = Json.array();
        for (JsonNode value : input.path("values")) {
            observed.add(withInput(run.waitDone(run.start(input.path("orchestration").asText(), value))));
        }
        return observed;
    }

    static JsonNode sendEvent(Run run, JsonNode input) throws TimeoutException {
        String receiver = run.start(input.path("receiver").asText(), null);
        String sender = run.start(input.path("sender").asText(), Json.object().put("receiverId", receiver));
        ObjectNode observed = Json.object();
        observed.set("sender", Run.statusOutput(run.waitDone(sender)));
        observed.set("receiver", Run.statusOutput(run.waitDone(receiver)));
        return observed;
    }
}

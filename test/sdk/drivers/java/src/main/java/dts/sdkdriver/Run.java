package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.FailureDetails;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of one scenario: the client, the instance ids it mints (`java-<scenario>-<random>-<n>`,
 * so concurrent scenarios and repeated runs never share one) and the reads every scenario uses.
 */
final class Run {
    /** The longest the driver waits for one instance (the runner's own deadline is shorter). */
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final SecureRandom RANDOM = new SecureRandom();

    final DurableTaskClient client;
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    Run(DurableTaskClient client, String scenario) {
        this.client = client;
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        this.prefix = "java-" + scenario + "-" + HexFormat.of().formatHex(random);
    }

    String newId() {
        return prefix + "-" + next.incrementAndGet();
    }

    /** Starts `name` under a new id; a JSON null (or absent) input starts it with none. */
    String start(String name, JsonNode input) {
        String id = newId();
        startAs(id, name, input);
        return id;
    }

    void startAs(String id, String name, JsonNode input) {
        client.scheduleNewOrchestrationInstance(name, new NewOrchestrationInstanceOptions().setInstanceId(id).setInput(Json.payload(input)));
    }

    OrchestrationMetadata waitDone(String id) throws TimeoutException {
        OrchestrationMetadata meta = client.waitForInstanceCompletion(id, WAIT, true);
        if (!meta.isInstanceFound()) throw new IllegalStateException("instance " + id + " does not exist");
        return meta;
    }

    void waitStarted(String id) throws TimeoutException {
        client.waitForInstanceStart(id, WAIT);
    }

    /** The instance's state with payloads; null when it does not exist. */
    OrchestrationMetadata state(String id) {
        OrchestrationMetadata meta = client.getInstanceMetadata(id, true);
        return meta.isInstanceFound() ? meta : null;
    }

    OrchestrationMetadata existing(String id) {
        OrchestrationMetadata meta = state(id);
        if (meta == null) throw new IllegalStateException("instance " + id + " does not exist");
        return meta;
    }

    /** Polls every 100 ms until the instance exists and is RUNNING. */
    void waitRunning(String id) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            OrchestrationMetadata meta = state(id);
            if (meta != null && meta.getRuntimeStatus() == OrchestrationRuntimeStatus.RUNNING) return;
            if (System.nanoTime() > deadline) throw new TimeoutException(id + " did not start running");
            Thread.sleep(100);
        }
    }

    /** Starts `name`, waits for it to finish and observes {status, output}. */
    ObjectNode runToEnd(String name, JsonNode input) throws TimeoutException {
        return statusOutput(waitDone(start(name, input)));
    }

    /** Terminates an instance a scenario leaves running. */
    void cleanUp(String id) {
        try {
            client.terminate(id, null);
        } catch (RuntimeException ignored) {
            // It may have ended already; nothing is left running either way.
        }
    }

    static String status(OrchestrationMetadata meta) {
        return meta.getRuntimeStatus().name();
    }

    static ObjectNode statusOutput(OrchestrationMetadata meta) {
        ObjectNode observed = Json.object().put("status", status(meta));
        observed.set("output", Json.decode(meta.getSerializedOutput()));
        return observed;
    }

    /**
     * {errorType, message, inner}: durabletask-client 1.5.0's FailureDetails has no inner
     * failure, so inner is always null here.
     */
    static JsonNode failure(OrchestrationMetadata meta) {
        FailureDetails details = meta.getFailureDetails();
        if (details == null) return NullNode.getInstance();
        ObjectNode failure = Json.object().put("errorType", details.getErrorType()).put("message", details.getErrorMessage());
        failure.set("inner", NullNode.getInstance());
        return failure;
    }

    /** The gRPC status name of what `call` threw ("OK" if it returned). */
    static String grpcStatusName(Runnable call) {
        try {
            call.run();
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }
}

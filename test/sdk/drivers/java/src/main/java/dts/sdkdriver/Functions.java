package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityContext;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskCanceledException;
import com.microsoft.durabletask.TaskFailedException;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationContext;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The orchestrators and activities the catalogue's scenarios name (test/sdk/catalogue.json), as
 * a Java app would write them with durabletask-client 1.5.0. Payloads are Jackson trees.
 */
final class Functions {
    private Functions() {}

    /** Attempts of Flaky per orchestration instance (retries run in this process). */
    private static final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    static void register(DurableTaskGrpcWorkerBuilder b) {
        orchestration(b, "EmptyOrchestration", Functions::input);
        orchestration(b, "HelloOrchestration", ctx -> ctx.callActivity("Hello", input(ctx), String.class).await());
        orchestration(b, "ActivitySequence", Functions::activitySequence);
        orchestration(b, "FanOutFanIn", ctx -> sum(ctx, fanOut(ctx, i -> ctx.callActivity("Square", i, Integer.class))));
        orchestration(b, "ParentOrchestration", ctx -> Json.object().set("fromChild", callChild(ctx, "ChildOrchestration", input(ctx))));
        orchestration(b, "ChildOrchestration", ctx -> ctx.callActivity("Square", input(ctx).asInt(), Integer.class).await() + 1);
        orchestration(b, "SubOrchestrationFanOut", ctx -> sum(ctx, fanOut(ctx, i -> ctx.callSubOrchestrator("ChildOrchestration", i, Integer.class))));
        orchestration(b, "Timer", Functions::timer);
        orchestration(b, "ExternalEvents", Functions::externalEvents);
        orchestration(b, "EventWithTimeout", Functions::eventWithTimeout);
        orchestration(b, "WaitForever", ctx -> waitFor(ctx, "never"));
        orchestration(b, "ParentOfWaiter", ctx -> callChild(ctx, "WaitForever", null));
        orchestration(b, "WaitForGo", ctx -> Json.object().set("go", waitFor(ctx, "go")));
        orchestration(b, "ContinueAsNew", Functions::continueAsNew);
        orchestration(b, "CustomStatus", Functions::customStatus);
        orchestration(b, "EchoThroughActivity", ctx -> ctx.callActivity("Echo", Json.payload(input(ctx)), JsonNode.class).await());
        orchestration(b, "FailingOrchestration", ctx -> ctx.callActivity("Fail", input(ctx), JsonNode.class).await());
        orchestration(b, "CatchingOrchestration", Functions::catching);
        orchestration(b, "FailingParent", ctx -> callChild(ctx, "FailingOrchestration", input(ctx)));
        orchestration(b, "RetryOrchestration", Functions::retry);
        orchestration(b, "Receiver", ctx -> waitFor(ctx, "ping"));
        orchestration(b, "Sender", Functions::sender);
        activity(b, "Hello", ctx -> "Hello, " + ctx.getInput(String.class) + "!");
        activity(b, "Square", ctx -> ctx.getInput(Integer.class) * ctx.getInput(Integer.class));
        activity(b, "Echo", ctx -> ctx.getInput(JsonNode.class));
        activity(b, "Fail", ctx -> {
            throw new IllegalStateException(ctx.getInput(JsonNode.class).path("message").asText());
        });
        activity(b, "Flaky", Functions::flaky);
    }

    private static void orchestration(DurableTaskGrpcWorkerBuilder b, String name, OrchestratorFunction<Object> fn) {
        b.addOrchestration(new TaskOrchestrationFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskOrchestration create() {
                return ctx -> ctx.complete(fn.apply(ctx));
            }
        });
    }

    private static void activity(DurableTaskGrpcWorkerBuilder b, String name, TaskActivity fn) {
        b.addActivity(new TaskActivityFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskActivity create() {
                return fn;
            }
        });
    }

    private static JsonNode input(TaskOrchestrationContext ctx) {
        JsonNode input = ctx.getInput(JsonNode.class);
        return input == null ? Json.MAPPER.nullNode() : input;
    }

    private static Object activitySequence(TaskOrchestrationContext ctx) {
        ArrayNode out = Json.array();
        for (JsonNode name : input(ctx)) out.add(ctx.callActivity("Hello", name.asText(), String.class).await());
        return out;
    }

    private interface TaskOf {
        Task<Integer> start(int i);
    }

    /** Schedules tasks 1..`input.count` before awaiting any, so they all run at once. */
    private static List<Task<Integer>> fanOut(TaskOrchestrationContext ctx, TaskOf task) {
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 1; i <= input(ctx).path("count").asInt(); i++) tasks.add(task.start(i));
        return tasks;
    }

    private static int sum(TaskOrchestrationContext ctx, List<Task<Integer>> tasks) {
        return ctx.allOf(tasks).await().stream().mapToInt(Integer::intValue).sum();
    }

    /** Runs `child` as `<own id>-child` and returns its output. */
    private static JsonNode callChild(TaskOrchestrationContext ctx, String child, JsonNode input) {
        return ctx.callSubOrchestrator(child, Json.payload(input), ctx.getInstanceId() + "-child", JsonNode.class).await();
    }

    private static Object timer(TaskOrchestrationContext ctx) {
        Instant before = ctx.getCurrentInstant();
        ctx.createTimer(Duration.ofMillis((long) (input(ctx).path("seconds").asDouble() * 1000))).await();
        return Json.object().put("waitedMs", Duration.between(before, ctx.getCurrentInstant()).toMillis());
    }

    private static JsonNode waitFor(TaskOrchestrationContext ctx, String name) {
        return ctx.waitForExternalEvent(name, JsonNode.class).await();
    }

    private static Object externalEvents(TaskOrchestrationContext ctx) {
        ObjectNode out = Json.object();
        for (String name : List.of("first", "second", "third")) out.set(name, waitFor(ctx, name));
        ArrayNode items = out.putArray("items");
        for (int i = 0; i < 3; i++) items.add(waitFor(ctx, "item"));
        return out;
    }

    private static Object eventWithTimeout(TaskOrchestrationContext ctx) {
        Duration timeout = Duration.ofMillis((long) (input(ctx).path("timeoutS").asDouble() * 1000));
        try {
            return Json.object().set("approved", ctx.waitForExternalEvent("Approval", timeout, JsonNode.class).await());
        } catch (TaskCanceledException timedOut) {
            return "timed out";
        }
    }

    /**
     * Takes the event `item-<generation>`, echoes it through an activity, and continues as new,
     * carrying the events of later generations over.
     */
    private static Object continueAsNew(TaskOrchestrationContext ctx) {
        ObjectNode next = ((ObjectNode) input(ctx)).deepCopy();
        int generation = next.path("generation").asInt();
        JsonNode item = waitFor(ctx, "item-" + generation);
        next.put("generation", generation + 1);
        next.withArray("received").add(ctx.callActivity("Echo", item, JsonNode.class).await());
        if (generation + 1 <= next.path("generations").asInt()) ctx.continueAsNew(next, true);
        return next;
    }

    private static Object customStatus(TaskOrchestrationContext ctx) {
        ObjectNode waiting = Json.object().put("stage", "waiting").put("progress", 0.5);
        waiting.putArray("tags").add("a").add("b");
        ctx.setCustomStatus(waiting);
        JsonNode go = waitFor(ctx, "go");
        ctx.setCustomStatus(Json.object().put("stage", "done").set("go", go));
        return "finished";
    }

    private static Object catching(TaskOrchestrationContext ctx) {
        try {
            ctx.callActivity("Fail", input(ctx), JsonNode.class).await();
            return Json.object().put("caught", false);
        } catch (TaskFailedException e) {
            return Json.object()
                    .put("caught", true)
                    .put("errorType", e.getErrorDetails().getErrorType())
                    .put("message", e.getErrorDetails().getErrorMessage());
        }
    }

    private static Object retry(TaskOrchestrationContext ctx) {
        JsonNode in = input(ctx);
        RetryPolicy policy = new RetryPolicy(in.path("maxAttempts").asInt(), Duration.ofMillis(in.path("firstRetryIntervalMs").asLong()))
                .setBackoffCoefficient(1);
        ObjectNode activityInput = Json.object().put("key", ctx.getInstanceId()).put("failures", in.path("failures").asInt());
        return Json.object().set("succeededOnAttempt", ctx.callActivity("Flaky", activityInput, new TaskOptions(policy), JsonNode.class).await());
    }

    /** Fails its first `failures` attempts for one instance, then says which attempt succeeded. */
    private static Object flaky(TaskActivityContext ctx) {
        JsonNode in = ctx.getInput(JsonNode.class);
        int attempt = attempts.merge(in.path("key").asText(), 1, Integer::sum);
        if (attempt <= in.path("failures").asInt()) throw new IllegalStateException("attempt " + attempt + " failed on purpose");
        return attempt;
    }

    private static Object sender(TaskOrchestrationContext ctx) {
        ctx.sendEvent(input(ctx).path("receiverId").asText(), "ping", Json.object().put("n", 42));
        return "sent";
    }
}

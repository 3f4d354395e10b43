package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Scenarios over many instances: queries with filters and paging, purges by id and by filter. */
final class ManagementScenarios {
    private ManagementScenarios() {}

    static JsonNode purgeById(Run run, JsonNode input) throws TimeoutException {
        String completed = run.start(input.path("completed").asText(), null);
        run.waitDone(completed);
        String running = run.start(input.path("running").asText(), null);
        try {
            run.waitStarted(running);
            ObjectNode observed = Json.object();
            observed.put("purgedCompleted", run.client.purgeInstance(completed).getDeletedInstanceCount());
            OrchestrationMetadata afterPurge = run.state(completed);
            observed.set("afterPurge", afterPurge == null ? Json.MAPPER.nullNode() : Run.statusOutput(afterPurge));
            observed.put("purgedRunning", run.client.purgeInstance(running).getDeletedInstanceCount());
            observed.put("runningStatus", Run.status(run.existing(running)));
            observed.put("purgedUnknown", run.client.purgeInstance(run.newId()).getDeletedInstanceCount());
            return observed;
        } finally {
            run.cleanUp(running);
        }
    }

    static JsonNode purgeByFilter(Run run, JsonNode input) throws TimeoutException {
        Instant from = Instant.now();
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < input.path("count").asInt(); i++) finished.add(run.start(input.path("completed").asText(), null));
        for (String id : finished) run.waitDone(id);
        String running = run.start(input.path("running").asText(), null);
        try {
            run.waitStarted(running);
            List<OrchestrationRuntimeStatus> statuses = new ArrayList<>();
            for (JsonNode s : input.path("statuses")) statuses.add(OrchestrationRuntimeStatus.valueOf(s.asText()));
            PurgeInstanceCriteria criteria = new PurgeInstanceCriteria()
                    .setCreatedTimeFrom(from)
                    .setCreatedTimeTo(Instant.now().plusSeconds(1))
                    .setRuntimeStatusList(statuses);
            ObjectNode observed = Json.object().put("purged", run.client.purgeInstances(criteria).getDeletedInstanceCount());
            observed.put("remaining", finished.stream().filter(id -> run.state(id) != null).count());
            return observed.put("runningStatus", Run.status(run.existing(running)));
        } finally {
            run.cleanUp(running);
        }
    }

    /** Every instance the query finds, page by page; `pages` receives each page's size. */
    private static List<OrchestrationMetadata> queryAll(Run run, OrchestrationStatusQuery query, List<Integer> pages) {
        List<OrchestrationMetadata> all = new ArrayList<>();
        String token = null;
        do {
            OrchestrationStatusQueryResult page = run.client.queryInstances(query.setContinuationToken(token));
            all.addAll(page.getOrchestrationState());
            pages.add(page.getOrchestrationState().size());
            token = page.getContinuationToken();
        } while (token != null && !token.isEmpty());
        return all;
    }

    private static int count(Run run, OrchestrationStatusQuery query) {
        return queryAll(run, query, new ArrayList<>()).size();
    }

    private static OrchestrationStatusQuery byPrefix(String prefix) {
        return new OrchestrationStatusQuery().setInstanceIdPrefix(prefix);
    }

    static JsonNode queryPaging(Run run, JsonNode input) throws TimeoutException {
        Instant scenarioStart = Instant.now();
        String p = run.newId();
        List<String> completed = new ArrayList<>();
        for (int i = 0; i < input.path("count").asInt(); i++) {
            String id = String.format("%s-%02d", p, i);
            run.startAs(id, input.path("completed").asText(), Json.MAPPER.getNodeFactory().numberNode(i));
            completed.add(id);
        }
        for (String id : completed) run.waitDone(id);
        String running = p + "-running";
        run.startAs(running, input.path("running").asText(), null);
        try {
            run.waitStarted(running);
            return observeQueries(run, input, p, scenarioStart);
        } finally {
            run.cleanUp(running);
        }
    }

    private static JsonNode observeQueries(Run run, JsonNode input, String p, Instant scenarioStart) {
        List<Integer> pages = new ArrayList<>();
        ArrayNode ids = Json.array();
        queryAll(run, byPrefix(p).setMaxInstanceCount(input.path("pageSize").asInt()), pages).stream()
                .map(m -> m.getInstanceId().substring(p.length())).sorted().forEach(ids::add);
        ObjectNode observed = Json.object();
        observed.set("ids", ids);
        observed.put("pages", pages.size()).put("largestPage", pages.stream().mapToInt(Integer::intValue).max().orElse(0));
        observed.put("completed", count(run, byPrefix(p).setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED))));
        ArrayNode runningIds = observed.putArray("runningIds");
        queryAll(run, byPrefix(p).setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING)), new ArrayList<>())
                .forEach(m -> runningIds.add(m.getInstanceId().substring(p.length())));
        Instant now = Instant.now();
        observed.put("inWindow", count(run, byPrefix(p).setCreatedTimeFrom(scenarioStart.minusSeconds(5)).setCreatedTimeTo(now.plusSeconds(60))));
        observed.put("inFuture", count(run, byPrefix(p).setCreatedTimeFrom(now.plus(Duration.ofSeconds(60)))));
        observed.set("withPayloads", payloadsOf(run, p + "-07", true));
        observed.set("withoutPayloads", payloadsOf(run, p + "-07", false));
        return observed;
    }

    private static JsonNode payloadsOf(Run run, String id, boolean fetch) {
        List<OrchestrationMetadata> found = queryAll(run, byPrefix(id).setFetchInputsAndOutputs(fetch), new ArrayList<>());
        if (found.size() != 1) throw new IllegalStateException("prefix " + id + " found " + found.size() + " instances");
        ObjectNode observed = Json.object();
        observed.set("input", Json.decode(found.get(0).getSerializedInput()));
        observed.set("output", Json.decode(found.get(0).getSerializedOutput()));
        return observed;
    }
}

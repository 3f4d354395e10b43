package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The driver's commands over one client and at most one running worker, both set up as the
 * SDK's documentation sets them up for a local sidecar: the builders' `port(...)`, which
 * connects to `localhost:<port>` in plain text.
 */
final class Driver implements AutoCloseable {
    private final Options options;
    private final DurableTaskClient client;
    private final Scenarios scenarios;
    private DurableTaskGrpcWorker worker;
    private Thread workerThread;

    Driver(Options options) {
        this.options = options;
        this.client = new DurableTaskGrpcClientBuilder().port(options.port()).build();
        this.scenarios = new Scenarios(client);
    }

    ObjectNode dispatch(JsonNode command) throws Exception {
        String cmd = command.path("cmd").asText();
        switch (cmd) {
            case "hello" -> {
                Properties sdk = sdkProperties();
                return Json.object().put("sdk", sdk.getProperty("sdk.name")).put("version", sdk.getProperty("sdk.version")).put("variant", options.variant());
            }
            case "start-worker" -> {
                startWorker();
                return Json.object();
            }
            case "stop-worker" -> {
                stopWorker();
                return Json.object();
            }
            case "scenario" -> {
                return Json.object().set("observed", scenarios.run(command.path("id").asText(), command.path("input")));
            }
            default -> throw new IllegalArgumentException("unknown command " + cmd);
        }
    }

    /**
     * Runs the worker's blocking loop on a thread of our own: DurableTaskGrpcWorker.stop() only
     * closes its channel, and its loop ends when its thread is interrupted.
     */
    synchronized void startWorker() {
        if (worker != null) throw new IllegalStateException("the worker is already running");
        DurableTaskGrpcWorkerBuilder builder = new DurableTaskGrpcWorkerBuilder().port(options.port());
        Functions.register(builder);
        DurableTaskGrpcWorker started = builder.build();
        Thread thread = new Thread(started::startAndBlock, "durabletask-worker");
        thread.setDaemon(true);
        thread.start();
        worker = started;
        workerThread = thread;
    }

    synchronized void stopWorker() {
        if (worker == null) return;
        worker.stop();
        workerThread.interrupt();
        worker = null;
        workerThread = null;
    }

    @Override
    public void close() {
        client.close();
    }

    private static Properties sdkProperties() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Driver.class.getResourceAsStream("/dts-sdk-driver.properties")) {
            if (in == null) throw new IOException("dts-sdk-driver.properties is missing from the jar");
            properties.load(in);
        }
        return properties;
    }
}

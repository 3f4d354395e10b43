package dts.sdkdriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Java driver of the SDK matrix: a JSON-lines command loop (test/sdk/README.md) over
 * com.microsoft:durabletask-client. stdout carries only the replies; System.out is pointed at
 * stderr so that nothing else (the SDK's logging included) can reach it. Commands run
 * concurrently, each on its own thread.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        PrintStream replyStream = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Replies replies = new Replies(replyStream);
        Driver driver = new Driver(options);
        ExecutorService commands = Executors.newCachedThreadPool();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String text = line;
                commands.submit(() -> replies.send(handle(driver, text)));
            }
        }
        driver.stopWorker();
        commands.shutdownNow();
        commands.awaitTermination(10, TimeUnit.SECONDS);
        driver.close();
        // The SDK's threads are not daemons: leave without waiting for them.
        System.exit(0);
    }

    private static ObjectNode handle(Driver driver, String line) {
        JsonNode command;
        try {
            command = Json.MAPPER.readTree(line);
        } catch (Exception e) {
            return Json.object().put("ok", false).put("error", "unparseable command: " + e.getMessage());
        }
        ObjectNode reply;
        try {
            reply = driver.dispatch(command);
            reply.put("ok", true);
        } catch (Exception | AssertionError e) {
            reply = Json.object().put("ok", false).put("error", describe(e));
        }
        reply.set("seq", command.path("seq"));
        return reply;
    }

    /** The exception and its causes in one line, for the runner's failure message. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (text.length() > 0) text.append(" <- ");
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /** One reply per line, never interleaved. */
    static final class Replies {
        private final PrintStream out;

        Replies(PrintStream out) {
            this.out = out;
        }

        synchronized void send(JsonNode reply) {
            out.println(reply.toString());
        }
    }
}

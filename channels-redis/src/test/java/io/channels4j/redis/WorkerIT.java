package io.channels4j.redis;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.WebsocketCommunicator;
import io.channels4j.worker.WorkerCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runworker across processes: a web consumer in this JVM sends jobs to a named channel on Redis, a
 * worker started with the {@link WorkerCommand} command line in a second JVM handles them and
 * replies to the consumer's own channel.
 */
class WorkerIT {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

    private final String prefix = TestRedis.uniquePrefix();
    private final String layerUrl = TestRedis.url() + "?prefix=" + prefix;
    private final List<WorkerProcess> processes = new ArrayList<>();
    private final List<ChannelLayer> layers = new ArrayList<>();

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(WorkerProcess::close);
        layers.forEach(ChannelLayer::close);
        TestRedis.deleteKeys(prefix);
    }

    private ChannelLayer layer() {
        ChannelLayer layer = ChannelLayers.create(layerUrl);
        layers.add(layer);
        return layer;
    }

    private WorkerProcess startWorker() throws IOException {
        WorkerProcess worker = new WorkerProcess(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                WorkerCommand.class.getName(), "runworker",
                "--layer", layerUrl,
                "--application", WorkerFixture.class.getName() + ":application",
                WorkerFixture.CHANNEL));
        processes.add(worker);
        return worker;
    }

    private static JsonNode receiveJson(WebsocketCommunicator client) {
        return Json.parse(client.receiveFrom(REPLY_TIMEOUT));
    }

    @Test
    void webConsumerQueuesJobs_aWorkerInAnotherProcessHandlesThem() throws Exception {
        WorkerProcess worker = startWorker();
        worker.expect("Worker listening on channels [" + WorkerFixture.CHANNEL + "]");
        ChannelLayer layer = layer();
        Application web = Consumer.asApplication(WorkerFixture.UploadConsumer::new,
                new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer));

        try (WebsocketCommunicator client = new WebsocketCommunicator(web, "/upload/")) {
            assertThat(client.connect().accepted()).isTrue();

            client.sendJsonTo(Map.of("image", "cat.png"));
            JsonNode cat = receiveJson(client);
            assertThat(cat.get("thumbnail").asText()).isEqualTo("cat-thumb.png");
            assertThat(cat.get("pid").asLong()).isEqualTo(worker.process.pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(cat.get("generated").asLong()).isEqualTo(1);
            assertThat(cat.get("thread").asText()).isEqualTo("channels4j-worker-thumbnails-generate-app-1");

            // The same long-lived consumer instance handles the next job.
            client.sendJsonTo(Map.of("image", "dog.png"));
            assertThat(receiveJson(client).get("generated").asLong()).isEqualTo(2);

            // A failing job is logged and not retried; a new instance takes the next one.
            client.sendJsonTo(Map.of("image", "crash.png"));
            worker.expect("Exception inside the worker application for channel 'thumbnails-generate'");
            // A message without a type is skipped; the listener goes on.
            layer.send(WorkerFixture.CHANNEL, Message.of("image", "untyped.png"));
            worker.expect("Worker received a message with no 'type' on channel 'thumbnails-generate'");
            client.sendJsonTo(Map.of("image", "bird.png"));
            JsonNode bird = receiveJson(client);
            assertThat(bird.get("thumbnail").asText()).isEqualTo("bird-thumb.png");
            assertThat(bird.get("generated").asLong()).isEqualTo(1);
            assertThat(bird.get("thread").asText()).isEqualTo("channels4j-worker-thumbnails-generate-app-2");
            assertThat(client.receiveNothing(Duration.ofMillis(300))).as("no reply for the crashed job").isTrue();
        }

        // SIGTERM: the shutdown hook stops the worker gracefully. (Process.destroy() would also
        // close our end of its output, losing what the hook prints; ProcessHandle.destroy() does not.)
        assertThat(worker.process.toHandle().destroy()).isTrue();
        worker.awaitExit();
        assertThat(worker.output()).contains("Worker stopped (channels [thumbnails-generate])").endsWith("Worker stopped\n");
    }

    @Test
    void jobQueuedWhileNoWorkerRuns_waitsInRedis_andIsHandledWhenOneStarts() throws Exception {
        ChannelLayer layer = layer();
        String replies = "replies-" + prefix.replace(":", "");
        layer.send(WorkerFixture.CHANNEL, Message.of("type", "thumbnails.generate", "image", "early.png",
                "reply_channel", replies));

        WorkerProcess worker = startWorker();

        Message reply = layer.receive(replies, REPLY_TIMEOUT);
        assertThat(reply).as("a reply from the worker process; it printed:%n%s", worker.output()).isNotNull();
        assertThat(reply.getString("thumbnail")).isEqualTo("early-thumb.png");
        assertThat(reply.getLong("pid")).isEqualTo(worker.process.pid());
    }

    /** A worker JVM whose merged stdout/stderr lines are read by a named thread. */
    private static final class WorkerProcess implements AutoCloseable {
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();
        private final Thread reader;

        WorkerProcess(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            reader = Thread.ofPlatform().daemon().name("worker-process-reader").start(() -> {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        synchronized (all) {
                            all.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        }

        /** Waits until the process has exited and all its output is read. */
        void awaitExit() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the worker process exits").isTrue();
            reader.join(10_000);
        }

        String output() {
            synchronized (all) {
                return all.toString();
            }
        }

        /** Waits (up to 60 s, JVM start included) for a line containing {@code text}. */
        void expect(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.contains(text)) {
                    return;
                }
                if (line == null && !process.isAlive()) {
                    break;
                }
            }
            throw new AssertionError("the worker process did not print '" + text + "'"
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; it printed:\n" + output());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

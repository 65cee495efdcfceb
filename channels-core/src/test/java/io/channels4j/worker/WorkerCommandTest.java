package io.channels4j.worker;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The runworker command line, in process, with the in-memory layer. */
class WorkerCommandTest {

    /** What the command lines below load. */
    public static final class Fixture {
        private Fixture() {
        }

        /** Uses the process-wide registry, where the command puts its layer. */
        public static final Application application = Consumer.asApplication(Jobs::new);
    }

    /** Replies to jobs; closes the layer under the worker on request. */
    public static class Jobs extends WorkerTest.JobConsumer {
        public void layerClose(Message event) {
            channelLayer().close();
        }
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final AtomicReference<Thread> hook = new AtomicReference<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        Thread h = hook.get();
        if (h != null && h.getState() == Thread.State.NEW) {
            h.start();
            h.join(10_000);
        }
        ChannelLayer left = ChannelLayers.defaults().remove(ChannelLayers.DEFAULT_ALIAS);
        if (left != null) {
            left.close();
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private int run(Map<String, String> env, String... args) {
        return WorkerCommand.run(args, out, err, env::get, hook::set);
    }

    private CompletableFuture<Integer> runInBackground(Map<String, String> env, String... args) {
        CompletableFuture<Integer> code = new CompletableFuture<>();
        Thread.ofVirtual().name("runworker-under-test").start(() -> code.complete(run(env, args)));
        await().atMost(Duration.ofSeconds(10)).until(() -> out().contains("Worker listening") || code.isDone());
        assertThat(code).as("still running; err: %s", err()).isNotDone();
        return code;
    }

    @Test
    void runsTheWorker_untilTheShutdownHookStopsIt() throws Exception {
        CompletableFuture<Integer> code = runInBackground(Map.of(),
                "runworker", "--application", Fixture.class.getName() + ":application", "jobs", "other-jobs");

        assertThat(out()).contains("Worker listening on channels [jobs, other-jobs] of memory://");
        assertThat(err()).contains("warning: the in-memory layer (memory://) cannot reach other processes");
        ChannelLayer layer = ChannelLayers.defaults().require(ChannelLayers.DEFAULT_ALIAS);
        layer.send("jobs", Message.of("type", "job.run", "id", "c1", "reply", "replies"));
        Message reply = layer.receive("replies", Duration.ofSeconds(5));
        assertThat(reply).isNotNull();
        assertThat(reply.getString("id")).isEqualTo("c1");
        assertThat(reply.getString("scope_channel")).isEqualTo("jobs");

        Thread shutdown = hook.get();
        assertThat(shutdown.getName()).isEqualTo(WorkerCommand.SHUTDOWN_THREAD);
        shutdown.start();
        shutdown.join(10_000);

        assertThat(code.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(out()).contains("Worker stopped");
        assertThat(ChannelLayers.defaults().get(ChannelLayers.DEFAULT_ALIAS)).isNull();
        assertThatThrownBy(() -> layer.send("jobs", Message.of("type", "x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void layerAndApplicationFromTheEnvironment() throws Exception {
        CompletableFuture<Integer> code = runInBackground(
                Map.of(WorkerCommand.LAYER_ENV, "memory://?capacity=7",
                        WorkerCommand.APPLICATION_ENV, Fixture.class.getName() + ":application"),
                "jobs");

        assertThat(ChannelLayers.defaults().require(ChannelLayers.DEFAULT_ALIAS).capacity("jobs")).isEqualTo(7);
        hook.get().start();
        hook.get().join(10_000);
        assertThat(code.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void workerThatStopsOnItsOwn_exitsWith1() throws Exception {
        CompletableFuture<Integer> code = runInBackground(Map.of(),
                "--application=" + Fixture.class.getName() + ":application", "jobs");

        ChannelLayers.defaults().require(ChannelLayers.DEFAULT_ALIAS).send("jobs", Message.of("type", "layer.close"));

        assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err()).contains("runworker: the worker stopped:");
    }

    @Test
    void help_printsUsage() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("usage: runworker [--layer URL] --application REF CHANNEL [CHANNEL...]")
                .contains("at most once").contains("CHANNELS_LAYER");
        assertThat(hook.get()).isNull();
    }

    @Test
    void usageErrors_exitWith2() {
        assertThat(run(Map.of(), "--application", "x.Y")).isEqualTo(2);
        assertThat(err()).contains("runworker: no channel names given").contains("(see --help)");
        assertThat(run(Map.of(), "jobs")).isEqualTo(2);
        assertThat(err()).contains("no application given");
        assertThat(run(Map.of(), "--verbose", "1", "jobs")).isEqualTo(2);
        assertThat(err()).contains("unknown option --verbose");
        assertThat(run(Map.of(), "--application", "x.Y", "jobs", "jobs")).isEqualTo(2);
        assertThat(err()).contains("'jobs' is given twice");
        assertThat(run(Map.of(), "--application", "x.Y", "bad name")).isEqualTo(2);
        assertThat(run(Map.of(), "jobs", "--layer")).isEqualTo(2);
        assertThat(err()).contains("--layer needs a value");
        assertThat(hook.get()).isNull();
    }

    @Test
    void badLayerUrl_exitsWith2() {
        assertThat(run(Map.of(), "--layer", "nosuch://x", "--application", Fixture.class.getName(), "jobs")).isEqualTo(2);
        assertThat(err()).contains("cannot create the channel layer 'nosuch://x'");
    }

    @Test
    void applicationThatCannotBeLoaded_exitsWith2_andReleasesTheLayer() {
        assertThat(run(Map.of(), "--application", "com.example.Missing:application", "jobs")).isEqualTo(2);
        assertThat(err()).contains("cannot load the application 'com.example.Missing:application'")
                .contains("not found on the class path");
        assertThat(ChannelLayers.defaults().get(ChannelLayers.DEFAULT_ALIAS)).isNull();
    }

    @Test
    void parse_skipsALeadingRunworker_andKeepsALaterOne() throws Exception {
        WorkerCommand.Options options = WorkerCommand.parse(
                new String[] {"runworker", "--layer=redis://h:6379/0", "--application", "a.B", "--", "runworker", "-x"},
                name -> null);

        assertThat(options.layer()).isEqualTo("redis://h:6379/0");
        assertThat(options.application()).isEqualTo("a.B");
        assertThat(options.channels()).isEqualTo(List.of("runworker", "-x"));
        assertThat(WorkerCommand.parse(new String[] {"--application", "a.B", "c"}, name -> null).layer())
                .isEqualTo(WorkerCommand.DEFAULT_LAYER);
    }

    @Test
    void redact_hidesCredentials() {
        assertThat(WorkerCommand.redact("redis://user:secret@host:6379/0?prefix=p&password=pw&x=1"))
                .isEqualTo("redis://***@host:6379/0?prefix=p&password=***&x=1");
        assertThat(WorkerCommand.redact("memory://")).isEqualTo("memory://");
    }
}

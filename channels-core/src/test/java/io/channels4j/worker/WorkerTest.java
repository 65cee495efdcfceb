package io.channels4j.worker;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.layer.InvalidChannelNameException;
import io.channels4j.routing.ChannelNameRouter;
import io.channels4j.routing.ProtocolTypeRouter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The worker against the in-memory layer: routing, instances, failures, shutdown. */
class WorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A background consumer: replies to the {@code reply} channel of every job. */
    public static class JobConsumer extends Consumer {
        private int handled;

        public void jobRun(Message event) {
            handled++;
            channelLayer().send(event.getString("reply"), Message.of(
                    "type", "job.done",
                    "id", event.getString("id"),
                    "instance", (long) System.identityHashCode(this),
                    "handled", (long) handled,
                    "thread", Thread.currentThread().getName(),
                    "scope_type", scope().type(),
                    "scope_channel", scope().channel()));
        }

        public void jobFail(Message event) {
            throw new IllegalStateException("job " + event.getString("id") + " failed (on purpose)");
        }
    }

    private final InMemoryChannelLayer memory = new InMemoryChannelLayer();
    private final RecordingLayer layer = new RecordingLayer(memory);
    private final ChannelLayers layers = new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer);
    private final Application jobs = Consumer.asApplication(JobConsumer::new, layers);
    private final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        workers.forEach(Worker::close);
        memory.close();
    }

    private Worker start(Application application, String... channels) {
        Worker worker = Worker.builder().application(application).layer(layer).channels(channels)
                .receiveTimeout(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(2)).build();
        workers.add(worker);
        return worker.start();
    }

    private static Message job(String type, String id) {
        return Message.of("type", type, "id", id, "reply", "replies");
    }

    private Message reply() throws InterruptedException {
        Message reply = memory.receive("replies", WAIT);
        assertThat(reply).as("a reply from the worker").isNotNull();
        return reply;
    }

    @Test
    void channelNameRouter_routesEachChannelToItsConsumer_inAChannelScope() throws Exception {
        AtomicReference<Scope> mailScope = new AtomicReference<>();
        Application mail = (scope, receive, send) -> {
            mailScope.set(scope);
            Message m = receive.receive();
            layer.send("replies", Message.of("type", "mail.sent", "to", m.getString("to")));
        };
        start(ChannelNameRouter.of(Map.of("thumbnails-generate", jobs, "mail-send", mail)),
                "thumbnails-generate", "mail-send");

        layer.send("thumbnails-generate", job("job.run", "t1"));
        Message done = reply();
        assertThat(done.getString("id")).isEqualTo("t1");
        assertThat(done.getString("scope_type")).isEqualTo(Scope.CHANNEL);
        assertThat(done.getString("scope_channel")).isEqualTo("thumbnails-generate");
        assertThat(done.getString("thread")).isEqualTo("channels4j-worker-thumbnails-generate-app-1");

        layer.send("mail-send", Message.of("type", "mail.send", "to", "a@example.com"));
        assertThat(reply().getString("to")).isEqualTo("a@example.com");
        assertThat(mailScope.get().type()).isEqualTo(Scope.CHANNEL);
        assertThat(mailScope.get().channel()).isEqualTo("mail-send");
    }

    @Test
    void listenersRunOnNamedThreads() {
        start(jobs, "alpha", "beta");

        await().atMost(WAIT).untilAsserted(() -> assertThat(layer.receivingThreads)
                .contains("channels4j-worker-alpha", "channels4j-worker-beta"));
    }

    @Test
    void oneLongLivedInstancePerChannel_handlesMessagesInOrder() throws Exception {
        start(jobs, "alpha", "beta");

        for (int i = 1; i <= 5; i++) {
            layer.send("alpha", job("job.run", "a" + i));
        }
        layer.send("beta", job("job.run", "b1"));

        List<Message> alpha = new ArrayList<>();
        Message beta = null;
        for (int i = 0; i < 6; i++) {
            Message m = reply();
            if (m.getString("id").startsWith("a")) {
                alpha.add(m);
            } else {
                beta = m;
            }
        }
        assertThat(alpha).extracting(m -> m.getString("id")).containsExactly("a1", "a2", "a3", "a4", "a5");
        assertThat(alpha).extracting(m -> m.getLong("handled")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(alpha).extracting(m -> m.getLong("instance")).containsOnly(alpha.get(0).getLong("instance"));
        assertThat(beta).isNotNull();
        assertThat(beta.getLong("handled")).isEqualTo(1L);
        assertThat(beta.getLong("instance")).isNotEqualTo(alpha.get(0).getLong("instance"));
    }

    @Test
    void messageWithoutType_isSkipped_andTheListenerGoesOn() throws Exception {
        Worker worker = start(jobs, "alpha");

        layer.send("alpha", Message.of("id", "no-type", "reply", "replies"));
        layer.send("alpha", Message.of("type", 42L, "id", "bad-type"));
        layer.send("alpha", job("job.run", "after"));

        assertThat(reply().getString("id")).isEqualTo("after");
        assertThat(worker.skippedMessages()).isEqualTo(2);
        assertThat(worker.receivedMessages()).isEqualTo(3);
    }

    @Test
    void failingInstance_isLoggedAndReplaced_forTheNextMessage_withoutRetry() throws Exception {
        Worker worker = start(jobs, "alpha");

        layer.send("alpha", job("job.run", "first"));
        long firstInstance = reply().getLong("instance");
        layer.send("alpha", job("job.fail", "boom"));
        layer.send("alpha", job("job.run", "second"));

        Message second = reply();
        assertThat(second.getString("id")).isEqualTo("second");
        assertThat(second.getLong("instance")).isNotEqualTo(firstInstance);
        assertThat(second.getLong("handled")).isEqualTo(1L);
        assertThat(second.getString("thread")).isEqualTo("channels4j-worker-alpha-app-2");
        assertThat(worker.failedInstances()).isEqualTo(1);
        assertThat(layer.receive("replies", Duration.ofMillis(200))).as("the failed job is not retried").isNull();
    }

    @Test
    void applicationThatReturns_isStartedAgainForTheNextMessage() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Application oneShot = (scope, receive, send) -> {
            runs.incrementAndGet();
            layer.send("replies", receive.receive());
        };
        start(oneShot, "alpha");

        for (int i = 0; i < 3; i++) {
            layer.send("alpha", job("job.run", "j" + i));
        }
        assertThat(List.of(reply(), reply(), reply())).extracting(m -> m.getString("id")).containsExactly("j0", "j1", "j2");
        assertThat(runs).hasValue(3);
    }

    @Test
    void applicationThatFailsBeforeReceiving_dropsTheMessage_andDoesNotSpin() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Application broken = (scope, receive, send) -> {
            runs.incrementAndGet();
            throw new IllegalStateException("misconfigured");
        };
        Worker worker = start(broken, "alpha");

        for (int i = 0; i < 3; i++) {
            layer.send("alpha", job("job.run", "j" + i));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(worker.droppedMessages()).isEqualTo(3));
        Thread.sleep(200);
        assertThat(runs).hasValue(3);
        assertThat(worker.failedInstances()).isEqualTo(3);
    }

    @Test
    void unroutedChannel_failsEachMessage_butTheWorkerKeepsRunning() throws Exception {
        Worker worker = start(ChannelNameRouter.of(Map.of("alpha", jobs)), "alpha", "unrouted");

        layer.send("unrouted", job("job.run", "lost"));
        layer.send("alpha", job("job.run", "ok"));

        assertThat(reply().getString("id")).isEqualTo("ok");
        await().atMost(WAIT).untilAsserted(() -> assertThat(worker.droppedMessages()).isEqualTo(1));
        assertThat(worker.isRunning()).isTrue();
    }

    @Test
    void sendIsNotSupported_inAWorker() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Application sender = (scope, receive, send) -> {
            while (true) {
                receive.receive();
                try {
                    send.send(Message.of("type", "websocket.send", "text", "hi"));
                } catch (RuntimeException e) {
                    thrown.set(e);
                    layer.send("replies", Message.of("type", "tried"));
                }
            }
        };
        start(sender, "alpha");

        layer.send("alpha", job("job.run", "x"));
        reply();
        assertThat(thrown.get()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot send events")
                .hasMessageContaining("'websocket.send'")
                .hasMessageContaining("channel layer");
    }

    @Test
    void receiveFailures_areRetriedWithBackoff() throws Exception {
        layer.receiveFailuresToThrow.set(2);
        Worker worker = start(jobs, "alpha");

        layer.send("alpha", job("job.run", "survives"));

        assertThat(reply().getString("id")).isEqualTo("survives");
        assertThat(worker.isRunning()).isTrue();
        assertThat(worker.failure()).isEmpty();
    }

    @Test
    void prefetch_leavesTheRestInTheLayer_forOtherWorkers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        Application slow = (scope, receive, send) -> {
            while (true) {
                receive.receive();
                busy.countDown();
                release.await();
            }
        };
        Worker worker = start(slow, "alpha");
        for (int i = 0; i < 4; i++) {
            layer.send("alpha", job("job.run", "j" + i));
        }
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        // j0 is being handled, j1 waits in the instance's inbox (prefetch 1), j2 and j3 stay in the layer.
        await().atMost(WAIT).untilAsserted(() -> assertThat(worker.receivedMessages()).isEqualTo(2));
        Thread.sleep(200);
        assertThat(worker.receivedMessages()).isEqualTo(2);
        assertThat(memory.receive("alpha", WAIT).getString("id")).isEqualTo("j2");
        release.countDown();
    }

    @Test
    void close_stopsListenersAndInstances_leavingLaterMessagesInTheLayer() throws Exception {
        AtomicReference<Thread> instance = new AtomicReference<>();
        Application app = (scope, receive, send) -> {
            instance.set(Thread.currentThread());
            while (true) {
                layer.send("replies", receive.receive());
            }
        };
        Worker worker = start(app, "alpha");
        layer.send("alpha", job("job.run", "j1"));
        reply();

        worker.close();

        assertThat(worker.isRunning()).isFalse();
        assertThat(worker.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(instance.get().isAlive()).isFalse();
        layer.send("alpha", job("job.run", "after-close"));
        assertThat(memory.receive("alpha", WAIT).getString("id")).isEqualTo("after-close");
        assertThat(worker.failure()).isEmpty();
        worker.close(); // idempotent
    }

    @Test
    void close_letsTheInstanceFinishWhatItWasGiven_thenInterruptsWithinTheTimeout() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> instance = new AtomicReference<>();
        Application app = (scope, receive, send) -> {
            instance.set(Thread.currentThread());
            while (true) {
                Message m = receive.receive();
                handled.add(m.getString("id"));
                if (m.getString("id").equals("hang")) {
                    Thread.sleep(Long.MAX_VALUE);
                }
            }
        };
        Worker worker = Worker.builder().application(app).layer(layer).channels("alpha")
                .receiveTimeout(Duration.ofMillis(100)).shutdownTimeout(Duration.ofMillis(500)).build().start();
        workers.add(worker);
        layer.send("alpha", job("job.run", "hang"));
        await().atMost(WAIT).until(() -> handled.contains("hang"));

        long started = System.nanoTime();
        worker.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(instance.get().isAlive()).isFalse();
    }

    @Test
    void run_blocksUntilClosedFromAnotherThread() throws Exception {
        Worker worker = Worker.builder().application(jobs).layer(layer).channels("alpha")
                .receiveTimeout(Duration.ofMillis(100)).build();
        workers.add(worker);
        CountDownLatch returned = new CountDownLatch(1);
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                worker.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.countDown();
        });
        await().atMost(WAIT).until(worker::isRunning);
        layer.send("alpha", job("job.run", "x"));
        reply();
        assertThat(returned.getCount()).isOne();

        worker.close();

        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
        runner.join();
    }

    @Test
    void closedLayer_stopsTheWorker_withAFailure() throws Exception {
        Worker worker = start(jobs, "alpha");
        await().atMost(WAIT).until(() -> layer.receiveCalls.get() > 0);

        memory.close();

        assertThat(worker.awaitTermination(WAIT)).isTrue();
        assertThat(worker.failure()).containsInstanceOf(IllegalStateException.class);
    }

    @Test
    void start_twice_andAfterClose_isRefused() {
        Worker worker = start(jobs, "alpha");
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        worker.close();
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already closed");

        Worker never = new Worker(jobs, layer, List.of("alpha"));
        never.close();
        assertThat(never.isRunning()).isFalse();
    }

    @Test
    void constructor_validatesItsArguments() {
        assertThatThrownBy(() -> new Worker(jobs, layer, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one channel");
        assertThatThrownBy(() -> new Worker(jobs, layer, List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is given twice");
        assertThatThrownBy(() -> new Worker(jobs, layer, List.of("specific.abc!def")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("process-local");
        assertThatThrownBy(() -> new Worker(jobs, layer, List.of("bad name")))
                .isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> new Worker(jobs, null, List.of("a")))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("channel layer");
        assertThatThrownBy(() -> new Worker(null, layer, List.of("a")))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("application");
        assertThatThrownBy(() -> Worker.builder().prefetch(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Worker.builder().receiveTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void worksUnderAProtocolTypeRouter() throws Exception {
        Application top = ProtocolTypeRouter.builder()
                .channel(ChannelNameRouter.of(Map.of("alpha", jobs)))
                .build();
        Worker worker = start(top, "alpha");

        layer.send("alpha", job("job.run", "routed"));

        assertThat(reply().getString("id")).isEqualTo("routed");
        assertThat(worker.channels()).containsExactly("alpha");
        assertThat(worker.layer()).isSameAs(layer);
    }
}

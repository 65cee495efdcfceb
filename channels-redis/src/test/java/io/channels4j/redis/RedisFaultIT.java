package io.channels4j.redis;

import io.channels4j.Events;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.Subscription;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Redis layer when its Redis goes away: a real redis-server on its own port that the tests
 * stop, freeze (SIGSTOP), kill and restart. Operations fail fast with
 * {@link ChannelLayerException} naming the server, a consumer whose handler hits the failure is
 * closed with 1011 while others survive, the single receive loop reconnects by itself, and no
 * receive thread outlives its layer.
 */
class RedisFaultIT {

    private static final Duration LAYER_TIMEOUT = Duration.ofMillis(500);
    /** How long any operation may take to fail against an unreachable Redis. */
    private static final Duration FAIL_FAST = Duration.ofSeconds(3);
    private static final String LOOP_THREAD = "channels4j-redis-receive-";

    private RedisProcess redis;
    private final List<RedisChannelLayer> layers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.server();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (AutoCloseable closeable : closeables.reversed()) {
                closeable.close();
            }
        } finally {
            try {
                // a frozen Redis would keep blocked reads of a layer hanging: end the process first
                redis.kill();
            } finally {
                RedisProcess.closeAll(layers);
                redis.close();
            }
        }
    }

    private RedisChannelLayer layer() {
        RedisChannelLayer layer = RedisChannelLayer.builder()
                .host(redis.url())
                .prefix("fault:")
                .timeout(LAYER_TIMEOUT)
                .build();
        layers.add(layer);
        return layer;
    }

    private String serverName() {
        return "127.0.0.1:" + redis.port();
    }

    /** How Redis is made unreachable. */
    enum Outage {
        /** The process is gone: connections are refused. */
        STOPPED,
        /** The process is SIGSTOPped: connections are accepted by the kernel, nothing answers. */
        FROZEN
    }

    private void outage(Outage outage) {
        if (outage == Outage.STOPPED) {
            redis.stop();
        } else {
            redis.freeze();
        }
    }

    // ------------------------------------------------------------------ fail fast

    @ParameterizedTest
    @EnumSource(Outage.class)
    void everyOperation_failsFastWithChannelLayerException_namingTheServer(Outage outage) throws Exception {
        RedisChannelLayer layer = layer();
        // warm the pool so the outage also hits pooled connections, not only new ones
        layer.send("jobs", Message.of("type", "warm.up"));
        assertThat(layer.receive("jobs", Duration.ofSeconds(2))).isEqualTo(Message.of("type", "warm.up"));
        String other = layer().newChannel(); // another layer's channel: no in-process shortcut

        outage(outage);

        assertFailsFast("send", () -> {
            layer.send("jobs", Message.of("type", "x"));
            return null;
        });
        assertFailsFast("send to another process's channel", () -> {
            layer.send(other, Message.of("type", "x"));
            return null;
        });
        assertFailsFast("groupAdd", () -> {
            layer.groupAdd("room", other);
            return null;
        });
        assertFailsFast("groupDiscard", () -> {
            layer.groupDiscard("room", other);
            return null;
        });
        assertFailsFast("groupSend", () -> {
            layer.groupSend("room", Message.of("type", "x"));
            return null;
        });
        assertFailsFast("receive", () -> layer.receive("jobs", Duration.ofSeconds(30)));
        assertFailsFast("receive without timeout", () -> layer.receive("jobs"));
    }

    private void assertFailsFast(String operation, ThrowingSupplier<Object> call) {
        Throwable thrown = assertTimeoutPreemptively(FAIL_FAST, () -> {
            try {
                Object result = call.get();
                return new AssertionError(operation + " returned " + result + " while Redis is down");
            } catch (Throwable t) {
                return t;
            }
        }, operation + " must fail within " + FAIL_FAST + " while Redis is down, not hang");
        assertThat(thrown).as(operation).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining(serverName());
    }

    @Test
    void receiveOnAProcessLocalChannel_whileRedisIsDown_isBoundedByItsTimeout() throws Exception {
        // Local channels are served by the layer's receive loop, which retries with backoff while
        // Redis is away instead of failing the receiver: receive returns null after its timeout.
        RedisChannelLayer layer = layer();
        String channel = layer.newChannel();
        redis.stop();
        Message received = assertTimeoutPreemptively(FAIL_FAST, () -> layer.receive(channel, Duration.ofMillis(700)));
        assertThat(received).isNull();
    }

    @Test
    void receiveOnANamedChannel_whenRedisFreezesMidWait_endsWithinItsTimeout() throws Exception {
        RedisChannelLayer layer = layer();
        FutureTask<Object> receive = new FutureTask<>(() -> {
            try {
                return layer.receive("idle-jobs", Duration.ofSeconds(2));
            } catch (ChannelLayerException e) {
                return e;
            }
        });
        Thread.ofPlatform().daemon().name("fault-test-receiver").start(receive);
        try (var jedis = redis.client()) {
            await("the receive is blocked in BZPOPMIN").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> jedis.clientList().contains("cmd=bzpopmin"));
        }
        redis.freeze();
        // the receive's own timeout is 2 s; the layer's socket timeout 0.5 s
        try {
            Object result = receive.get(5, TimeUnit.SECONDS);
            assertThat(result).satisfiesAnyOf(
                    r -> assertThat(r).isNull(),
                    r -> assertThat(r).isInstanceOf(ChannelLayerException.class));
        } catch (TimeoutException e) {
            fail("receive(channel, 2 s) still blocked 5 s after Redis froze");
        }
    }

    // ------------------------------------------------------------------ consumers

    /** Joins "room"; a text frame is group-sent to "room" ("rejoin" re-adds the membership). */
    public static class RoomConsumer extends WebsocketConsumer {
        @Override
        protected List<String> groups() {
            return List.of("room");
        }

        @Override
        public void receive(String text) {
            if (text.equals("rejoin")) {
                channelLayer().groupAdd("room", channelName());
                send("rejoined");
                return;
            }
            channelLayer().groupSend("room", Message.of("type", "chat.message", "text", text));
        }

        public void chatMessage(Message message) {
            send(message.getString("text"));
        }
    }

    private WebsocketCommunicator connect(RedisChannelLayer layer) {
        WebsocketCommunicator client = new WebsocketCommunicator(
                Consumer.asApplication(RoomConsumer::new, new ChannelLayers().set("default", layer)), "/ws/room/");
        closeables.add(client);
        assertThat(client.connect(Duration.ofSeconds(5)).accepted()).isTrue();
        return client;
    }

    @Test
    void aHandlerHittingTheOutage_closesItsConsumerWith1011_andOtherConsumersWorkAfterRestart() {
        RedisChannelLayer layer = layer();
        WebsocketCommunicator failing = connect(layer);
        WebsocketCommunicator survivor = connect(layer);
        failing.sendTo("hello");
        assertThat(failing.receiveFrom(Duration.ofSeconds(5))).isEqualTo("hello");
        assertThat(survivor.receiveFrom(Duration.ofSeconds(5))).isEqualTo("hello");

        redis.stop();
        failing.sendTo("while down");

        Message close = failing.receiveOutput(Duration.ofSeconds(5));
        assertThat(close.type()).isEqualTo(Events.WEBSOCKET_CLOSE);
        assertThat(close.getInt("code")).isEqualTo(Events.CLOSE_INTERNAL_ERROR);
        await("the failing consumer ends").atMost(Duration.ofSeconds(5)).until(failing::isDone);
        assertThat(failing.failure()).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining(serverName());
        assertThat(survivor.isDone()).isFalse();
        assertThat(survivor.receiveNothing(Duration.ofMillis(200))).isTrue();

        redis.restart();
        // The restart was not persistent: "room" is gone, so the survivor joins it again.
        survivor.sendTo("rejoin");
        assertThat(survivor.receiveFrom(Duration.ofSeconds(5))).isEqualTo("rejoined");
        WebsocketCommunicator newcomer = connect(layer);
        newcomer.sendTo("after restart");
        assertThat(newcomer.receiveFrom(Duration.ofSeconds(5))).isEqualTo("after restart");
        assertThat(survivor.receiveFrom(Duration.ofSeconds(5))).isEqualTo("after restart");
        survivor.sendTo("from survivor");
        assertThat(survivor.receiveFrom(Duration.ofSeconds(5))).isEqualTo("from survivor");
        assertThat(newcomer.receiveFrom(Duration.ofSeconds(5))).isEqualTo("from survivor");
        survivor.disconnect();
        newcomer.disconnect();
    }

    @Test
    void afterARestart_theFirstOperationsSucceed_despiteStalePooledConnections() throws Exception {
        RedisChannelLayer layer = layer();
        // several concurrent operations leave several idle connections in the pool
        int parallel = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<FutureTask<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            FutureTask<Object> task = new FutureTask<>(() -> {
                start.await();
                return layer.receive("warm-" + Thread.currentThread().getName(), Duration.ofMillis(300));
            });
            tasks.add(task);
            Thread.ofPlatform().daemon().name("fault-test-warm-" + i).start(task);
        }
        start.countDown();
        for (FutureTask<Object> task : tasks) {
            task.get(10, TimeUnit.SECONDS);
        }

        redis.restart(); // nothing touched the layer while Redis was away

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < parallel + 2; i++) {
            try {
                layer.send("after-restart", Message.of("type", "n", "i", i));
            } catch (ChannelLayerException e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).as("sends to a Redis that is up again").isEmpty();
    }

    // ------------------------------------------------------------------ the receive loop

    @Test
    void killedMidTraffic_andRestartedOnTheSamePort_theSubscribedChannelReceivesAgain() throws Exception {
        RedisChannelLayer receiver = layer();
        RedisChannelLayer sender = layer(); // another instance: every message goes through Redis
        String channel = receiver.newChannel();
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Subscription subscription = receiver.subscribe(channel, inbox::offer);
        closeables.add(subscription::close);
        receiver.groupAdd("feed", channel);

        AtomicReference<String> phase = new AtomicReference<>("before");
        AtomicLong sequence = new AtomicLong();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("fault-test-sender").factory());
        closeables.add(() -> {
            traffic.shutdownNow();
            assertThat(traffic.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        });
        traffic.scheduleWithFixedDelay(() -> {
            try {
                sender.groupSend("feed", Message.of("type", "tick", "n", sequence.incrementAndGet(),
                        "phase", phase.get()));
                sent.incrementAndGet();
            } catch (ChannelLayerException e) {
                failed.incrementAndGet();
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        await("traffic flows").atMost(Duration.ofSeconds(5)).until(() -> inbox.size() >= 20);
        assertThat(loopThreads()).isEqualTo(1);

        redis.kill();
        await("the sender sees the outage").atMost(Duration.ofSeconds(5)).until(() -> failed.get() > 0);

        redis.restart();
        // A non-persistent restart lost every key, the group "feed" included: join it again.
        // Nothing else is recreated: same layers, same channel, same subscription, same loop.
        // The membership is re-added through a fresh layer: the receiver's pool may still hold a
        // connection that died with the old process (see the disabled stale-connection test).
        phase.set("after");
        layer().groupAdd("feed", channel);

        await("the channel receives again after the restart").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    Message m;
                    while ((m = inbox.poll()) != null) {
                        if ("after".equals(m.getString("phase"))) {
                            return true;
                        }
                    }
                    return false;
                });
        assertThat(loopThreads()).as("still the one receive loop").isEqualTo(1);
    }

    @Test
    void oneReceiveThreadPerLayerWithLocalReceivers_andNoneAfterClose() throws Exception {
        long baseline = allLoopThreads();
        RedisChannelLayer a = layer();
        RedisChannelLayer b = layer();
        RedisChannelLayer sendOnly = layer();
        sendOnly.send("jobs", Message.of("type", "x"));
        assertThat(loopThreads()).as("a layer without local receivers has no loop").isZero();

        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subscriptions.add(a.subscribe(a.newChannel(), m -> true));
            subscriptions.add(b.subscribe(b.newChannel(), m -> true));
        }
        assertThat(a.receive(a.newChannel(), Duration.ofMillis(50))).isNull();
        assertThat(loopThreads()).as("one loop per layer, however many channels").isEqualTo(2);

        // one layer closes while Redis is up, the other while it is down (its loop backs off)
        subscriptions.forEach(Subscription::close);
        a.close();
        await("a's loop ends").atMost(Duration.ofSeconds(5)).until(() -> loopThreads() == 1);
        redis.stop();
        await("b's loop backs off").atMost(Duration.ofSeconds(5))
                .until(() -> loopThreadStates().contains(Thread.State.TIMED_WAITING));
        b.close();
        await("b's loop ends").atMost(Duration.ofSeconds(5)).until(() -> loopThreads() == 0);
        sendOnly.close();
        assertThat(allLoopThreads()).isLessThanOrEqualTo(baseline);
    }

    @Test
    void close_whileRedisIsFrozen_endsTheReceiveThread() {
        RedisChannelLayer layer = layer();
        Subscription subscription = layer.subscribe(layer.newChannel(), m -> true);
        try (var jedis = redis.client()) {
            await("the loop waits in BZPOPMIN").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> jedis.clientList().contains("cmd=bzpopmin"));
        }
        redis.freeze();
        subscription.close();
        assertTimeoutPreemptively(Duration.ofSeconds(5), layer::close);
        await("the loop ends").atMost(Duration.ofSeconds(5)).until(() -> loopThreads() == 0);
    }

    /** Live receive-loop threads of layers on this test's Redis. */
    private long loopThreads() {
        return loopThreadList().size();
    }

    private List<Thread.State> loopThreadStates() {
        return loopThreadList().stream().map(Thread::getState).toList();
    }

    private List<Thread> loopThreadList() {
        String server = ":" + redis.port() + "/";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(LOOP_THREAD) && t.getName().contains(server))
                .toList();
    }

    private static long allLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(LOOP_THREAD))
                .count();
    }

}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.layer.InvalidChannelNameException;
import io.channels4j.layer.Subscription;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisPubSubChannelLayer} against a real Redis: two layer instances stand for two
 * processes sharing one Redis and one prefix.
 */
class RedisPubSubChannelLayerIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration NOTHING = Duration.ofMillis(300);

    private final String prefix = TestRedis.uniquePrefix().replace(':', '.');
    private final List<ChannelLayer> layers = new ArrayList<>();

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void closeLayers() {
        layers.forEach(ChannelLayer::close);
    }

    private RedisPubSubChannelLayer layer() {
        return layer(100);
    }

    private RedisPubSubChannelLayer layer(int capacity) {
        RedisPubSubChannelLayer layer = RedisPubSubChannelLayer.builder()
                .host(TestRedis.url()).prefix(prefix).capacity(capacity).build();
        layers.add(layer);
        return layer;
    }

    private static Message numbered(int n) {
        return Message.of("type", "test.message", "n", n);
    }

    private static Jedis jedis() {
        return new Jedis(URI.create(TestRedis.url()));
    }

    /** How many connections Redis says are subscribed to a pub/sub channel. */
    private static long subscribers(String channel) {
        try (Jedis jedis = jedis()) {
            Map<String, Long> counts = jedis.pubsubNumSub(channel);
            return counts.getOrDefault(channel, 0L);
        }
    }

    private static void assertNothingOn(ChannelLayer layer, String channel) throws InterruptedException {
        assertThat(layer.receive(channel, NOTHING)).isNull();
    }

    // ------------------------------------------------------------------ channels

    @Test
    void newChannel_isPythonsShape_andSubscribedBeforeItReturns() {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        assertThat(channel).matches(java.util.regex.Pattern.quote(prefix) + "specific\\.[0-9a-f]{32}").doesNotContain("!");
        assertThat(layer.newChannel("worker")).startsWith(prefix + "worker.");
        assertThat(subscribers(channel)).isEqualTo(1);
        assertThat(layer.groupChannel("room")).isEqualTo(prefix + "__group__room");
    }

    @Test
    void send_thenReceive_inOrder_withinAndAcrossInstances() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        a.send(channel, numbered(0));
        assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(0));
        for (int i = 1; i <= 20; i++) {
            b.send(channel, numbered(i));
        }
        for (int i = 1; i <= 20; i++) {
            assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(i));
        }
        assertNothingOn(a, channel);
    }

    @Test
    void messageContent_roundTripsEveryValueType() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        Message message = Message.of("type", "all.types", "s", "héllo ✓", "i", -5, "big", 1L << 40, "f", 0.5,
                "t", true, "none", null, "b", new byte[] {0, 1, (byte) 0xff}, "l", List.of(1, "two", List.of(3.0)),
                "m", Map.of("k", Map.of("deep", false)));
        layer.send(channel, message);
        assertThat(layer.receive(channel, WAIT)).isEqualTo(message);
    }

    @Test
    void wireFormat_isAPlainMsgpackPublishOnTheChannelAndGroupNames() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        String member = layer.newChannel();
        layer.groupAdd("room", member);
        try (Jedis jedis = jedis()) {
            assertThat(jedis.publish(channel.getBytes(), MessageCodec.encode(numbered(1)))).isEqualTo(1);
            assertThat(jedis.publish((prefix + "__group__room").getBytes(), MessageCodec.encode(numbered(2))))
                    .isEqualTo(1);
            jedis.publish(channel.getBytes(), new byte[] {(byte) 0xc1}); // not msgpack: dropped and counted
        }
        assertThat(layer.receive(channel, WAIT)).isEqualTo(numbered(1));
        assertThat(layer.receive(member, WAIT)).isEqualTo(numbered(2));
        await().atMost(WAIT).until(() -> layer.droppedMessages() == 1);
        try (Jedis jedis = jedis()) {
            assertThat(jedis.keys(prefix + "*")).as("nothing is stored in Redis").isEmpty();
        }
    }

    @Test
    void oneSubscriberConnectionPerShard_carriesEveryChannelAndGroup() {
        RedisPubSubChannelLayer layer = layer();
        String first = layer.newChannel();
        String second = layer.newChannel();
        layer.groupAdd("one", first);
        layer.groupAdd("two", first);
        layer.groupAdd("two", second);
        try (Jedis jedis = jedis()) {
            List<String> ours = jedis.clientList().lines()
                    .filter(line -> line.contains(" name=" + layer.clientName() + " "))
                    .filter(line -> !line.contains(" sub=0 "))
                    .toList();
            // 2 channels + 2 groups + the keep-alive channel
            assertThat(ours).hasSize(1);
            assertThat(ours.get(0)).contains(" sub=5 ");
        }
        assertThat(layer.subscriptionCount()).isEqualTo(4);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .anyMatch(name -> name.startsWith("channels4j-redis-pubsub-"));
    }

    @Test
    void receive_onAForeignName_subscribesOnDemand_andReleaseUnsubscribes() throws Exception {
        RedisPubSubChannelLayer worker = layer();
        RedisPubSubChannelLayer sender = layer();
        String jobs = prefix + "jobs";
        assertNothingOn(worker, jobs); // subscribes and stays subscribed
        assertThat(subscribers(jobs)).isEqualTo(1);
        sender.send(jobs, numbered(1));
        assertThat(worker.receive(jobs, WAIT)).isEqualTo(numbered(1));
        worker.release(jobs);
        await().atMost(WAIT).until(() -> subscribers(jobs) == 0);
        assertThat(worker.localChannelCount()).isZero();
    }

    @Test
    void invalidNamesAndPrefixes_areRejected() {
        RedisPubSubChannelLayer layer = layer();
        assertThatThrownBy(() -> layer.send("bad name", numbered(1))).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.groupSend("bad/group", numbered(1)))
                .isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.newChannel("x".repeat(70))).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.send("ok", Message.of("type", "x", "__asgi_channel__", "y")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisPubSubChannelLayer.builder().prefix("asgi:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    // ------------------------------------------------------------------ groups

    @Test
    void groupSend_reachesEveryLocalMemberOfBothInstancesOnce_andNoOneElse() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String a1 = a.newChannel();
        String a2 = a.newChannel();
        String aOutsider = a.newChannel();
        String b1 = b.newChannel();
        a.groupAdd("room", a1);
        a.groupAdd("room", a2);
        a.groupAdd("room", a2); // idempotent
        b.groupAdd("room", b1);
        assertThat(subscribers(a.groupChannel("room"))).as("one subscription per process").isEqualTo(2);

        b.groupSend("room", numbered(1));
        a.groupSend("room", numbered(2));
        for (String member : List.of(a1, a2)) {
            assertThat(a.receive(member, WAIT)).isEqualTo(numbered(1));
            assertThat(a.receive(member, WAIT)).isEqualTo(numbered(2));
            assertNothingOn(a, member);
        }
        assertThat(b.receive(b1, WAIT)).isEqualTo(numbered(1));
        assertThat(b.receive(b1, WAIT)).isEqualTo(numbered(2));
        assertNothingOn(b, b1);
        assertNothingOn(a, aOutsider);
    }

    @Test
    void groupDiscard_ignoresNonMembers_andUnsubscribesWhenTheLastLocalMemberLeaves() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String stays = a.newChannel();
        String leaves = a.newChannel();
        String foreign = b.newChannel();
        a.groupAdd("room", stays);
        a.groupAdd("room", leaves);

        a.groupDiscard("room", leaves);
        a.groupDiscard("room", leaves);
        a.groupDiscard("nobody-here", stays);
        a.groupDiscard("room", foreign);
        a.groupDiscard("room", prefix + "never-created");
        b.groupSend("room", numbered(1));
        assertThat(a.receive(stays, WAIT)).isEqualTo(numbered(1));
        assertNothingOn(a, leaves);

        String groupChannel = a.groupChannel("room");
        assertThat(subscribers(groupChannel)).isEqualTo(1);
        a.groupDiscard("room", stays);
        await().atMost(WAIT).until(() -> subscribers(groupChannel) == 0);
        assertThat(a.subscriptionCount()).isEqualTo(2); // the two channels
        b.groupSend("room", numbered(2));
        assertNothingOn(a, stays);
    }

    @Test
    void groupAdd_ofAChannelThisProcessDoesNotHave_failsClearly() {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        assertThatThrownBy(() -> b.groupAdd("room", channel))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exist in this process")
                .hasMessageContaining(channel);
        assertThat(subscribers(b.groupChannel("room"))).isZero();
    }

    // ------------------------------------------------------------------ subscribe, capacity, drops

    @Test
    void subscribe_deliversBufferedThenNewMessagesInOrder_andClosingReleasesTheChannel() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        a.groupAdd("room", channel);
        b.send(channel, numbered(1));
        assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(1));
        b.send(channel, numbered(2));
        Thread.sleep(200); // let it reach the buffer
        LinkedBlockingQueue<Message> sink = new LinkedBlockingQueue<>();
        Subscription subscription = a.subscribe(channel, sink::offer);
        b.send(channel, numbered(3));
        b.groupSend("room", numbered(4));
        for (int i = 2; i <= 4; i++) {
            assertThat(sink.poll(5, TimeUnit.SECONDS)).isEqualTo(numbered(i));
        }
        assertThatThrownBy(() -> a.receive(channel, NOTHING)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.subscribe(channel, m -> true)).isInstanceOf(IllegalStateException.class);

        subscription.close();
        subscription.close();
        await().atMost(WAIT).until(() -> subscribers(channel) == 0 && subscribers(a.groupChannel("room")) == 0);
        assertThat(a.localChannelCount()).isZero();
        assertThat(a.subscriptionCount()).isZero();
        b.send(channel, numbered(5));
        assertThat(sink.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void localBuffer_isBoundedByCapacity_andDropsAreCounted() throws Exception {
        RedisPubSubChannelLayer a = layer(3);
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        assertThat(a.capacity(channel)).isEqualTo(3);
        for (int i = 1; i <= 5; i++) {
            b.send(channel, numbered(i)); // never ChannelFull: capacity is the receiver's
        }
        await().atMost(WAIT).until(() -> a.droppedMessages() == 2);
        for (int i = 1; i <= 3; i++) {
            assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(i));
        }
        assertNothingOn(a, channel);

        // a full group member misses the group message; the other member gets it
        String other = a.newChannel();
        a.groupAdd("room", channel);
        a.groupAdd("room", other);
        for (int i = 0; i < 3; i++) {
            b.send(channel, numbered(10 + i));
        }
        b.groupSend("room", numbered(20));
        assertThat(a.receive(other, WAIT)).isEqualTo(numbered(20));
        await().atMost(WAIT).until(() -> a.droppedMessages() == 3);
        assertThat(b.droppedMessages()).isZero();
    }

    @Test
    void subscribe_aRefusingSink_dropsAndCounts() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        LinkedBlockingQueue<Message> taken = new LinkedBlockingQueue<>(1);
        Subscription subscription = a.subscribe(channel, taken::offer);
        try {
            for (int i = 1; i <= 3; i++) {
                b.send(channel, numbered(i));
            }
            await().atMost(WAIT).until(() -> a.droppedMessages() == 2);
            assertThat(taken).containsExactly(numbered(1));
        } finally {
            subscription.close();
        }
    }

    // ------------------------------------------------------------------ flush, close, reconnect, SPI

    @Test
    void flush_releasesLocalChannels_deletesNothingInRedis_andTheLayerStaysUsable() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        layer.groupAdd("room", channel);
        try (Jedis jedis = jedis()) {
            jedis.set(prefix + "unrelated-key", "kept");
        }
        try {
            layer.send(channel, numbered(1));
            Thread.sleep(200);
            layer.flush();
            assertThat(layer.localChannelCount()).isZero();
            await().atMost(WAIT).until(() -> subscribers(channel) == 0
                    && subscribers(layer.groupChannel("room")) == 0);
            try (Jedis jedis = jedis()) {
                assertThat(jedis.get(prefix + "unrelated-key")).isEqualTo("kept");
            }
            String fresh = layer.newChannel();
            layer.send(fresh, numbered(2));
            assertThat(layer.receive(fresh, WAIT)).isEqualTo(numbered(2));
        } finally {
            TestRedis.deleteKeys(prefix);
        }
    }

    @Test
    void close_wakesReceivers_stopsTheThread_andMakesLaterCallsThrow() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        CompletableFuture<Throwable> receiver = CompletableFuture.supplyAsync(() -> {
            try {
                layer.receive(channel, Duration.ofSeconds(30));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(200);
        layer.close();
        layer.close();
        assertThat(receiver.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        await().atMost(WAIT).until(() -> subscribers(channel) == 0);
        try (Jedis jedis = jedis()) {
            assertThat(jedis.clientList().lines().filter(l -> l.contains(" name=" + layer.clientName() + " ")))
                    .isEmpty();
        }
        assertThatThrownBy(() -> layer.send(channel, numbered(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(layer::newChannel).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> layer.groupAdd("g", channel)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> layer.receive(channel, NOTHING)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void subscriberConnectionKilled_reconnectsAndResubscribes() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String channel = a.newChannel();
        a.groupAdd("room", channel);
        try (Jedis jedis = jedis()) {
            String id = jedis.clientList().lines()
                    .filter(line -> line.contains(" name=" + a.clientName() + " ") && !line.contains(" sub=0 "))
                    .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ')))
                    .findFirst().orElseThrow();
            assertThat(jedis.clientKill(ClientKillParams.clientKillParams().id(id))).isEqualTo(1);
        }
        await().atMost(WAIT).until(() -> subscribers(channel) == 1 && subscribers(a.groupChannel("room")) == 1);
        b.send(channel, numbered(1));
        b.groupSend("room", numbered(2));
        assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(1));
        assertThat(a.receive(channel, WAIT)).isEqualTo(numbered(2));
    }

    @Test
    void unreachableRedis_failsWithinTheTimeout_andLeavesNothingBehind() {
        RedisPubSubChannelLayer layer = RedisPubSubChannelLayer.builder()
                .host("redis://127.0.0.1:1").prefix(prefix).timeout(Duration.ofMillis(500)).build();
        layers.add(layer);
        long start = System.nanoTime();
        assertThatThrownBy(layer::newChannel).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(layer.localChannelCount()).isZero();
        assertThat(layer.subscriptionCount()).isZero();
        assertThatThrownBy(() -> layer.send(prefix + "x", numbered(1))).isInstanceOf(ChannelLayerException.class);
        assertThatThrownBy(() -> layer.groupSend("room", numbered(1))).isInstanceOf(ChannelLayerException.class);
        layer.close();
    }

    @Test
    void concurrentConsumers_joinAndLeaveGroups_withoutLeaksOrLostMembers() throws Exception {
        RedisPubSubChannelLayer a = layer();
        RedisPubSubChannelLayer b = layer();
        String steady = a.newChannel();
        a.groupAdd("room", steady);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        String channel = a.newChannel();
                        LinkedBlockingQueue<Message> sink = new LinkedBlockingQueue<>();
                        Subscription subscription = a.subscribe(channel, sink::offer);
                        a.groupAdd("room", channel);
                        a.groupAdd("other", channel);
                        b.groupSend("room", numbered(i));
                        if (i % 2 == 0) {
                            a.groupDiscard("room", channel);
                        }
                        subscription.close();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failures).isEmpty();
        assertThat(a.localChannelCount()).isEqualTo(1);
        assertThat(a.subscriptionCount()).isEqualTo(2); // steady and the room
        await().atMost(WAIT).until(() -> subscribers(a.groupChannel("other")) == 0);
        assertThat(subscribers(a.groupChannel("room"))).isEqualTo(1);
        while (a.receive(steady, Duration.ofMillis(200)) != null) {
            // drain what the workers sent
        }
        b.groupSend("room", numbered(999));
        assertThat(a.receive(steady, WAIT)).isEqualTo(numbered(999));
    }

    @Test
    void urlConfiguration_buildsAPubSubLayerThroughTheSpi() throws Exception {
        String url = TestRedis.url().replaceFirst("^redis://", "redis-pubsub://");
        try (ChannelLayer layer = ChannelLayers.create(url + "?prefix=" + prefix + "&capacity=7")) {
            assertThat(layer).isInstanceOf(RedisPubSubChannelLayer.class);
            assertThat(((RedisPubSubChannelLayer) layer).prefix()).isEqualTo(prefix);
            assertThat(layer.capacity("x")).isEqualTo(7);
            String channel = layer.newChannel();
            layer.send(channel, Message.of("type", "hello"));
            assertThat(layer.receive(channel, WAIT)).isEqualTo(Message.of("type", "hello"));
        }
        assertThatThrownBy(() -> ChannelLayers.create(url + "?expiry=30"))
                .isInstanceOf(InvalidChannelLayerException.class).hasMessageContaining("expiry");
        assertThatThrownBy(() -> ChannelLayers.create(url + "?prefix=bad:prefix"))
                .isInstanceOf(InvalidChannelLayerException.class).hasMessageContaining("prefix");
    }
}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.Subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis killed (SIGKILL) and restarted without persistence on the same port, under live layers:
 * the {@link RedisChannelLayer} puts the group memberships of its live channels back (and only
 * those), keeps them past {@code group_expiry}, and the {@link RedisPubSubChannelLayer}
 * resubscribes its channels and groups; neither needs restarting, and no thread is added.
 */
class RedisRestartIT {

    private static final Duration LAYER_TIMEOUT = Duration.ofMillis(500);
    /** Generous: the keeper checks once a second; a loaded 2-core CI machine may be slow. */
    private static final Duration RESUME = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String KEEPER_THREAD = "channels4j-redis-groups-";

    private RedisProcess redis;
    private final List<AutoCloseable> layers = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.server();
    }

    @AfterEach
    void tearDown() {
        try {
            subscriptions.forEach(Subscription::close);
            redis.kill();
        } finally {
            RedisProcess.closeAll(layers);
            redis.close();
        }
    }

    private RedisChannelLayer layer(String prefix) {
        return layer(prefix, Duration.ofSeconds(86400), Clock.systemUTC());
    }

    private RedisChannelLayer layer(String prefix, Duration groupExpiry, Clock clock) {
        RedisChannelLayer layer = RedisChannelLayer.builder().host(redis.url()).prefix(prefix)
                .timeout(LAYER_TIMEOUT).groupExpiry(groupExpiry).clock(clock).build();
        layers.add(layer);
        return layer;
    }

    private LinkedBlockingQueue<Message> subscribe(RedisChannelLayer layer, String channel) {
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        subscriptions.add(layer.subscribe(channel, inbox::offer));
        return inbox;
    }

    // ------------------------------------------------------------------ RedisChannelLayer

    @Test
    void afterARestartWithoutPersistence_liveChannelsGetTheirGroupsBack_andNothingElse() throws Exception {
        RedisChannelLayer a = layer("restart:");
        RedisChannelLayer b = layer("restart:"); // another process: its sends go through Redis
        String alice = a.newChannel();
        String bob = a.newChannel();
        String left = a.newChannel();   // left the room before the outage
        String ended = a.newChannel();  // its consumer ended (subscription closed) without leaving
        String foreign = b.newChannel(); // b's channel, added by a: a does not own it
        LinkedBlockingQueue<Message> aliceInbox = subscribe(a, alice);
        LinkedBlockingQueue<Message> bobInbox = subscribe(a, bob);
        LinkedBlockingQueue<Message> leftInbox = subscribe(a, left);
        Subscription endedSubscription = a.subscribe(ended, m -> true);
        a.groupAdd("room", alice);
        a.groupAdd("room", bob);
        a.groupAdd("room", left);
        a.groupAdd("room", ended);
        a.groupAdd("room", foreign);
        a.groupAdd("lobby", bob, "bob");
        a.groupAdd("lobby", bob); // a plain add keeps the label, in Redis and for the re-add
        a.groupDiscard("room", left);
        endedSubscription.close();
        b.groupSend("room", Message.of("type", "chat.message", "n", 1));
        assertThat(aliceInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 1));
        assertThat(bobInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 1));
        assertThat(keeperThreads()).as("one membership keeper, in the layer that remembers").hasSize(1);
        Thread keeper = keeperThreads().getFirst();

        String runId = runId();
        redis.kill();
        assertThatThrownBy(() -> b.groupSend("room", Message.of("type", "lost")))
                .isInstanceOf(ChannelLayerException.class).hasMessageContaining("127.0.0.1:" + redis.port());
        redis.restart();
        assertThat(runId()).as("a new Redis process, empty: nothing was persisted").isNotEqualTo(runId);

        long restarted = System.nanoTime();
        await("a puts its live memberships back").atMost(RESUME).pollInterval(Duration.ofMillis(20))
                .until(() -> b.groupMembers("room").equals(Set.of(alice, bob)));
        Duration resumed = Duration.ofNanos(System.nanoTime() - restarted);
        System.out.println("RedisRestartIT: memberships back " + resumed.toMillis() + " ms after the restart");
        assertThat(b.groupLabels("lobby")).isEqualTo(Map.of(bob, "bob"));

        b.groupSend("room", Message.of("type", "chat.message", "n", 2));
        assertThat(aliceInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 2));
        assertThat(bobInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 2));
        assertThat(leftInbox.poll(200, TimeUnit.MILLISECONDS)).as("a channel that left stays out").isNull();

        // exactly channels_redis's group_add: ZADD scored by float seconds now, EXPIRE group_expiry
        try (Jedis jedis = redis.client()) {
            double now = System.currentTimeMillis() / 1000.0;
            assertThat(jedis.type("restart::group:room")).isEqualTo("zset");
            assertThat(jedis.zscore("restart::group:room", alice)).isBetween(now - 30, now + 1);
            assertThat(jedis.ttl("restart::group:room")).isBetween(86400L - 30, 86400L);
            assertThat(jedis.hgetAll("restart::labels:lobby")).isEqualTo(Map.of(bob, "bob"));
        }
        assertThat(keeperThreads()).as("the same keeper, no new thread").containsExactly(keeper);

        RedisProcess.closeAll(List.of(a, b));
        await("the keeper ends with its layer").atMost(WAIT).until(() -> keeperThreads().isEmpty());
        assertThat(keeper.isAlive()).isFalse();
    }

    @Test
    void theFirstGroupSendAfterARestart_findsTheGroupRestored_withoutWaitingForThePeriodicCheck() throws Exception {
        RedisChannelLayer a = layer("first:");
        String alice = a.newChannel();
        LinkedBlockingQueue<Message> aliceInbox = subscribe(a, alice);
        a.groupAdd("room", alice);
        a.groupSend("room", Message.of("type", "chat.message", "n", 1));
        assertThat(aliceInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 1));

        redis.kill();
        assertThatThrownBy(() -> a.groupSend("room", Message.of("type", "lost"))).isInstanceOf(ChannelLayerException.class);
        redis.restart();
        // at once: the once-a-second check has not run yet; the shard's first call after the
        // outage re-adds the memberships before its own script, so this send is not lost
        a.groupSend("room", Message.of("type", "chat.message", "n", 2));
        assertThat(aliceInbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "chat.message", "n", 2));
    }

    @Test
    void membershipsDiscardedOrFlushedWhileRedisIsDown_areNotPutBack() throws Exception {
        RedisChannelLayer a = layer("gone:");
        RedisChannelLayer flushed = layer("flushed:");
        String alice = a.newChannel();
        subscribe(a, alice);
        a.groupAdd("room", alice);
        a.groupAdd("lobby", alice);
        String carol = flushed.newChannel();
        subscribe(flushed, carol);
        flushed.groupAdd("room", carol);
        flushed.flush();
        flushed.groupAdd("kept", carol);

        redis.stop();
        // the consumer leaves while Redis is away: the call fails, the membership is still forgotten
        assertThatThrownBy(() -> a.groupDiscard("room", alice)).isInstanceOf(ChannelLayerException.class);
        redis.restart();

        await("the memberships still held are back").atMost(RESUME).pollInterval(Duration.ofMillis(20))
                .until(() -> a.groupMembers("lobby").equals(Set.of(alice))
                        && flushed.groupMembers("kept").equals(Set.of(carol)));
        assertThat(a.groupMembers("room")).isEmpty();
        assertThat(flushed.groupMembers("room")).isEmpty();
    }

    @Test
    void liveMemberships_outliveGroupExpiry_whileADeadProcessesExpire() {
        MutableClock clock = new MutableClock();
        Duration groupExpiry = Duration.ofSeconds(2); // re-added every second (real time)
        RedisChannelLayer layer = layer("expiry:", groupExpiry, clock);
        String alice = layer.newChannel();
        subscribe(layer, alice);
        layer.groupAdd("room", alice);
        String dead = "specific.deadbeef!0"; // a member some crashed process added, never refreshed
        try (Jedis jedis = redis.client()) {
            jedis.zadd("expiry::group:room", clock.millis() / 1000.0, dead);
        }
        assertThat(layer.groupMembers("room")).containsExactlyInAnyOrder(alice, dead);

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            double now = clock.millis() / 1000.0;
            await("refresh " + (i + 1)).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> score(alice) >= now);
        }
        // 3 s on the layer's clock, past the 2 s group expiry
        assertThat(layer.groupMembers("room")).containsExactly(alice);
    }

    private double score(String channel) {
        try (Jedis jedis = redis.client()) {
            Double score = jedis.zscore("expiry::group:room", channel);
            return score == null ? 0 : score;
        }
    }

    private String runId() {
        try (Jedis jedis = redis.client()) {
            return jedis.info("server").lines().filter(l -> l.startsWith("run_id:")).findFirst().orElseThrow();
        }
    }

    /** Membership keepers of layers on this test's Redis. */
    private List<Thread> keeperThreads() {
        String server = ":" + redis.port() + "/";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(KEEPER_THREAD) && t.getName().contains(server))
                .toList();
    }

    // ------------------------------------------------------------------ RedisPubSubChannelLayer

    @Test
    void pubSub_afterARestart_resubscribesChannelsAndGroups_onTheSameThread() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        RedisPubSubChannelLayer receiver = pubSub();
        RedisPubSubChannelLayer sender = pubSub();
        String channel = receiver.newChannel();
        receiver.groupAdd("room", channel);
        sender.groupSend("room", Message.of("type", "n", "n", 1));
        assertThat(receiver.receive(channel, WAIT)).isEqualTo(Message.of("type", "n", "n", 1));
        List<Thread> subscribers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("channels4j-redis-pubsub-")).toList();
        assertThat(subscribers).as("one subscriber thread per layer with subscriptions").hasSize(1);

        redis.kill();
        assertThatThrownBy(() -> sender.groupSend("room", Message.of("type", "lost")))
                .isInstanceOf(ChannelLayerException.class).hasMessageContaining("127.0.0.1:" + redis.port());
        redis.restart();

        long restarted = System.nanoTime();
        await("group sends arrive again").atMost(RESUME).pollInterval(Duration.ofMillis(50)).until(() -> {
            sender.groupSend("room", Message.of("type", "n", "n", 2));
            return Message.of("type", "n", "n", 2).equals(receiver.receive(channel, Duration.ofMillis(200)));
        });
        System.out.println("RedisRestartIT: pub/sub delivery back "
                + Duration.ofNanos(System.nanoTime() - restarted).toMillis() + " ms after the restart");
        sender.send(channel, Message.of("type", "n", "n", 3));
        Message next;
        do { // drain duplicates of n=2 from the polling above
            next = receiver.receive(channel, WAIT);
        } while (next != null && next.getInt("n") == 2);
        assertThat(next).isEqualTo(Message.of("type", "n", "n", 3));
        assertThat(subscribers.getFirst().isAlive()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("channels4j-redis-pubsub-")))
                .as("no new subscriber thread").containsExactlyElementsOf(subscribers);

        RedisProcess.closeAll(List.of(receiver, sender));
        await("the subscriber thread ends").atMost(WAIT).until(() -> !subscribers.getFirst().isAlive());
    }

    private RedisPubSubChannelLayer pubSub() {
        RedisPubSubChannelLayer layer = RedisPubSubChannelLayer.builder().host(redis.url()).prefix("ps.")
                .timeout(Duration.ofSeconds(2)).build();
        layers.add(layer);
        return layer;
    }
}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.Presence;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Presence} on {@link RedisChannelLayer} against a real Redis: two layer instances with one
 * prefix stand for two server processes, each with its own clock.
 */
class PresenceIT {

    private static final Duration GROUP_EXPIRY = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration NOTHING = Duration.ofMillis(200);

    private final String prefix = TestRedis.uniquePrefix();
    private final MutableClock clockA = new MutableClock();
    private final MutableClock clockB = new MutableClock();
    private final List<ChannelLayer> layers = new ArrayList<>();
    private RedisChannelLayer a;
    private RedisChannelLayer b;
    private Presence presenceA;
    private Presence presenceB;

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void cleanUp() {
        layers.forEach(ChannelLayer::close);
        TestRedis.deleteKeys(prefix);
    }

    private void twoProcesses() {
        a = layer(clockA);
        b = layer(clockB);
        presenceA = new Presence(a);
        presenceB = new Presence(b);
    }

    private RedisChannelLayer layer(MutableClock clock) {
        RedisChannelLayer layer = RedisChannelLayer.builder()
                .host(TestRedis.url()).prefix(prefix).groupExpiry(GROUP_EXPIRY).clock(clock).build();
        layers.add(layer);
        return layer;
    }

    @Test
    void joinsInTwoProcesses_areSeenAndAnnouncedInBoth() throws Exception {
        twoProcesses();
        String alice = a.newChannel();
        String bob = b.newChannel();
        presenceA.join("lobby", alice, "alice");
        assertThat(a.receive(alice, WAIT)).isEqualTo(event(Presence.JOIN, "alice"));

        presenceB.join("lobby", bob, "bob");
        assertThat(b.receive(bob, WAIT)).isEqualTo(event(Presence.JOIN, "bob"));
        assertThat(a.receive(alice, WAIT)).isEqualTo(event(Presence.JOIN, "bob"));
        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice", "bob");
        assertThat(presenceB.whoIsIn("lobby")).containsExactly("alice", "bob");
        assertThat(presenceB.connections("lobby")).containsOnly(Map.entry(alice, "alice"), Map.entry(bob, "bob"));
        assertThat(presenceA.whoIsIn("kitchen")).isEmpty();
    }

    @Test
    void aLeaveInOneProcess_isAnnouncedInTheOther() throws Exception {
        twoProcesses();
        String alice = a.newChannel();
        String bob = b.newChannel();
        presenceA.join("lobby", alice, "alice");
        presenceB.join("lobby", bob, "bob");
        drain(a, alice);
        drain(b, bob);

        presenceB.leave("lobby", bob, "bob");
        assertThat(a.receive(alice, WAIT)).isEqualTo(event(Presence.LEAVE, "bob"));
        assertThat(b.receive(bob, NOTHING)).isNull();
        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice");
        assertThat(a.groupMembers("lobby")).containsExactly(alice);
    }

    @Test
    void aUserConnectedToBothProcesses_isListedOnce_untilBothConnectionsLeave() {
        twoProcesses();
        String tabOnA = a.newChannel();
        String tabOnB = b.newChannel();
        presenceA.join("lobby", tabOnA, "alice");
        presenceB.join("lobby", tabOnB, "alice");
        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice");
        assertThat(presenceA.connections("lobby")).hasSize(2);
        presenceA.leave("lobby", tabOnA, "alice");
        assertThat(presenceB.whoIsIn("lobby")).containsExactly("alice");
        presenceB.leave("lobby", tabOnB, "alice");
        assertThat(presenceB.whoIsIn("lobby")).isEmpty();
    }

    @Test
    void aCrashedProcess_leavesItsUsersUntilGroupExpiry() {
        twoProcesses();
        String alice = a.newChannel();
        String ghost = b.newChannel();
        presenceA.join("lobby", alice, "alice");
        presenceB.join("lobby", ghost, "ghost");
        b.close(); // the process dies: no leave

        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice", "ghost");
        clockA.advance(GROUP_EXPIRY.minusSeconds(2));
        presenceA.refresh("lobby", alice, "alice"); // a live connection keeps itself present
        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice", "ghost");

        clockA.advance(Duration.ofSeconds(4)); // past the ghost's expiry by at least a whole second
        assertThat(presenceA.whoIsIn("lobby")).containsExactly("alice");
        try (Jedis jedis = new Jedis(URI.create(TestRedis.url()))) {
            assertThat(jedis.hgetAll(prefix + ":labels:lobby")).containsExactly(Map.entry(alice, "alice"));
        }
    }

    @Test
    void theMappingIsTheDocumentedHash_nextToTheGroup() {
        twoProcesses();
        String alice = a.newChannel();
        presenceA.join("lobby", alice, "Zoë");
        try (Jedis jedis = new Jedis(URI.create(TestRedis.url()))) {
            assertThat(jedis.type(prefix + ":group:lobby")).isEqualTo("zset");
            assertThat(jedis.zrange(prefix + ":group:lobby", 0, -1)).containsExactly(alice);
            assertThat(jedis.type(prefix + ":labels:lobby")).isEqualTo("hash");
            assertThat(jedis.hget(prefix + ":labels:lobby", alice)).isEqualTo("Zoë");
            assertThat(jedis.ttl(prefix + ":labels:lobby")).isPositive().isLessThanOrEqualTo(GROUP_EXPIRY.toSeconds());
        }
    }

    @Test
    void thePubSubLayer_isRefused() {
        RedisPubSubChannelLayer pubsub = RedisPubSubChannelLayer.builder()
                .host(TestRedis.url()).prefix(prefix.replace(':', '.')).build();
        layers.add(pubsub);
        assertThatThrownBy(() -> new Presence(pubsub))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not support group introspection");
    }

    private static Message event(String type, String user) {
        return Message.of("type", type, "room", "lobby", "user", user);
    }

    private static void drain(ChannelLayer layer, String channel) throws InterruptedException {
        while (layer.receive(channel, NOTHING) != null) {
            // discard
        }
    }
}

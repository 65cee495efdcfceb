package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.GroupIntrospection;
import io.channels4j.layer.InvalidChannelNameException;

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
 * {@link GroupIntrospection} on {@link RedisChannelLayer} against a real Redis: two layer instances
 * with one prefix stand for two processes, each with its own clock.
 */
class GroupIntrospectionIT {

    private static final Duration GROUP_EXPIRY = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final String prefix = TestRedis.uniquePrefix();
    private final MutableClock clockA = new MutableClock();
    private final MutableClock clockB = new MutableClock();
    private final List<ChannelLayer> layers = new ArrayList<>();
    private final List<String> otherDatabases = new ArrayList<>();

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void cleanUp() {
        layers.forEach(ChannelLayer::close);
        TestRedis.deleteKeys(prefix);
        for (String url : otherDatabases) {
            try (Jedis jedis = new Jedis(URI.create(url))) {
                jedis.keys(prefix + "*").forEach(jedis::del);
            }
        }
    }

    private RedisChannelLayer layer(MutableClock clock) {
        RedisChannelLayer layer = RedisChannelLayer.builder()
                .host(TestRedis.url()).prefix(prefix).groupExpiry(GROUP_EXPIRY).clock(clock).build();
        layers.add(layer);
        return layer;
    }

    private Jedis jedis() {
        return new Jedis(URI.create(TestRedis.url()));
    }

    @Test
    void theLayerAdvertisesTheExtension_thePubSubLayerDoesNot() {
        RedisChannelLayer layer = layer(clockA);
        assertThat(layer.extensions()).contains(GroupIntrospection.EXTENSION_INTROSPECTION,
                ChannelLayer.EXTENSION_GROUPS, ChannelLayer.EXTENSION_FLUSH);
        assertThat(GroupIntrospection.of(layer)).containsSame(layer);

        RedisPubSubChannelLayer pubsub = RedisPubSubChannelLayer.builder()
                .host(TestRedis.url()).prefix(prefix.replace(':', '.')).build();
        layers.add(pubsub);
        assertThat(pubsub).isNotInstanceOf(GroupIntrospection.class);
        assertThat(pubsub.extensions()).doesNotContain(GroupIntrospection.EXTENSION_INTROSPECTION);
        assertThat(GroupIntrospection.of(pubsub)).isEmpty();
        assertThatThrownBy(() -> GroupIntrospection.require(pubsub))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RedisPubSubChannelLayer cannot");
    }

    @Test
    void twoProcesses_seeTheSameMembers() {
        RedisChannelLayer a = layer(clockA);
        RedisChannelLayer b = layer(clockB);
        String onA = a.newChannel();
        String onB = b.newChannel();
        assertThat(a.groupMembers("room")).isEmpty();
        assertThat(a.groupSize("room")).isZero();

        a.groupAdd("room", onA);
        b.groupAdd("room", onB);
        b.groupAdd("room", onB); // idempotent
        b.groupAdd("other", "worker-queue");
        for (RedisChannelLayer layer : List.of(a, b)) {
            assertThat(layer.groupMembers("room")).containsExactlyInAnyOrder(onA, onB);
            assertThat(layer.groupSize("room")).isEqualTo(2);
            assertThat(layer.groupMembers("other")).containsExactly("worker-queue");
        }

        b.groupDiscard("room", onA); // any process may discard any member
        assertThat(a.groupMembers("room")).containsExactly(onB);
        assertThat(a.groupSize("room")).isEqualTo(1);
        assertThatThrownBy(() -> a.groupMembers("room").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void members_areExactlyWhomGroupSendReaches_acrossProcesses() throws Exception {
        RedisChannelLayer a = layer(clockA);
        RedisChannelLayer b = layer(clockB);
        String onA = a.newChannel();
        String onB = b.newChannel();
        a.groupAdd("room", onA);
        b.groupAdd("room", onB);
        assertThat(a.groupMembers("room")).containsExactlyInAnyOrder(onA, onB);
        a.groupSend("room", Message.of("type", "hello"));
        assertThat(a.receive(onA, WAIT)).isEqualTo(Message.of("type", "hello"));
        assertThat(b.receive(onB, WAIT)).isEqualTo(Message.of("type", "hello"));
    }

    @Test
    void expiredMemberships_areTrimmedByTheReader() {
        RedisChannelLayer a = layer(clockA);
        RedisChannelLayer b = layer(clockB);
        String early = a.newChannel();
        a.groupAdd("room", early);
        clockA.advance(Duration.ofSeconds(30));
        clockB.advance(Duration.ofSeconds(30));
        String late = a.newChannel();
        a.groupAdd("room", late);

        clockB.advance(GROUP_EXPIRY.minusSeconds(30).plusSeconds(1)); // early is past group expiry for B
        assertThat(b.groupSize("room")).isEqualTo(1);
        assertThat(b.groupMembers("room")).containsExactly(late);
        // the trim is in Redis: A, whose clock lags, no longer sees it either
        assertThat(a.groupMembers("room")).containsExactly(late);

        clockA.advance(GROUP_EXPIRY.minusSeconds(30).plusSeconds(1)); // A catches up with B
        a.groupAdd("room", late); // refresh
        clockB.advance(Duration.ofSeconds(45));
        assertThat(b.groupMembers("room")).containsExactly(late);
        clockB.advance(Duration.ofSeconds(16));
        assertThat(b.groupMembers("room")).isEmpty();
        assertThat(b.groupSize("room")).isZero();
    }

    @Test
    void labels_areSharedAndLiveWithTheMembership() {
        RedisChannelLayer a = layer(clockA);
        RedisChannelLayer b = layer(clockB);
        String alice = a.newChannel();
        String bob = b.newChannel();
        String anonymous = b.newChannel();
        a.groupAdd("room", alice, "Zoë 🎉 \"alice\"");
        b.groupAdd("room", bob, "bob");
        b.groupAdd("room", anonymous);
        assertThat(b.groupLabels("room")).containsOnly(Map.entry(alice, "Zoë 🎉 \"alice\""), Map.entry(bob, "bob"));
        assertThat(a.groupMembers("room")).containsExactlyInAnyOrder(alice, bob, anonymous);

        a.groupAdd("room", alice); // a plain add keeps the label
        b.groupAdd("room", bob, "robert"); // a labelled add replaces it
        assertThat(a.groupLabels("room")).containsOnly(Map.entry(alice, "Zoë 🎉 \"alice\""), Map.entry(bob, "robert"));

        a.groupDiscard("room", alice);
        try (Jedis jedis = jedis()) {
            String labels = prefix + ":labels:room";
            assertThat(jedis.hexists(labels, alice)).isTrue(); // deleted lazily ...
            assertThat(b.groupLabels("room")).containsOnly(Map.entry(bob, "robert"));
            assertThat(jedis.hexists(labels, alice)).isFalse(); // ... by the next read
        }
        assertThatThrownBy(() -> a.groupLabels("room").clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void keys_areTheGroupSortedSetAndALabelHashNextToIt() {
        RedisChannelLayer a = layer(clockA);
        String channel = a.newChannel();
        a.groupAdd("room", channel, "alice");
        try (Jedis jedis = jedis()) {
            assertThat(jedis.type(prefix + ":group:room")).isEqualTo("zset");
            assertThat(jedis.type(prefix + ":labels:room")).isEqualTo("hash");
            assertThat(jedis.hgetAll(prefix + ":labels:room")).containsExactly(Map.entry(channel, "alice"));
            assertThat(jedis.ttl(prefix + ":labels:room")).isBetween(GROUP_EXPIRY.toSeconds() - 5, GROUP_EXPIRY.toSeconds());
            assertThat(jedis.ttl(prefix + ":group:room")).isBetween(GROUP_EXPIRY.toSeconds() - 5, GROUP_EXPIRY.toSeconds());

            a.groupDiscard("room", channel);
            assertThat(a.groupLabels("room")).isEmpty();
            assertThat(jedis.exists(prefix + ":labels:room")).isFalse(); // the last field went with it

            a.groupAdd("room", channel, "alice");
            a.flush();
            assertThat(jedis.exists(prefix + ":labels:room")).isFalse();
            assertThat(jedis.exists(prefix + ":group:room")).isFalse();
        }
    }

    @Test
    void sharded_theLabelHashLivesOnTheGroupsShard() {
        URI uri = URI.create(TestRedis.url());
        String base = "redis://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()) + "/";
        List<String> urls = List.of(base + "13", base + "14", base + "15");
        otherDatabases.addAll(urls);
        RedisChannelLayerBuilder builder = RedisChannelLayer.builder().prefix(prefix).groupExpiry(GROUP_EXPIRY);
        urls.forEach(builder::host);
        RedisChannelLayer layer = builder.build();
        layers.add(layer);
        String channel = layer.newChannel();
        for (int i = 0; i < 12; i++) {
            String group = "room" + i;
            layer.groupAdd(group, channel, "user" + i);
            assertThat(layer.groupSize(group)).isEqualTo(1);
            assertThat(layer.groupMembers(group)).containsExactly(channel);
            assertThat(layer.groupLabels(group)).containsExactly(Map.entry(channel, "user" + i));
        }
        int withGroups = 0;
        for (String url : urls) {
            try (Jedis jedis = new Jedis(URI.create(url))) {
                for (int i = 0; i < 12; i++) {
                    boolean group = jedis.exists(prefix + ":group:room" + i);
                    assertThat(jedis.exists(prefix + ":labels:room" + i)).as("labels of room%d in %s", i, url)
                            .isEqualTo(group);
                    withGroups += group ? 1 : 0;
                }
            }
        }
        assertThat(withGroups).isEqualTo(12);
    }

    @Test
    void badNames_badLabels_andAClosedLayer_areRefused() {
        RedisChannelLayer a = layer(clockA);
        assertThatThrownBy(() -> a.groupMembers("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> a.groupSize("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> a.groupLabels("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> a.groupAdd("room", "bad channel", "x")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> a.groupAdd("room", "ok", "x".repeat(1001))).isInstanceOf(IllegalArgumentException.class);
        a.close();
        assertThatThrownBy(() -> a.groupMembers("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.groupSize("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.groupLabels("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.groupAdd("room", "ok", "x")).isInstanceOf(IllegalStateException.class);
    }
}

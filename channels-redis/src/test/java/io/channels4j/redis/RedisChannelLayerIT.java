package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.ChannelLayerContract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Channels' layer spec (the core contract kit) against a real Redis, plus Redis specifics. */
class RedisChannelLayerIT extends ChannelLayerContract {

    private final MutableClock clock = new MutableClock();
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(TestRedis::deleteKeys);
    }

    @Override
    protected ChannelLayer createLayer(Settings settings) {
        String prefix = TestRedis.uniquePrefix();
        prefixes.add(prefix);
        return RedisChannelLayer.builder()
                .host(TestRedis.url())
                .prefix(prefix)
                .capacities(settings.capacities())
                .expiry(settings.expiry())
                .groupExpiry(settings.groupExpiry())
                .clock(clock)
                .build();
    }

    @Override
    protected void advanceClock(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected boolean supportsFastClock() {
        return true;
    }

    @Test
    void urlConfiguration_buildsARedisLayerThroughTheSpi() throws Exception {
        String prefix = TestRedis.uniquePrefix();
        prefixes.add(prefix);
        try (ChannelLayer layer = ChannelLayers.create(TestRedis.url() + "?prefix=" + prefix + "&capacity=7&expiry=30")) {
            assertThat(layer).isInstanceOf(RedisChannelLayer.class);
            assertThat(layer.capacity("x")).isEqualTo(7);
            layer.send("spi-test", Message.of("type", "hello"));
            assertThat(layer.receive("spi-test", Duration.ofSeconds(5))).isEqualTo(Message.of("type", "hello"));
        }
    }

    @Test
    void keysFollowChannelsRedisShapes() throws Exception {
        RedisChannelLayer layer = (RedisChannelLayer) layer();
        String channel = layer.newChannel();
        layer.groupAdd("room", channel);
        layer.send("plain-channel", Message.of("type", "x"));
        try (var jedis = new redis.clients.jedis.Jedis(java.net.URI.create(TestRedis.url()))) {
            assertThat(jedis.exists(layer.prefix() + ":group:room")).isTrue();
            assertThat(jedis.type(layer.prefix() + ":group:room")).isEqualTo("zset");
            assertThat(jedis.exists(layer.prefix() + "plain-channel")).isTrue();
            assertThat(jedis.type(layer.prefix() + "plain-channel")).isEqualTo("zset");
            byte[] member = jedis.zrange((layer.prefix() + "plain-channel").getBytes(), 0, -1).get(0);
            assertThat(MessageCodec.decode(java.util.Arrays.copyOfRange(member, 12, member.length)))
                    .isEqualTo(Message.of("type", "x"));
        }
    }
}

package io.channels4j.redis;

import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Passwords in Redis URLs are masked wherever a URL is shown: server names (errors, logs, thread
 * names, {@code toString()}) and configuration errors, including URLs too broken to parse. No
 * network: building a layer makes no connection.
 */
class RedisUrlMaskingTest {

    private static final String SECRET = "s3cret";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://:s3cret@cache:6379/0         | redis://:***@cache:6379/0",
            "rediss://user:s3cret@cache:6380/2    | rediss://user:***@cache:6380/2",
            "redis://s3cret@cache                 | redis://***@cache:6379",
            "redis://cache:6379/0                 | redis://cache:6379/0",
            "redis://:s3cret%40x@cache:6379/0     | redis://:***@cache:6379/0",
    })
    void describe_namesTheServerWithThePasswordMasked(String url, String expected) {
        assertThat(RedisConnections.describe(RedisConnections.hostUrl(url))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://:s3cret@cache:6379/0?capacity=5   | redis://:***@cache:6379/0",
            "rediss://user:s3cret@cache/0               | rediss://user:***@cache/0",
            "redis://:s3/cr@et@cache:6379/0             | redis://:***@cache:6379/0",
            "redis://:s3 cret@cache                     | redis://:***@cache",
            "redis-sentinel://:s3cret@s1:26379,s2/mymaster | redis-sentinel://:***@s1:26379,s2/mymaster",
            "redis://cache:6379/0?symmetric_encryption_keys=s3cret | redis://cache:6379/0",
            "not a url                                  | not a url",
    })
    void mask_hidesPasswordsAndQueries_evenInUnparseableText(String url, String expected) {
        assertThat(RedisConnections.mask(url)).isEqualTo(expected);
    }

    @Test
    void toStringAndHosts_maskThePassword() {
        try (RedisChannelLayer layer = RedisChannelLayer.builder().host("rediss://user:s3cret@cache.invalid:6380/0")
                .host("redis://:s3cret@other.invalid:6379/1").build()) {
            assertThat(layer.toString()).doesNotContain(SECRET)
                    .contains("rediss://user:***@cache.invalid:6380/0", "redis://:***@other.invalid:6379/1");
            assertThat(layer.hosts()).noneMatch(h -> h.contains(SECRET));
        }
        try (ChannelLayer layer = ChannelLayers.create("redis-pubsub://:s3cret@cache.invalid:6379/0")) {
            assertThat(layer.toString()).doesNotContain(SECRET).contains("redis://:***@cache.invalid:6379/0");
        }
    }

    @Test
    void configurationErrors_neverRepeatThePassword() {
        for (String url : new String[] {
                "redis://:s3cret@cache:6379/0?capacity=zero",
                "redis://:s3cret@cache:6379/zero",
                "redis-pubsub://:s3cret@cache:6379/0?capacity=zero",
                "redis://:s3cret@cache:6379/0?hosts=redis://:s3cret@:6379",
                "redis-sentinel://:s3cret@s1:26379"}) {
            Throwable thrown = catchThrowable(() -> ChannelLayers.create(url).close());
            assertThat(thrown).as(url).isInstanceOf(RuntimeException.class);
            assertThat(thrown.getMessage()).as(url).doesNotContain(SECRET);
        }
        for (String url : new String[] {"redis://:s3cret@", "redis://:s3 cret@cache:6379", "http://:s3cret@cache"}) {
            Throwable thrown = catchThrowable(() -> RedisChannelLayer.builder().host(url));
            assertThat(thrown).as(url).isInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).as(url).doesNotContain(SECRET).contains("***");
        }
        Throwable store = catchThrowable(() -> RedisSessionStore.create("redis://:s3 cret@cache:6379"));
        assertThat(store).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.getMessage()).doesNotContain("s3 cret");
        assertThat(URI.create("redis://:s3cret@cache:6379/0").getUserInfo()).isEqualTo(":" + SECRET); // sanity
    }
}

package io.channels4j.redis;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsistentHashTest {

    /** Ring sizes of the vectors below. */
    private static final int[] RINGS = {2, 3, 4, 5, 7, 16, 100};

    /** Produced by channels_redis.utils._consistent_hash (channels_redis 4.0, /usr/bin/python3). */
    private static final Map<String, int[]> PYTHON = new LinkedHashMap<>();

    static {
        PYTHON.put("chat", new int[] {0, 0, 0, 0, 1, 2, 16});
        PYTHON.put("lobby", new int[] {0, 1, 1, 1, 2, 5, 37});
        PYTHON.put("specific.abc!", new int[] {1, 2, 3, 4, 6, 14, 89});
        PYTHON.put("", new int[] {0, 0, 0, 0, 0, 0, 0});
        PYTHON.put("room-42", new int[] {1, 2, 2, 3, 5, 11, 71});
        PYTHON.put("group\u00e9", new int[] {0, 1, 1, 2, 2, 6, 40});
        PYTHON.put("specific.0123456789abcdef0123456789abcdef!", new int[] {0, 1, 1, 1, 2, 5, 34});
        PYTHON.put("asgi:group:chat", new int[] {1, 2, 2, 3, 5, 11, 74});
        PYTHON.put("\uD83C\uDF89", new int[] {1, 1, 2, 2, 3, 8, 51});
    }

    @Test
    void referenceNotesVectorsForThreeShards() {
        assertThat(ConsistentHash.shard("chat", 3)).isZero();
        assertThat(ConsistentHash.shard("lobby", 3)).isEqualTo(1);
        assertThat(ConsistentHash.shard("specific.abc!", 3)).isEqualTo(2);
    }

    @Test
    void matchesPythonForManyRingSizes() {
        PYTHON.forEach((name, expected) -> {
            for (int i = 0; i < RINGS.length; i++) {
                assertThat(ConsistentHash.shard(name, RINGS[i]))
                        .as("shard(%s, %d)", name, RINGS[i]).isEqualTo(expected[i]);
            }
        });
    }

    @Test
    void singleShardIsAlwaysZero() {
        assertThat(ConsistentHash.shard("anything", 1)).isZero();
        assertThat(ConsistentHash.shard("specific.abc!", 1)).isZero();
    }

    @Test
    void resultIsAlwaysInRange() {
        for (int ring = 1; ring <= 64; ring++) {
            for (int i = 0; i < 500; i++) {
                assertThat(ConsistentHash.shard("channel-" + i, ring)).isBetween(0, ring - 1);
            }
        }
        assertThat(ConsistentHash.shard("x", 10_000)).isBetween(0, 9_999);
    }

    @Test
    void rejectsBadRingSizeAndNull() {
        assertThatThrownBy(() -> ConsistentHash.shard("x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ConsistentHash.shard("x", -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsistentHash.shard(null, 3)).isInstanceOf(NullPointerException.class);
    }
}

package io.channels4j.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One instance for strings that repeat across connections. */
class StringCacheTest {

    private final StringCache cache = new StringCache(64);

    @Test
    void equalStrings_comeBackAsTheFirstInstance() {
        String first = new String("127.0.0.1:8000");
        String second = new String("127.0.0.1:8000");

        assertThat(cache.dedup(first)).isSameAs(first);
        assertThat(cache.dedup(second)).isSameAs(first);
    }

    @Test
    void aCollidingString_takesTheSlot_andNothingIsEverWrong() {
        // "Aa" and "BB" share a hash code, so they share a slot
        String aa = new String("Aa");
        String bb = new String("BB");

        assertThat(cache.dedup(aa)).isSameAs(aa);
        assertThat(cache.dedup(bb)).isSameAs(bb);
        assertThat(cache.dedup(new String("Aa"))).isEqualTo("Aa").isNotSameAs(aa);
        assertThat(cache.dedup(new String("BB"))).isEqualTo("BB").isNotSameAs(bb);
    }

    @Test
    void longStringsAndNull_passThrough() {
        String longer = "x".repeat(StringCache.MAX_LENGTH + 1);

        cache.dedup(longer);

        assertThat(cache.dedup(new String(longer))).isNotSameAs(longer);
        assertThat(cache.dedup(null)).isNull();
    }

    @Test
    void size_mustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new StringCache(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size must be a power of two, was 100");
        assertThatThrownBy(() -> new StringCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

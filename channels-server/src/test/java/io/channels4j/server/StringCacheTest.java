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

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void bytes_shareTheSlotsOfEqualStrings_lowerCasedWhenAsked() {
        byte[] head = latin1("GET / HTTP/1.1\r\nSec-WebSocket-Key: x");
        String name = cache.dedup(head, 16, 33, true);

        assertThat(name).isEqualTo("sec-websocket-key");
        assertThat(cache.dedup(latin1("sec-WEBSOCKET-key"), 0, 17, true)).isSameAs(name);
        assertThat(cache.dedup(new String("sec-websocket-key"))).isSameAs(name);
        assertThat(cache.dedup(latin1("Sec-WebSocket-Key"), 0, 17, false)).isEqualTo("Sec-WebSocket-Key");
    }

    @Test
    void bytes_keepLatin1AndCollisions_right() {
        String caf = cache.dedup(latin1("Caf\u00e9"), 0, 4, true);
        assertThat(caf).isEqualTo("caf\u00e9");
        assertThat(cache.dedup(latin1("caf\u00e9"), 0, 4, false)).isSameAs(caf);
        // "Aa" and "BB" share a hash code: the slot holds the last, and each call still returns its own text
        assertThat(cache.dedup(latin1("Aa"), 0, 2, false)).isEqualTo("Aa");
        assertThat(cache.dedup(latin1("BB"), 0, 2, false)).isEqualTo("BB");
        assertThat(cache.dedup(latin1("Aa"), 0, 2, false)).isEqualTo("Aa");
        String longer = "x".repeat(StringCache.MAX_LENGTH + 1);
        String first = cache.dedup(latin1(longer), 0, longer.length(), false);
        assertThat(cache.dedup(latin1(longer), 0, longer.length(), false)).isEqualTo(longer).isNotSameAs(first);
    }

    @Test
    void size_mustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new StringCache(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size must be a power of two, was 100");
        assertThatThrownBy(() -> new StringCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

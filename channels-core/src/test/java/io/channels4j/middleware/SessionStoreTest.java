package io.channels4j.middleware;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link InMemorySessionStore}, the default {@link SessionStore}. */
class SessionStoreTest {

    /** A clock that moves only when told to. Thread-safe. */
    static final class MovingClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final InMemorySessionStore store = new InMemorySessionStore(3, clock);

    @Test
    void saveThenLoad_returnsTheData() {
        store.save("k1", Map.of("a", 1, "b", List.of("x", "y")), Duration.ofMinutes(5));

        assertThat(store.load("k1")).isEqualTo(Map.of("a", 1L, "b", List.of("x", "y")));
    }

    @Test
    void unknownKey_loadsNull() {
        assertThat(store.load("nope")).isNull();
    }

    @Test
    void expiresAfterTtl_onTheClock() {
        store.save("k1", Map.of("a", "b"), Duration.ofMinutes(5));

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(store.load("k1")).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.load("k1")).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void saveAgain_extendsLifetime() {
        store.save("k1", Map.of("v", 1), Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(4));
        store.save("k1", Map.of("v", 2), Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(4));

        assertThat(store.load("k1")).isEqualTo(Map.of("v", 2L));
    }

    @Test
    void delete_forgets_andUnknownDeleteIsQuiet() {
        store.save("k1", Map.of(), Duration.ofMinutes(5));
        store.delete("k1");
        store.delete("never-there");

        assertThat(store.load("k1")).isNull();
    }

    @Test
    void bound_dropsLeastRecentlyUsed() {
        store.save("k1", Map.of(), Duration.ofMinutes(5));
        store.save("k2", Map.of(), Duration.ofMinutes(5));
        store.save("k3", Map.of(), Duration.ofMinutes(5));
        store.load("k1");                                   // k2 is now the least recently used

        store.save("k4", Map.of(), Duration.ofMinutes(5));

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.load("k2")).isNull();
        assertThat(store.load("k1")).isNotNull();
        assertThat(store.load("k4")).isNotNull();
    }

    @Test
    void save_purgesExpiredLeastRecentlyUsed() {
        store.save("old", Map.of(), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(2));

        store.save("new", Map.of(), Duration.ofMinutes(1));

        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void savedData_isACopy_unaffectedByTheCaller() {
        Map<String, Object> data = new HashMap<>();
        List<Object> list = new ArrayList<>(List.of("a"));
        data.put("list", list);
        store.save("k1", data, Duration.ofMinutes(5));

        data.put("other", 1);
        list.add("b");

        assertThat(store.load("k1")).isEqualTo(Map.of("list", List.of("a")));
        assertThatThrownBy(() -> store.load("k1").put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullValues_kept() {
        Map<String, Object> data = new HashMap<>();
        data.put("nothing", null);
        store.save("k1", data, Duration.ofMinutes(5));

        assertThat(store.load("k1")).containsEntry("nothing", null);
    }

    @Test
    void badArguments_rejectedWithTheValue() {
        assertThatThrownBy(() -> new InMemorySessionStore(0, clock)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> store.save("k", Map.of(), Duration.ZERO)).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> store.save("k", Map.of("when", Instant.EPOCH), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'when'")
                .hasMessageContaining("java.time.Instant");
    }

    @Test
    void newKey_32LowercaseAlphanumerics_unique() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = store.newKey();
            assertThat(key).matches("[a-z0-9]{32}");
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void concurrentSavesAndLoads_fromManyThreads() throws Exception {
        InMemorySessionStore big = new InMemorySessionStore();
        List<Thread> threads = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 16; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().name("sessions-" + t).start(() -> {
                for (int i = 0; i < 200; i++) {
                    String key = "t" + id + "-" + i;
                    big.save(key, Map.of("i", i), Duration.ofMinutes(1));
                    if (!Map.of("i", (long) i).equals(big.load(key))) {
                        errors.add(key);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(big.size()).isEqualTo(16 * 200);
    }
}

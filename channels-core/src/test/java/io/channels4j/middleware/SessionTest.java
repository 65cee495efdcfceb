package io.channels4j.middleware;

import io.channels4j.Scope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTest {

    /** Records every store call. */
    static class RecordingStore implements SessionStore {
        final InMemorySessionStore delegate = new InMemorySessionStore();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, Object> load(String key) {
            calls.add("load " + key);
            return delegate.load(key);
        }

        @Override
        public void save(String key, Map<String, Object> data, Duration ttl) {
            calls.add("save " + key);
            delegate.save(key, data, ttl);
        }

        @Override
        public void delete(String key) {
            calls.add("delete " + key);
            delegate.delete(key);
        }
    }

    private static final Duration TTL = Duration.ofMinutes(10);
    private final RecordingStore store = new RecordingStore();

    private String storedSession(Map<String, Object> data) {
        String key = store.newKey();
        store.delegate.save(key, data, TTL);
        return key;
    }

    @Test
    void loadsLazily_onFirstUse_once() {
        String key = storedSession(Map.of("a", "b"));
        Session session = new Session(store, key, TTL);

        assertThat(store.calls).isEmpty();
        assertThat(session.get("a")).isEqualTo("b");
        assertThat(session.get("missing")).isNull();
        assertThat(store.calls).containsExactly("load " + key);
        assertThat(session.key()).isEqualTo(key);
        assertThat(session.isModified()).isFalse();
    }

    @Test
    void put_normalizesAndCopies_marksModified() {
        Session session = new Session(store, null, TTL);
        List<Object> tags = new ArrayList<>(List.of("x"));
        Map<String, Object> nested = new HashMap<>(Map.of("n", 1));
        nested.put("tags", tags);

        session.put("count", 3);
        session.put("ratio", 0.5f);
        session.put("nested", nested);
        tags.add("y");

        assertThat(session.isModified()).isTrue();
        assertThat(session.get("count")).isEqualTo(3L);
        assertThat(session.get("count", Long.class, 0L)).isEqualTo(3L);
        assertThat(session.get("absent", Long.class, 7L)).isEqualTo(7L);
        assertThat(session.get("ratio")).isEqualTo(0.5d);
        assertThat(session.get("nested")).isEqualTo(Map.of("n", 1L, "tags", List.of("x")));
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) session.get("nested");
        assertThatThrownBy(() -> read.put("z", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void put_unsupportedType_namesThePath() {
        Session session = new Session(store, null, TTL);

        assertThatThrownBy(() -> session.put("cart", Map.of("items", List.of(new Object()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cart.items[0]'");
        assertThatThrownBy(() -> session.put("x", Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> session.put("x", new byte[1])).hasMessageContaining("'x'");
        assertThat(session.isModified()).isFalse();
    }

    @Test
    void get_wrongType_failsLoudly() {
        Session session = new Session(store, null, TTL);
        session.put("n", "text");

        assertThatThrownBy(() -> session.get("n", Long.class, 0L)).isInstanceOf(ClassCastException.class);
    }

    @Test
    void save_newSession_getsKey_andStores() {
        Session session = new Session(store, null, TTL);
        session.put("a", 1);

        session.save();

        assertThat(session.key()).matches("[a-z0-9]{32}");
        assertThat(session.isModified()).isFalse();
        assertThat(store.delegate.load(session.key())).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void unknownOrExpiredKey_neverReused() {
        Session session = new Session(store, "abcdefghijklmnopqrstuvwxyz012345", TTL);

        session.put("a", 1);
        session.save();

        assertThat(session.key()).isNotEqualTo("abcdefghijklmnopqrstuvwxyz012345");
        assertThat(store.delegate.load("abcdefghijklmnopqrstuvwxyz012345")).isNull();
    }

    @Test
    void remove_marksModifiedOnlyWhenPresent() {
        Session session = new Session(store, storedSession(Map.of("a", 1)), TTL);

        assertThat(session.remove("b")).isNull();
        assertThat(session.isModified()).isFalse();
        assertThat(session.remove("a")).isEqualTo(1L);
        assertThat(session.isModified()).isTrue();
        assertThat(session.isEmpty()).isTrue();
    }

    @Test
    void clear_keepsKey_flushDropsKeyAndStoredCopy() {
        String key = storedSession(Map.of("a", 1));
        Session cleared = new Session(store, key, TTL);
        cleared.clear();
        assertThat(cleared.key()).isEqualTo(key);
        assertThat(cleared.isEmpty()).isTrue();
        assertThat(cleared.isModified()).isTrue();
        assertThat(cleared.isEmptyAndUnsaved()).isFalse();

        Session flushed = new Session(store, key, TTL);
        flushed.flush();

        assertThat(flushed.key()).isNull();
        assertThat(flushed.isEmpty()).isTrue();
        assertThat(flushed.isModified()).isTrue();
        assertThat(flushed.isEmptyAndUnsaved()).isTrue();
        assertThat(store.delegate.load(key)).isNull();
        assertThat(store.calls).containsExactly("delete " + key);
    }

    @Test
    void cycleKey_keepsValues_underNewKey_deletesOld() {
        String key = storedSession(Map.of("cart", "3 items"));
        Session session = new Session(store, key, TTL);

        session.cycleKey();

        assertThat(session.key()).isNotEqualTo(key).matches("[a-z0-9]{32}");
        assertThat(session.get("cart")).isEqualTo("3 items");
        assertThat(store.delegate.load(key)).isNull();
        assertThat(store.delegate.load(session.key())).isEqualTo(Map.of("cart", "3 items"));
        assertThat(session.isModified()).isTrue();
    }

    @Test
    void asMapAndKeySet_areSnapshots() {
        Session session = new Session(store, null, TTL);
        session.put("a", 1);
        Map<String, Object> snapshot = session.asMap();
        session.put("b", 2);

        assertThat(snapshot).containsOnlyKeys("a");
        assertThat(session.keySet()).containsExactly("a", "b");
        assertThat(session.containsKey("b")).isTrue();
    }

    @Test
    void storeMakingBadKeys_rejected() {
        SessionStore bad = new RecordingStore() {
            @Override
            public String newKey() {
                return "has spaces";
            }
        };
        Session session = new Session(bad, null, TTL);

        assertThatThrownBy(session::save).isInstanceOf(SessionStoreException.class).hasMessageContaining("newKey()");
    }

    @Test
    void toString_showsNeitherKeyNorValues() {
        Session session = new Session(store, null, TTL);
        session.put("secret", "hunter2");
        session.save();

        assertThat(session.toString()).doesNotContain("hunter2").doesNotContain(session.key()).doesNotContain("secret");
    }

    @Test
    void of_withoutSessionMiddleware_explains() {
        assertThatThrownBy(() -> Session.of(Scope.websocket("/")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SessionMiddleware");
    }

    @Test
    void concurrentPuts_fromTwoThreads_allKept() throws Exception {
        Session session = new Session(store, null, TTL);
        Thread a = Thread.ofVirtual().name("consumer").start(() -> {
            for (int i = 0; i < 500; i++) {
                session.put("a" + i, i);
            }
        });
        Thread b = Thread.ofVirtual().name("response").start(() -> {
            for (int i = 0; i < 500; i++) {
                session.put("b" + i, i);
                session.asMap();
            }
        });
        a.join();
        b.join();

        assertThat(session.keySet()).hasSize(1000);
    }
}

package io.channels4j.middleware;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sessions in this process's memory, Django's {@code locmem} cache sessions: the default store, fine
 * for one server and for tests; sessions vanish on restart and are not shared between servers (use
 * {@code RedisSessionStore} from {@code channels-redis} for that).
 *
 * <p>Bounded: past {@code maxSessions} the least recently used session is dropped. A session
 * expires its time to live after its last save, measured on the injected {@link Clock}; expired
 * sessions are never returned and are removed lazily.
 *
 * <p><b>Threading.</b> Thread-safe; every operation holds one lock briefly (no I/O). Values are
 * copied in, so stored sessions never share objects with callers.
 */
public final class InMemorySessionStore implements SessionStore {

    /** The default bound on stored sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 10_000;

    private record Entry(Map<String, Object> data, Instant expiresAt) {
    }

    private final int maxSessions;
    private final Clock clock;
    /** In access order: the head is the least recently used. Guarded by itself. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /** A store of at most {@value #DEFAULT_MAX_SESSIONS} sessions on the system clock. */
    public InMemorySessionStore() {
        this(DEFAULT_MAX_SESSIONS, Clock.systemUTC());
    }

    /**
     * A store with a bound and a clock.
     *
     * @param maxSessions how many sessions to keep, at least 1
     * @param clock       measures time to live (a fake one in tests)
     */
    public InMemorySessionStore(int maxSessions, Clock clock) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, was " + maxSessions);
        }
        this.maxSessions = maxSessions;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Map<String, Object> load(String key) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        synchronized (sessions) {
            Entry entry = sessions.get(key);
            if (entry == null) {
                return null;
            }
            if (!now.isBefore(entry.expiresAt())) {
                sessions.remove(key);
                return null;
            }
            return entry.data();
        }
    }

    @Override
    public void save(String key, Map<String, Object> data, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("session ttl must be positive, was " + ttl);
        }
        Map<String, Object> copy = SessionValues.copyMap("", data);
        Instant now = clock.instant();
        synchronized (sessions) {
            sessions.put(key, new Entry(copy, now.plus(ttl)));
            Iterator<Entry> eldest = sessions.values().iterator();
            while (eldest.hasNext() && sessions.size() > 1) {
                Entry e = eldest.next();
                if (sessions.size() > maxSessions || !now.isBefore(e.expiresAt())) {
                    eldest.remove();
                } else {
                    break;
                }
            }
        }
    }

    @Override
    public void delete(String key) {
        Objects.requireNonNull(key, "key");
        synchronized (sessions) {
            sessions.remove(key);
        }
    }

    /** @return the number of sessions held, expired ones not yet removed included */
    public int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Removes every session. */
    public void clear() {
        synchronized (sessions) {
            sessions.clear();
        }
    }

    @Override
    public String toString() {
        return "InMemorySessionStore[max " + maxSessions + "]";
    }
}

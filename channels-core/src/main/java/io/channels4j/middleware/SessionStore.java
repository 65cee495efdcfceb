package io.channels4j.middleware;

import java.time.Duration;
import java.util.Map;

/**
 * Where session data lives between connections, Django's session engine: {@link InMemorySessionStore}
 * (the default, one process), {@code RedisSessionStore} in {@code channels-redis} (shared by every
 * server), or your own. A store maps a session key to a map of values and forgets it after its
 * time to live.
 *
 * <p>Values are what {@link Session} accepts and JSON carries: {@code null}, {@link Boolean},
 * {@link Long} (smaller integers are widened), {@link Double}, {@link String}, and {@link java.util.List}s
 * and {@link Map}s (String keys) of those. A store may return other numeric or collection types
 * (a JSON parser's); the session normalizes them.
 *
 * <p><b>Threading.</b> One store serves every connection: its methods are called concurrently,
 * from connection threads, and must be thread-safe. They may block (network I/O is fine: the
 * callers are virtual threads). Failures are reported as {@link SessionStoreException}.
 */
public interface SessionStore {

    /**
     * Reads a session.
     *
     * @param key the session key
     * @return the data, or null if there is no such session or it has expired
     * @throws SessionStoreException if the store cannot be read
     */
    Map<String, Object> load(String key);

    /**
     * Creates or replaces a session.
     *
     * @param key  the session key
     * @param data the values, not modified by the store (copy what you keep)
     * @param ttl  how long to keep it from now; positive
     * @throws SessionStoreException if the store cannot be written
     */
    void save(String key, Map<String, Object> data, Duration ttl);

    /**
     * Forgets a session; nothing happens if there is none.
     *
     * @param key the session key
     * @throws SessionStoreException if the store cannot be written
     */
    void delete(String key);

    /**
     * Makes a key for a new session. The default is 32 random characters from {@code [a-z0-9]}
     * (about 165 bits, from {@link java.security.SecureRandom}), so collisions are not checked.
     * An override must return 1 to 256 characters from {@code [A-Za-z0-9_-]}.
     *
     * @return a fresh key
     */
    default String newKey() {
        return SessionIds.newId();
    }
}

package io.channels4j.middleware;

import io.channels4j.Scope;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One connection's session, Django's {@code request.session} / Channels' {@code scope["session"]}:
 * a map of JSON-like values kept in a {@link SessionStore} under a random key that the browser
 * holds in a signed cookie. {@link SessionMiddleware} creates it; get it with
 * {@link #of(Scope) Session.of(scope())}.
 *
 * <pre>{@code
 * Session session = Session.of(scope());
 * long visits = session.get("visits", Long.class, 0L) + 1;
 * session.put("visits", visits);
 * session.save();        // WebSocket code saves explicitly; HTTP responses save for you
 * }</pre>
 *
 * <p>Values: {@code null}, {@link Boolean}, integers (read back as {@link Long}), {@link Double},
 * {@link String}, and {@link java.util.List}s and {@link Map}s (String keys) of those; they are copied on
 * {@link #put} and read back unmodifiable. The data is loaded from the store on first use, so a
 * connection that never touches its session costs no store access.
 *
 * <p><b>Saving.</b> On HTTP, {@link SessionMiddleware} saves a {@linkplain #isModified() modified}
 * session when the response starts and sets the cookie. On WebSocket there is no response to carry
 * a cookie: call {@link #save()} yourself after changing the session (Channels' rule); the browser
 * already holds the cookie when the session came from an HTTP page. Saves replace the stored data
 * as a whole: with two connections on one session, the last save wins.
 *
 * <p><b>Threading.</b> Thread-safe (every method locks the session), so a consumer's thread and the
 * thread that sends its HTTP response may share it. Methods that load or write call the store and
 * may block.
 */
public final class Session {

    private final SessionStore store;
    private final Duration maxAge;
    private String key;
    private Map<String, Object> data;
    private boolean modified;

    /**
     * @param store  where the data lives
     * @param key    the verified key from the cookie, or null for a new session
     * @param maxAge the time to live given to the store on save
     */
    Session(SessionStore store, String key, Duration maxAge) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = key;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /**
     * The session of a connection.
     *
     * @param scope the connection's scope
     * @return its session
     * @throws IllegalStateException if no {@link SessionMiddleware} wraps the application
     */
    public static Session of(Scope scope) {
        Session session = scope.get(SessionMiddleware.SESSION);
        if (session == null) {
            throw new IllegalStateException("no session in the scope: wrap the application in SessionMiddleware "
                    + "(SessionMiddlewareStack.wrap or AuthMiddlewareStack.wrap)");
        }
        return session;
    }

    /**
     * The key the session is stored under (the cookie holds it, signed). Treat it like a password:
     * whoever has it has the session.
     *
     * @return the key, or null while the session has never been saved
     */
    public synchronized String key() {
        return key;
    }

    /**
     * A value.
     *
     * @param name the value's name
     * @return the value, or null if absent
     */
    public synchronized Object get(String name) {
        return data().get(name);
    }

    /**
     * A typed value with a default.
     *
     * @param name         the value's name
     * @param type         its expected type ({@code Long.class} for integers)
     * @param defaultValue returned when the value is absent or null
     * @param <T>          the type
     * @return the value or the default
     * @throws ClassCastException if the value has another type
     */
    public synchronized <T> T get(String name, Class<T> type, T defaultValue) {
        Object value = data().get(name);
        return value == null ? defaultValue : type.cast(value);
    }

    /**
     * Whether a value is present.
     *
     * @param name the value's name
     * @return true if present (possibly null)
     */
    public synchronized boolean containsKey(String name) {
        return data().containsKey(name);
    }

    /**
     * Sets a value and marks the session modified.
     *
     * @param name  the value's name
     * @param value a JSON-like value (see the class comment), copied
     * @throws IllegalArgumentException if the value has a type a session cannot hold
     */
    public synchronized void put(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Object copy = SessionValues.normalize(name, value);
        data().put(name, copy);
        modified = true;
    }

    /**
     * Removes a value; marks the session modified if it was present.
     *
     * @param name the value's name
     * @return the removed value, or null
     */
    public synchronized Object remove(String name) {
        Map<String, Object> values = data();
        if (!values.containsKey(name)) {
            return null;
        }
        modified = true;
        return values.remove(name);
    }

    /** Removes every value and marks the session modified; the key stays (see {@link #flush()}). */
    public synchronized void clear() {
        data = new LinkedHashMap<>();
        modified = true;
    }

    /** @return true if the session holds no values */
    public synchronized boolean isEmpty() {
        return data().isEmpty();
    }

    /** @return the names of the values, a snapshot */
    public synchronized Set<String> keySet() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(data().keySet()));
    }

    /** @return every value, an unmodifiable snapshot */
    public synchronized Map<String, Object> asMap() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(data()));
    }

    /** @return true if the session changed since it was loaded or last saved */
    public synchronized boolean isModified() {
        return modified;
    }

    /** @return how long the store keeps the session after a save, and the cookie's lifetime */
    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Writes the session to the store, giving it a key first if it has none.
     *
     * @throws SessionStoreException if the store fails
     */
    public synchronized void save() {
        Map<String, Object> values = data();
        if (key == null) {
            key = newKey();
        }
        store.save(key, Collections.unmodifiableMap(new LinkedHashMap<>(values)), maxAge);
        modified = false;
    }

    /**
     * Deletes the session: its values are removed, the stored copy is deleted and the key is
     * dropped, so the next save makes a new one (Django's {@code flush}, as on logout). On HTTP the
     * middleware then deletes the cookie.
     *
     * @throws SessionStoreException if the store fails
     */
    public synchronized void flush() {
        data = new LinkedHashMap<>();
        if (key != null) {
            store.delete(key);
            key = null;
        }
        modified = true;
    }

    /**
     * Keeps the values under a new key: saves them under the new key and deletes the old one, so a
     * key someone else may know stops working (Django's {@code cycle_key}; login calls it).
     *
     * @throws SessionStoreException if the store fails
     */
    public synchronized void cycleKey() {
        Map<String, Object> values = data();
        String old = key;
        key = newKey();
        store.save(key, Collections.unmodifiableMap(new LinkedHashMap<>(values)), maxAge);
        if (old != null) {
            store.delete(old);
        }
        modified = true;
    }

    /** @return true if the session has neither a key nor values (the middleware then deletes the cookie) */
    synchronized boolean isEmptyAndUnsaved() {
        return key == null && data().isEmpty();
    }

    private String newKey() {
        String fresh = store.newKey();
        if (!SessionIds.isWellFormed(fresh)) {
            throw new SessionStoreException(store.getClass().getName()
                    + ".newKey() must return 1..256 characters of [A-Za-z0-9_-]");
        }
        return fresh;
    }

    private Map<String, Object> data() {
        if (data == null) {
            Map<String, Object> stored = key == null ? null : store.load(key);
            if (stored == null) {
                // Unknown or expired: start afresh under a new key, never under one the client chose.
                key = null;
                data = new LinkedHashMap<>();
            } else {
                data = new LinkedHashMap<>(SessionValues.copyMap("", stored));
            }
        }
        return data;
    }

    @Override
    public synchronized String toString() {
        return "Session[" + (data == null ? "not loaded" : data.size() + " values") + (modified ? ", modified" : "")
                + "]";
    }
}

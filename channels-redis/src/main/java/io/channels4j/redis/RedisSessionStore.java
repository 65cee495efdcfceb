package io.channels4j.redis;

import io.channels4j.Json;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.middleware.SessionStore;
import io.channels4j.middleware.SessionStoreException;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.Pool;

/**
 * Sessions in Redis, shared by every server that uses the same Redis and prefix: Django's cache
 * session backend on a Redis cache. Use it with {@code SessionMiddleware} and the same secret on
 * every server.
 *
 * <pre>{@code
 * RedisSessionStore sessions = RedisSessionStore.create("redis://127.0.0.1:6379/0");
 * Application websocket = AuthMiddlewareStack.wrap(router, sessions, secret, accounts::byId);
 * }</pre>
 *
 * <p><b>Format.</b> One string key per session, {@code <prefix><session key>} (default prefix
 * {@value #DEFAULT_PREFIX}), holding the values as a UTF-8 JSON object, written with
 * {@code SET ... PX <ttl>} so Redis forgets it when its time to live runs out; {@code GET} reads,
 * {@code DEL} deletes. Readable with {@code redis-cli GET}. A value that is not a JSON object is
 * treated as no session (logged without the key).
 *
 * <p><b>Lifecycle and threading.</b> Thread-safe; each call borrows a pooled connection (default
 * 16) and may block up to the timeout (default 2 s). Failures become {@link SessionStoreException}
 * naming the Redis server. {@link #close()} closes the pool; call it when the application stops.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "channels4j:session:";

    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final int DEFAULT_POOL_SIZE = 16;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final Pool<Jedis> pool;
    private final String prefix;
    private final String name;

    /**
     * A store over a connection pool, which it then owns and closes.
     *
     * @param pool   the connections
     * @param prefix the key prefix, e.g. {@value #DEFAULT_PREFIX}
     * @param name   names the server in errors, e.g. {@code redis://cache:6379/0}
     */
    public RedisSessionStore(Pool<Jedis> pool, String prefix, String name) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * A store for a Redis URL with the default prefix, pool size and timeout.
     *
     * @param url {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...} for TLS
     * @return the store
     */
    public static RedisSessionStore create(String url) {
        return create(url, DEFAULT_PREFIX);
    }

    /**
     * A store for a Redis URL and key prefix.
     *
     * @param url    {@code redis://...} or {@code rediss://...}; for TLS, the server's certificate
     *               must chain to the JVM's trust store, or to the PEM file of
     *               {@code ?ssl_ca_certs=/path/ca.pem} (the only query parameter), and name the host
     * @param prefix the key prefix, so several applications can share a database
     * @return the store
     * @throws IllegalArgumentException if the URL is not a {@code redis} or {@code rediss} URL
     */
    public static RedisSessionStore create(String url, String prefix) {
        URI uri;
        SSLContext tls;
        try {
            int query = url.indexOf('?');
            uri = RedisConnections.hostUrl(query < 0 ? url : url.substring(0, query));
            Map<String, String> settings = ChannelLayers.parseQuery(query < 0 ? null : url.substring(query + 1));
            if (!Set.of(RedisTls.CA_CERTS).containsAll(settings.keySet())) {
                throw new IllegalArgumentException("the only query parameter is " + RedisTls.CA_CERTS + ", was '"
                        + RedisConnections.mask(url) + "'");
            }
            tls = RedisTls.fromCaCertsSetting(settings.get(RedisTls.CA_CERTS));
        } catch (IllegalArgumentException | InvalidChannelLayerException e) {
            throw new IllegalArgumentException("a session store URL looks like redis://host:6379/0: " + e.getMessage(), e);
        }
        return new RedisSessionStore(RedisConnections.pool(uri, DEFAULT_TIMEOUT, null, DEFAULT_POOL_SIZE,
                "channels4j-sessions", tls), prefix, RedisConnections.describe(uri));
    }

    @Override
    public Map<String, Object> load(String key) {
        String json = call("load", jedis -> jedis.get(prefix + key));
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, MAP);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            log.warn("ignoring a session in {} under prefix {} that is not a JSON object", name, prefix);
            return null;
        }
    }

    @Override
    public void save(String key, Map<String, Object> data, Duration ttl) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("session ttl must be at least 1 ms, was " + ttl);
        }
        String json = Json.stringify(data);
        call("save", jedis -> jedis.set(prefix + key, json, SetParams.setParams().px(ttl.toMillis())));
    }

    @Override
    public void delete(String key) {
        call("delete", jedis -> jedis.del(prefix + key));
    }

    /** @return the key prefix */
    public String prefix() {
        return prefix;
    }

    private <T> T call(String operation, Function<Jedis, T> command) {
        try {
            return attempt(command);
        } catch (JedisConnectionException stale) {
            // After a Redis restart the idle pooled connections are dead: drop them, try once more.
            pool.clear();
            try {
                return attempt(command);
            } catch (JedisException e) {
                e.addSuppressed(stale);
                throw failure(operation, e);
            }
        } catch (JedisException e) {
            throw failure(operation, e);
        }
    }

    private <T> T attempt(Function<Jedis, T> command) {
        try (Jedis jedis = pool.getResource()) {
            return command.apply(jedis);
        }
    }

    private SessionStoreException failure(String operation, JedisException e) {
        return new SessionStoreException("Redis session store " + name + " failed to " + operation + " a session: "
                + e.getMessage(), e);
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "RedisSessionStore[" + name + ", prefix " + prefix + "]";
    }
}

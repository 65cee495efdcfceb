package io.channels4j.redis;

import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.SSLContext;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Connection set-up shared by the Redis layers' builders: host URLs, pools with the layer's
 * timeouts, Sentinel masters. Stateless.
 */
final class RedisConnections {

    private RedisConnections() {
    }

    /**
     * Checks a host URL.
     *
     * @param url {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}
     * @return the parsed URL
     * @throws IllegalArgumentException if it is not a redis URL with a host
     */
    static URI hostUrl(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the exception's own message repeats the whole URL, password included
            throw new IllegalArgumentException("a Redis host must be a redis:// or rediss:// URL, was '" + mask(url)
                    + "' (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("a Redis host must be a redis:// or rediss:// URL, was '" + mask(url) + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("a Redis host URL needs a host, was '" + mask(url) + "'");
        }
        if (uri.getRawQuery() != null) {
            // settings in a query would be silently ignored here
            throw new IllegalArgumentException("a Redis host URL takes no query here, was '" + mask(url)
                    + "': settings are builder methods (ssl_ca_certs: sslContext), or query parameters of a "
                    + "layer URL for ChannelLayers.create");
        }
        return uri;
    }

    /**
     * Names a server for logs, errors, thread names and {@code toString()}: the URL with its
     * password masked, e.g. {@code redis://:***@host:6379/0} or {@code rediss://user:***@host:6379/0}
     * ({@code redis://host:6379/0} without credentials). Never the password, never the query.
     *
     * @param uri a host URL from {@link #hostUrl}
     * @return {@code scheme://[user:***@]host:port[/db]}
     */
    static String describe(URI uri) {
        String info = uri.getRawUserInfo();
        String credentials = "";
        if (info != null) {
            int colon = info.indexOf(':');
            credentials = (colon >= 0 ? info.substring(0, colon) + ":" : "") + "***@";
        }
        return uri.getScheme() + "://" + credentials + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort())
                + (uri.getPath() == null || uri.getPath().isEmpty() ? "" : uri.getPath());
    }

    /**
     * Masks the password of any URL-like text, parseable or not: {@link ChannelLayers#redactUrl}.
     *
     * @param url the text, e.g. a configured layer URL
     * @return the text safe to log
     */
    static String mask(String url) {
        return ChannelLayers.redactUrl(url);
    }

    /**
     * A pool for one host URL (user, password, database and TLS from the URL).
     *
     * @param uri             the host URL
     * @param timeout         connect and socket timeout
     * @param blockingTimeout socket timeout of blocking commands, or null for the client's default
     * @param poolSize        connections
     * @param clientName      the Redis client name
     * @param tls             for a {@code rediss://} URL, the TLS context (trust, client
     *                        certificate), or null for the JVM's default; see {@link RedisTls}
     * @return the pool; no connection is made yet
     */
    static JedisPool pool(URI uri, Duration timeout, Duration blockingTimeout, int poolSize, String clientName,
            SSLContext tls) {
        String user = null;
        String password = null;
        if (uri.getUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            if (colon >= 0) {
                user = info.substring(0, colon).isEmpty() ? null : info.substring(0, colon);
                password = info.substring(colon + 1);
            } else {
                password = info;
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the database in a Redis URL must be a number, was '" + path + "'");
            }
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(timeout)).socketTimeoutMillis(millis(timeout))
                .user(user).password(password).database(database)
                .clientName(clientName);
        if ("rediss".equals(uri.getScheme())) {
            config.ssl(true).sslParameters(RedisTls.verifyingHostName());
            if (tls != null) {
                config.sslSocketFactory(tls.getSocketFactory());
            }
        }
        if (blockingTimeout != null) {
            config.blockingSocketTimeoutMillis(millis(blockingTimeout));
        }
        return new JedisPool(poolConfig(poolSize, timeout),
                new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), config.build());
    }

    /**
     * A pool for a Sentinel-managed master; asks the sentinels for the master now.
     *
     * @return the pool
     * @throws ChannelLayerException if no sentinel answers
     */
    static JedisSentinelPool sentinelPool(String masterName, List<String> sentinels, int database, String password,
                                          Duration timeout, Duration blockingTimeout, int poolSize, String clientName) {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        for (String address : sentinels) {
            addresses.add(HostAndPort.from(address));
        }
        DefaultJedisClientConfig.Builder master = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(timeout)).socketTimeoutMillis(millis(timeout))
                .database(database).password(password).clientName(clientName);
        if (blockingTimeout != null) {
            master.blockingSocketTimeoutMillis(millis(blockingTimeout));
        }
        DefaultJedisClientConfig sentinel = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(timeout)).socketTimeoutMillis(millis(timeout)).build();
        try {
            return new JedisSentinelPool(masterName, addresses, poolConfig(poolSize, timeout), master.build(), sentinel);
        } catch (JedisException e) {
            throw new ChannelLayerException("Redis " + sentinelName(masterName, sentinels)
                    + " is unavailable (asking the sentinels for the master): " + e.getMessage(), e);
        }
    }

    static String sentinelName(String masterName, List<String> sentinels) {
        return "sentinel:" + masterName + "@" + sentinels;
    }

    private static GenericObjectPoolConfig<Jedis> poolConfig(int poolSize, Duration timeout) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(poolSize);
        config.setMaxIdle(poolSize);
        config.setMinIdle(0);
        config.setMaxWait(Duration.ofMillis(millis(timeout)));
        config.setJmxEnabled(false);
        return config;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}

package io.channels4j.redis;

import io.channels4j.layer.ChannelCapacities;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisChannelLayer}. Defaults are channels_redis 4.0's: host
 * {@code redis://localhost:6379}, prefix {@code asgi}, expiry 60 s, group expiry 86400 s,
 * capacity 100. Not thread-safe; {@link #build()} may be called once per layer.
 */
public final class RedisChannelLayerBuilder {

    /** A Sentinel-managed master. */
    private record SentinelSpec(String masterName, List<String> sentinels, int database, String password) {
    }

    private final List<URI> hosts = new ArrayList<>();
    private final List<SentinelSpec> sentinels = new ArrayList<>();
    private String prefix = "asgi";
    private Duration expiry = Duration.ofSeconds(60);
    private Duration groupExpiry = Duration.ofSeconds(86400);
    private ChannelCapacities capacities = ChannelCapacities.of(100);
    private List<String> encryptionKeys = List.of();
    private Duration timeout = Duration.ofSeconds(2);
    private int poolSize = 64;
    private Clock clock = Clock.systemUTC();
    private SSLContext tls;

    RedisChannelLayerBuilder() {
    }

    /**
     * Adds a Redis server; several hosts shard channels and groups by CRC32 as channels_redis does
     * (the order matters and must match other processes).
     *
     * @param url {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...} (TLS)
     * @return this builder
     * @throws IllegalArgumentException if the URL is not a redis URL
     */
    public RedisChannelLayerBuilder host(String url) {
        URI uri = RedisConnections.hostUrl(url);
        hosts.add(uri);
        return this;
    }

    /**
     * Adds a Sentinel-managed master as a shard.
     *
     * @param masterName the master's name, e.g. {@code mymaster}
     * @param sentinels  {@code host:port} of each sentinel
     * @param database   the database index
     * @param password   the master's password, or null
     * @return this builder
     */
    public RedisChannelLayerBuilder sentinel(String masterName, List<String> sentinels, int database, String password) {
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel shard needs at least one sentinel address");
        }
        this.sentinels.add(new SentinelSpec(Objects.requireNonNull(masterName, "masterName"), List.copyOf(sentinels),
                database, password));
        return this;
    }

    /**
     * The key prefix; must match the other processes sharing the Redis.
     *
     * @param prefix default {@code asgi}
     * @return this builder
     */
    public RedisChannelLayerBuilder prefix(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /**
     * How long an unread message lives.
     *
     * @param expiry default 60 s
     * @return this builder
     */
    public RedisChannelLayerBuilder expiry(Duration expiry) {
        this.expiry = atLeastOneSecond(expiry, "expiry");
        return this;
    }

    /**
     * How long a group membership lives after its last {@code groupAdd}.
     *
     * @param groupExpiry default 86400 s
     * @return this builder
     */
    public RedisChannelLayerBuilder groupExpiry(Duration groupExpiry) {
        this.groupExpiry = atLeastOneSecond(groupExpiry, "groupExpiry");
        return this;
    }

    /**
     * The default channel capacity.
     *
     * @param capacity default 100
     * @return this builder
     */
    public RedisChannelLayerBuilder capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacities = capacities.withDefault(capacity);
        return this;
    }

    /**
     * A capacity for channels matching a glob; first match wins.
     *
     * @param glob     e.g. {@code http.request*}
     * @param capacity the capacity
     * @return this builder
     */
    public RedisChannelLayerBuilder channelCapacity(String glob, int capacity) {
        this.capacities = capacities.withGlob(glob, capacity);
        return this;
    }

    /**
     * A capacity for channels matching a regex (from the start); first match wins.
     *
     * @param regex    the pattern
     * @param capacity the capacity
     * @return this builder
     */
    public RedisChannelLayerBuilder channelCapacity(Pattern regex, int capacity) {
        this.capacities = capacities.withRegex(regex, capacity);
        return this;
    }

    /**
     * All capacities at once.
     *
     * @param capacities default and per-channel capacities
     * @return this builder
     */
    public RedisChannelLayerBuilder capacities(ChannelCapacities capacities) {
        this.capacities = Objects.requireNonNull(capacities, "capacities");
        return this;
    }

    /**
     * Encrypts message bodies with Fernet, keys derived as channels_redis does; the first key
     * encrypts, every key is tried to decrypt (key rotation).
     *
     * @param keys the secrets; empty for no encryption (the default)
     * @return this builder
     */
    public RedisChannelLayerBuilder symmetricEncryptionKeys(List<String> keys) {
        this.encryptionKeys = List.copyOf(keys);
        return this;
    }

    /**
     * Connect and socket timeout: how long an operation may wait for an unreachable Redis before
     * it fails with {@link io.channels4j.layer.ChannelLayerException}.
     *
     * @param timeout default 2 s
     * @return this builder
     */
    public RedisChannelLayerBuilder timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * Connections per host.
     *
     * @param size default 64
     * @return this builder
     */
    public RedisChannelLayerBuilder poolSize(int size) {
        if (size < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2, was " + size);
        }
        this.poolSize = size;
        return this;
    }

    /**
     * The TLS context of {@code rediss://} hosts: which certificate authorities to trust, and a
     * client certificate if Redis asks for one ({@code tls-auth-clients yes}). The server's
     * certificate must also name the host of the URL. Plain {@code redis://} hosts ignore it.
     *
     * @param context default: the JVM's default context (its {@code cacerts}, or
     *                {@code -Djavax.net.ssl.trustStore=...})
     * @return this builder
     */
    public RedisChannelLayerBuilder sslContext(SSLContext context) {
        this.tls = Objects.requireNonNull(context, "context");
        return this;
    }

    /**
     * The clock that scores messages and memberships (tests use a fake one).
     *
     * @param clock default: system UTC
     * @return this builder
     */
    public RedisChannelLayerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Creates the layer and its connection pools. No connection is made until first use, except
     * for Sentinel shards: the sentinels are asked for the master here.
     *
     * @return the layer
     * @throws io.channels4j.layer.ChannelLayerException if no sentinel of a Sentinel shard answers
     */
    public RedisChannelLayer build() {
        List<RedisShard> shards = new ArrayList<>();
        List<URI> all = hosts.isEmpty() && sentinels.isEmpty() ? List.of(URI.create("redis://localhost:6379")) : hosts;
        // blocking pops wait at most a second: a frozen Redis must not hold them longer than that plus the timeout
        Duration blocking = timeout.plusSeconds(1);
        try {
            for (URI uri : all) {
                shards.add(new RedisShard(RedisConnections.describe(uri),
                        RedisConnections.pool(uri, timeout, blocking, poolSize, "channels4j", tls)));
            }
            for (SentinelSpec spec : sentinels) {
                shards.add(new RedisShard(RedisConnections.sentinelName(spec.masterName(), spec.sentinels()),
                        RedisConnections.sentinelPool(spec.masterName(), spec.sentinels(), spec.database(),
                                spec.password(), timeout, blocking, poolSize, "channels4j")));
            }
        } catch (RuntimeException e) {
            shards.forEach(RedisShard::close);
            throw e;
        }
        SymmetricEncryption encryption = encryptionKeys.isEmpty() ? null : new SymmetricEncryption(encryptionKeys);
        return new RedisChannelLayer(shards, prefix, expiry, groupExpiry, capacities, encryption, clock);
    }

    private static Duration atLeastOneSecond(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 s, was " + d);
        }
        return d;
    }
}

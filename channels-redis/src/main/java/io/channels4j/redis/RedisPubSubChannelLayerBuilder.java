package io.channels4j.redis;

import io.channels4j.layer.ChannelCapacities;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

/**
 * Configures a {@link RedisPubSubChannelLayer}. Defaults are channels_redis 4.0's pub/sub layer's
 * (host {@code redis://localhost:6379}, prefix {@code asgi}) plus what Python does not have: a
 * local buffer capacity of 100 per channel, and a 2 s timeout. Python settings that the pub/sub
 * layer ignores ({@code expiry}, {@code group_expiry}) do not exist here. Not thread-safe;
 * {@link #build()} may be called once per layer.
 */
public final class RedisPubSubChannelLayerBuilder {

    /** Longest prefix that keeps {@code prefix + "specific." + 32 hex} under 100 characters. */
    static final int MAX_PREFIX_LENGTH = 99 - "specific.".length() - 32;

    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9\\-_.]*");

    /** A Sentinel-managed master. */
    private record SentinelSpec(String masterName, List<String> sentinels, int database, String password) {
    }

    private final List<URI> hosts = new ArrayList<>();
    private final List<SentinelSpec> sentinels = new ArrayList<>();
    private String prefix = "asgi";
    private ChannelCapacities capacities = ChannelCapacities.of(100);
    private Duration timeout = Duration.ofSeconds(2);
    private int poolSize = 16;
    private SSLContext tls;

    RedisPubSubChannelLayerBuilder() {
    }

    /**
     * Adds a Redis server; several hosts shard channels and groups by CRC32 of the pub/sub
     * channel name, as channels_redis does (the order matters and must match other processes).
     *
     * @param url {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...} (TLS);
     *            pub/sub channels are not per database, but the URL's database is selected anyway
     * @return this builder
     * @throws IllegalArgumentException if the URL is not a redis URL
     */
    public RedisPubSubChannelLayerBuilder host(String url) {
        URI uri = RedisConnections.hostUrl(url);
        hosts.add(uri);
        return this;
    }

    /**
     * Adds a Sentinel-managed master as a shard (Python's {@code master_name}/{@code sentinels}
     * host).
     *
     * @param masterName the master's name, e.g. {@code mymaster}
     * @param sentinels  {@code host:port} of each sentinel
     * @param database   the database index
     * @param password   the master's password, or null
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder sentinel(String masterName, List<String> sentinels, int database,
                                                   String password) {
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel shard needs at least one sentinel address");
        }
        this.sentinels.add(new SentinelSpec(Objects.requireNonNull(masterName, "masterName"), List.copyOf(sentinels),
                database, password));
        return this;
    }

    /**
     * The prefix of every channel and group name; must match the other processes (Java or Python)
     * sharing the Redis. Unlike Python, it must consist of ASCII letters, digits, hyphens,
     * underscores and periods (so that names are valid channel names), and be at most
     * {@value #MAX_PREFIX_LENGTH} characters long.
     *
     * @param prefix default {@code asgi}; may be empty
     * @return this builder
     * @throws IllegalArgumentException if it has other characters or is too long
     */
    public RedisPubSubChannelLayerBuilder prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches() || prefix.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("the pub/sub layer's prefix must be at most " + MAX_PREFIX_LENGTH
                    + " ASCII letters, digits, hyphens, underscores or periods (it starts every channel name), was '"
                    + prefix + "'");
        }
        this.prefix = prefix;
        return this;
    }

    /**
     * The default number of unread messages a local channel buffers; more are dropped and counted.
     *
     * @param capacity default 100
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacities = capacities.withDefault(capacity);
        return this;
    }

    /**
     * A capacity for channels matching a glob; first match wins.
     *
     * @param glob     e.g. {@code asgispecific.*}
     * @param capacity the capacity
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder channelCapacity(String glob, int capacity) {
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
    public RedisPubSubChannelLayerBuilder channelCapacity(Pattern regex, int capacity) {
        this.capacities = capacities.withRegex(regex, capacity);
        return this;
    }

    /**
     * All capacities at once.
     *
     * @param capacities default and per-channel capacities
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder capacities(ChannelCapacities capacities) {
        this.capacities = Objects.requireNonNull(capacities, "capacities");
        return this;
    }

    /**
     * Connect and socket timeout, and how long {@code newChannel}, {@code groupAdd} and on-demand
     * subscriptions wait for Redis to confirm a subscription before they fail with
     * {@link io.channels4j.layer.ChannelLayerException}.
     *
     * @param timeout default 2 s
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * Connections per host, for publishing (plus one held by the subscriber).
     *
     * @param size default 16
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder poolSize(int size) {
        if (size < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2, was " + size);
        }
        this.poolSize = size;
        return this;
    }

    /**
     * The TLS context of {@code rediss://} hosts: which certificate authorities to trust, and a
     * client certificate if Redis asks for one. The server's certificate must also name the host
     * of the URL. Plain {@code redis://} hosts ignore it.
     *
     * @param context default: the JVM's default context
     * @return this builder
     */
    public RedisPubSubChannelLayerBuilder sslContext(SSLContext context) {
        this.tls = Objects.requireNonNull(context, "context");
        return this;
    }

    /**
     * Creates the layer and its connection pools; no connection is made until first use.
     *
     * @return the layer
     */
    public RedisPubSubChannelLayer build() {
        String instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<RedisPubSubChannelLayer.Host> shards = new ArrayList<>();
        List<URI> all = hosts.isEmpty() && sentinels.isEmpty() ? List.of(URI.create("redis://localhost:6379")) : hosts;
        for (URI uri : all) {
            shards.add(new RedisPubSubChannelLayer.Host(RedisConnections.describe(uri),
                    RedisConnections.pool(uri, timeout, null, poolSize + 1, clientName(instanceId), tls)));
        }
        for (SentinelSpec spec : sentinels) {
            shards.add(new RedisPubSubChannelLayer.Host(RedisConnections.sentinelName(spec.masterName(), spec.sentinels()),
                    RedisConnections.sentinelPool(spec.masterName(), spec.sentinels(), spec.database(), spec.password(),
                            timeout, null, poolSize + 1, clientName(instanceId))));
        }
        return new RedisPubSubChannelLayer(shards, prefix, capacities, timeout, instanceId);
    }

    /** The Redis client name of a layer's connections, {@code channels4j-pubsub-<instance id>}. */
    static String clientName(String instanceId) {
        return "channels4j-pubsub-" + instanceId;
    }
}

package io.channels4j.redis;

import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerProvider;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.layer.LayerOptions;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;

/**
 * Builds {@link RedisPubSubChannelLayer}s from URLs, for {@link io.channels4j.layer.ChannelLayers}:
 *
 * <ul>
 *   <li>{@code redis-pubsub://[[user]:password@]host:port/db} and {@code rediss-pubsub://...}
 *       (TLS); more shards with {@code hosts=redis://h2:6379/0,redis://h3:6379/0};</li>
 *   <li>settings as query parameters or map entries: {@code prefix} (default {@code asgi}),
 *       {@code capacity} and {@code channel_capacity} ({@code glob=n;glob2=m}) for the local
 *       buffers, {@code timeout} (seconds), {@code pool_size}, {@code ssl_ca_certs} (a PEM file
 *       of the certificate authorities a TLS server's certificate must chain to).</li>
 * </ul>
 *
 * <p>{@code expiry}, {@code group_expiry} and {@code symmetric_encryption_keys} are refused as
 * unknown: the pub/sub layer has no expiry and, as channels_redis 4.0's, no encryption.
 * Example: {@code redis-pubsub://127.0.0.1:6379/0?prefix=asgi}.
 */
public final class RedisPubSubChannelLayerProvider implements ChannelLayerProvider {

    private static final Set<String> KNOWN = Set.of(LayerOptions.CAPACITY, LayerOptions.CHANNEL_CAPACITY, "prefix",
            "hosts", "timeout", "pool_size", RedisTls.CA_CERTS);

    /** Creates the provider (ServiceLoader). */
    public RedisPubSubChannelLayerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis-pubsub", "rediss-pubsub");
    }

    @Override
    public ChannelLayer create(URI url, Map<String, String> settings) {
        LayerOptions options = LayerOptions.of(url, settings, KNOWN);
        RedisPubSubChannelLayerBuilder builder = RedisPubSubChannelLayer.builder();
        try {
            builder.host(redisUrl(url.toString()));
            for (String extra : options.string("hosts", "").split(",")) {
                if (!extra.isBlank()) {
                    builder.host(redisUrl(extra.strip()));
                }
            }
            builder.prefix(options.string("prefix", "asgi"))
                    .capacities(options.capacities(100))
                    .timeout(options.seconds("timeout", Duration.ofSeconds(2)))
                    .poolSize(Math.max(2, options.positiveInt("pool_size", 16)));
            SSLContext tls = RedisTls.fromCaCertsSetting(options.string(RedisTls.CA_CERTS, ""));
            if (tls != null) {
                builder.sslContext(tls);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidChannelLayerException("invalid Redis pub/sub channel layer configuration "
                    + redacted(url) + ": " + e.getMessage(), e);
        }
        return builder.build();
    }

    /** {@code redis-pubsub://...} to {@code redis://...}, {@code rediss-pubsub} to {@code rediss}, without the query. */
    private static String redisUrl(String url) {
        int q = url.indexOf('?');
        String text = q >= 0 ? url.substring(0, q) : url;
        if (text.startsWith("redis-pubsub://")) {
            return "redis://" + text.substring("redis-pubsub://".length());
        }
        if (text.startsWith("rediss-pubsub://")) {
            return "rediss://" + text.substring("rediss-pubsub://".length());
        }
        return text;
    }

    /** The URL without its password or query, for error messages. */
    private static String redacted(URI url) {
        return RedisConnections.mask(url.toString());
    }
}

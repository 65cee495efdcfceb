package io.channels4j.redis;

import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerProvider;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.layer.LayerOptions;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;

/**
 * Builds {@link RedisChannelLayer}s from URLs, for {@link io.channels4j.layer.ChannelLayers}:
 *
 * <ul>
 *   <li>{@code redis://[:password@]host:port/db} and {@code rediss://...} (TLS); more shards with
 *       {@code hosts=redis://h2:6379/0,redis://h3:6379/0};</li>
 *   <li>{@code redis-sentinel://[:password@]s1:26379,s2:26379/mymaster/db} for a Sentinel
 *       master;</li>
 *   <li>settings as query parameters or map entries: {@code prefix}, {@code expiry},
 *       {@code group_expiry}, {@code capacity}, {@code channel_capacity}
 *       ({@code glob=n;glob2=m}), {@code symmetric_encryption_keys} (comma-separated),
 *       {@code timeout} (seconds), {@code pool_size}, {@code ssl_ca_certs} (a PEM file of the
 *       certificate authorities a {@code rediss://} server's certificate must chain to, as in
 *       redis-py; default: the JVM's trust store).</li>
 * </ul>
 */
public final class RedisChannelLayerProvider implements ChannelLayerProvider {

    private static final Set<String> KNOWN = Set.of(LayerOptions.CAPACITY, LayerOptions.EXPIRY,
            LayerOptions.GROUP_EXPIRY, LayerOptions.CHANNEL_CAPACITY, "prefix", "symmetric_encryption_keys", "hosts",
            "timeout", "pool_size", RedisTls.CA_CERTS);

    /** Creates the provider (ServiceLoader). */
    public RedisChannelLayerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-sentinel");
    }

    @Override
    public ChannelLayer create(URI url, Map<String, String> settings) {
        LayerOptions options = LayerOptions.of(url, settings, KNOWN);
        RedisChannelLayerBuilder builder = RedisChannelLayer.builder();
        try {
            if ("redis-sentinel".equals(url.getScheme())) {
                sentinel(builder, url);
            } else {
                builder.host(withoutQuery(url));
            }
            for (String extra : split(options.string("hosts", ""))) {
                builder.host(extra);
            }
            builder.prefix(options.string("prefix", "asgi"))
                    .expiry(options.seconds(LayerOptions.EXPIRY, Duration.ofSeconds(60)))
                    .groupExpiry(options.seconds(LayerOptions.GROUP_EXPIRY, Duration.ofSeconds(86400)))
                    .capacities(options.capacities(100))
                    .symmetricEncryptionKeys(split(options.string("symmetric_encryption_keys", "")))
                    .timeout(options.seconds("timeout", Duration.ofSeconds(2)))
                    .poolSize(Math.max(2, options.positiveInt("pool_size", 64)));
            SSLContext tls = RedisTls.fromCaCertsSetting(options.string(RedisTls.CA_CERTS, ""));
            if (tls != null) {
                builder.sslContext(tls);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidChannelLayerException("invalid Redis channel layer configuration " + redacted(url) + ": "
                    + e.getMessage(), e);
        }
        return builder.build();
    }

    private static void sentinel(RedisChannelLayerBuilder builder, URI url) {
        String authority = url.getRawAuthority();
        String password = null;
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            password = info.startsWith(":") ? info.substring(1) : info;
            authority = authority.substring(at + 1);
        }
        if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("a redis-sentinel URL needs sentinel addresses");
        }
        String[] path = url.getPath() == null ? new String[0] : url.getPath().replaceFirst("^/", "").split("/");
        if (path.length < 1 || path[0].isBlank()) {
            throw new IllegalArgumentException("a redis-sentinel URL needs the master name as its path: "
                    + "redis-sentinel://host:26379/mymaster/0");
        }
        int database = path.length > 1 ? Integer.parseInt(path[1]) : 0;
        builder.sentinel(path[0], Arrays.asList(authority.split(",")), database, password);
    }

    private static String withoutQuery(URI url) {
        String text = url.toString();
        int q = text.indexOf('?');
        return q >= 0 ? text.substring(0, q) : text;
    }

    private static List<String> split(String csv) {
        List<String> values = new ArrayList<>();
        for (String part : csv.split(",")) {
            if (!part.isBlank()) {
                values.add(part.strip());
            }
        }
        return values;
    }

    /** The URL with its password masked and without its query, for error messages. */
    private static String redacted(URI url) {
        return RedisConnections.mask(url.toString());
    }
}

package io.channels4j.layer;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link InMemoryChannelLayer}s for {@code memory://} URLs, found by
 * {@link ChannelLayers#create(String)} through {@link java.util.ServiceLoader}.
 *
 * <p>Settings (URL query or configuration map): {@code capacity} (default 100), {@code expiry}
 * (seconds, default 60), {@code group_expiry} (seconds, default 86400) and
 * {@code channel_capacity} ({@code glob=n;glob2=m}). The URL takes no host or path:
 * {@code memory://}, {@code memory://?capacity=200&expiry=30}.
 *
 * <p>Stateless and thread-safe; each {@link #create} returns a new, independent layer.
 */
public final class InMemoryChannelLayerProvider implements ChannelLayerProvider {

    /** The URL scheme. */
    public static final String SCHEME = "memory";

    private static final Set<String> SETTINGS = Set.of(
            LayerOptions.CAPACITY, LayerOptions.EXPIRY, LayerOptions.GROUP_EXPIRY, LayerOptions.CHANNEL_CAPACITY);

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public InMemoryChannelLayerProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public ChannelLayer create(URI url, Map<String, String> options) {
        if (url.getRawAuthority() != null || (url.getRawPath() != null && !url.getRawPath().isEmpty()
                && !url.getRawPath().equals("/"))) {
            throw new InvalidChannelLayerException("a memory:// channel layer URL takes no host or path, was '"
                    + url + "'");
        }
        LayerOptions settings = LayerOptions.of(url, options, SETTINGS);
        return InMemoryChannelLayer.builder()
                .capacities(settings.capacities(100))
                .expiry(settings.seconds(LayerOptions.EXPIRY, Duration.ofSeconds(60)))
                .groupExpiry(settings.seconds(LayerOptions.GROUP_EXPIRY, Duration.ofSeconds(86400)))
                .build();
    }
}

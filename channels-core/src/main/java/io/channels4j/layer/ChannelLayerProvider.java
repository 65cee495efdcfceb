package io.channels4j.layer;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Service-provider interface that builds channel layers from URLs: {@code memory://} in core,
 * {@code redis://} once {@code channels-redis} is on the class path or module path. Registered
 * with {@link java.util.ServiceLoader} ({@code provides io.channels4j.layer.ChannelLayerProvider}
 * in {@code module-info.java}, or {@code META-INF/services}).
 */
public interface ChannelLayerProvider {

    /**
     * The URL schemes this provider builds layers for.
     *
     * @return e.g. {@code Set.of("redis", "rediss")}
     */
    Set<String> schemes();

    /**
     * Builds a layer.
     *
     * @param url     the layer URL, e.g. {@code memory://?capacity=200}
     * @param options settings from the URL's query and the configuration map merged (map wins),
     *                as Strings
     * @return the new layer
     * @throws InvalidChannelLayerException if a setting is unknown or invalid
     */
    ChannelLayer create(URI url, Map<String, String> options);
}

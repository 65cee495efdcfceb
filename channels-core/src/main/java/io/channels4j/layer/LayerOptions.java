package io.channels4j.layer;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings a {@link ChannelLayerProvider} receives, with parsing that fails with messages
 * naming the setting and the bad value. Names follow channels_redis: {@code capacity},
 * {@code expiry}, {@code group_expiry} (seconds, fractions allowed), {@code channel_capacity}
 * ({@code glob=n;glob2=m}).
 *
 * <pre>{@code
 * LayerOptions options = LayerOptions.of(url, settings, Set.of("capacity", "expiry"));
 * int capacity = options.positiveInt("capacity", 100);
 * }</pre>
 *
 * <p>Immutable and thread-safe. Created by providers, usually once per
 * {@link ChannelLayerProvider#create} call.
 */
public final class LayerOptions {

    /** Default capacity of every channel. */
    public static final String CAPACITY = "capacity";
    /** Seconds a message waits unread before it is dropped. */
    public static final String EXPIRY = "expiry";
    /** Seconds a group membership lasts after the last group add. */
    public static final String GROUP_EXPIRY = "group_expiry";
    /** Per-channel capacities, {@code glob=n;glob2=m}, first match wins. */
    public static final String CHANNEL_CAPACITY = "channel_capacity";

    private final URI url;
    private final Map<String, String> values;

    private LayerOptions(URI url, Map<String, String> values) {
        this.url = url;
        this.values = values;
    }

    /**
     * Checks the setting names against the ones a provider knows.
     *
     * @param url     the layer URL, for error messages
     * @param options the settings, as given to {@link ChannelLayerProvider#create}
     * @param known   the setting names the provider understands
     * @return the options
     * @throws InvalidChannelLayerException naming the first unknown setting and listing the
     *                                      known ones
     */
    public static LayerOptions of(URI url, Map<String, String> options, Set<String> known) {
        Objects.requireNonNull(url, "url");
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new InvalidChannelLayerException("unknown channel layer setting '" + e.getKey() + "' for "
                        + url.getScheme() + ":// (known: " + new TreeSet<>(known) + ")");
            }
            copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        return new LayerOptions(url, Collections.unmodifiableMap(copy));
    }

    /** @return the layer URL */
    public URI url() {
        return url;
    }

    /** @return the settings, sorted by name; unmodifiable */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * A raw setting.
     *
     * @param name         the setting
     * @param defaultValue returned when absent
     * @return the value or the default
     */
    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    /**
     * An integer setting of at least 1.
     *
     * @param name         the setting
     * @param defaultValue returned when absent
     * @return the value
     * @throws InvalidChannelLayerException if it is not an integer >= 1
     */
    public int positiveInt(String name, int defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidChannelLayerException("channel layer setting '" + name + "' must be an integer >= 1, was '"
                + raw + "'");
    }

    /**
     * A positive number of seconds, fractions allowed ({@code 30}, {@code 0.5}).
     *
     * @param name         the setting
     * @param defaultValue returned when absent
     * @return the duration
     * @throws InvalidChannelLayerException if it is not a positive number
     */
    public Duration seconds(String name, Duration defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            BigDecimal seconds = new BigDecimal(raw.strip());
            if (seconds.signum() > 0 && seconds.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000_000L)) < 0) {
                Duration value = Duration.ofNanos(seconds.movePointRight(9).longValue());
                if (!value.isZero()) {
                    return value;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidChannelLayerException("channel layer setting '" + name
                + "' must be a positive number of seconds, was '" + raw + "'");
    }

    /**
     * The capacities from {@value #CAPACITY} and {@value #CHANNEL_CAPACITY}.
     *
     * @param defaultCapacity the capacity when {@value #CAPACITY} is absent
     * @return the capacities
     * @throws InvalidChannelLayerException if either setting is malformed
     */
    public ChannelCapacities capacities(int defaultCapacity) {
        int capacity = positiveInt(CAPACITY, defaultCapacity);
        String spec = values.get(CHANNEL_CAPACITY);
        if (spec == null) {
            return ChannelCapacities.of(capacity);
        }
        try {
            return ChannelCapacities.parse(spec, capacity);
        } catch (IllegalArgumentException e) {
            throw new InvalidChannelLayerException("channel layer setting '" + CHANNEL_CAPACITY + "' is invalid: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LayerOptions[" + url.getScheme() + ", " + values + "]";
    }
}

package io.channels4j.layer;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configures an {@link InMemoryChannelLayer}; get one from {@link InMemoryChannelLayer#builder()}.
 * Defaults are Channels': expiry 60 s, group expiry 86400 s, capacity 100, no per-channel rules,
 * the system UTC clock. Every setter checks its argument at once and names the bad value.
 *
 * <p>Not thread-safe: configure on one thread. {@link #build()} may be called more than once;
 * each call returns a new, independent layer.
 */
public final class InMemoryChannelLayerBuilder {
    static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(60);
    static final Duration DEFAULT_GROUP_EXPIRY = Duration.ofSeconds(86400);
    static final int DEFAULT_CAPACITY = 100;

    private Duration expiry = DEFAULT_EXPIRY;
    private Duration groupExpiry = DEFAULT_GROUP_EXPIRY;
    private ChannelCapacities capacities = ChannelCapacities.of(DEFAULT_CAPACITY);
    private Clock clock = Clock.systemUTC();

    InMemoryChannelLayerBuilder() {
    }

    /**
     * How long a message waits unread before it is dropped. Default 60 s.
     *
     * @param expiry a positive duration
     * @return this builder
     */
    public InMemoryChannelLayerBuilder expiry(Duration expiry) {
        this.expiry = requirePositive("expiry", expiry);
        return this;
    }

    /**
     * How long a group membership lasts after the last {@code groupAdd}. Default 86400 s.
     *
     * @param groupExpiry a positive duration
     * @return this builder
     */
    public InMemoryChannelLayerBuilder groupExpiry(Duration groupExpiry) {
        this.groupExpiry = requirePositive("groupExpiry", groupExpiry);
        return this;
    }

    /**
     * The capacity of channels no per-channel rule matches. Default 100.
     *
     * @param capacity at least 1
     * @return this builder
     */
    public InMemoryChannelLayerBuilder capacity(int capacity) {
        this.capacities = capacities.withDefault(capacity);
        return this;
    }

    /**
     * Adds a per-channel capacity for names matching a glob ({@code fnmatch}: {@code *},
     * {@code ?}, {@code [seq]}, {@code [!seq]}), after earlier rules.
     *
     * @param glob     matched against the whole channel name
     * @param capacity at least 1
     * @return this builder
     */
    public InMemoryChannelLayerBuilder channelCapacity(String glob, int capacity) {
        this.capacities = capacities.withGlob(glob, capacity);
        return this;
    }

    /**
     * Adds a per-channel capacity for names a regular expression matches from their start
     * (like Python's {@code re.match}), after earlier rules.
     *
     * @param regex    the expression
     * @param capacity at least 1
     * @return this builder
     */
    public InMemoryChannelLayerBuilder channelCapacity(Pattern regex, int capacity) {
        this.capacities = capacities.withRegex(regex, capacity);
        return this;
    }

    /**
     * Replaces the default capacity and every per-channel rule.
     *
     * @param capacities the capacities
     * @return this builder
     */
    public InMemoryChannelLayerBuilder capacities(ChannelCapacities capacities) {
        this.capacities = Objects.requireNonNull(capacities, "capacities");
        return this;
    }

    /**
     * The clock for message and group expiry (not for receive timeouts). Default
     * {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public InMemoryChannelLayerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Builds a new, independent layer.
     *
     * @return the layer
     */
    public InMemoryChannelLayer build() {
        return new InMemoryChannelLayer(expiry, groupExpiry, capacities, clock);
    }

    private static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return value;
    }
}

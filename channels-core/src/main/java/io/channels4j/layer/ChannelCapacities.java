package io.channels4j.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How many unread messages each channel may hold: a default plus ordered per-channel rules, as in
 * channels_redis' {@code capacity} and {@code channel_capacity} settings.
 *
 * <p>A rule is either a <b>glob</b> ({@code String}, Python {@code fnmatch} semantics: {@code *},
 * {@code ?}, {@code [seq]}, {@code [!seq]}, matched against the whole channel name) or a
 * <b>regular expression</b> ({@link Pattern}, matched from the start of the name but not
 * necessarily to its end, like Python's {@code re.match}; anchor it with {@code $} to match the
 * whole name). Rules are tried in the order they were added; the first match wins; no match
 * gives the default. Patterns are compiled once, when the rule is added.
 *
 * <pre>{@code
 * ChannelCapacities capacities = ChannelCapacities.of(100)
 *         .withGlob("http.request", 200)
 *         .withRegex(Pattern.compile("websocket\\.send!.*"), 20);
 * }</pre>
 *
 * <p>Immutable and thread-safe: the {@code with...} methods return new instances.
 */
public final class ChannelCapacities {

    /**
     * One rule.
     *
     * @param glob     the glob it was built from, or null for a regular expression rule
     * @param pattern  the compiled pattern (the glob's translation, or the given expression)
     * @param capacity the capacity of matching channels, at least 1
     */
    public record Rule(String glob, Pattern pattern, int capacity) {

        /** Checks the fields. */
        public Rule {
            Objects.requireNonNull(pattern, "pattern");
            requireCapacity("channel capacity for " + (glob != null ? "'" + glob + "'" : "/" + pattern + "/"),
                    capacity);
        }

        /**
         * Whether the rule applies to a channel.
         *
         * @param channel the full channel name
         * @return true for a whole-name glob match or a regular expression match at the start
         */
        public boolean matches(String channel) {
            return glob != null ? pattern.matcher(channel).matches() : pattern.matcher(channel).lookingAt();
        }
    }

    private final int defaultCapacity;
    private final List<Rule> rules;

    private ChannelCapacities(int defaultCapacity, List<Rule> rules) {
        this.defaultCapacity = requireCapacity("capacity", defaultCapacity);
        this.rules = List.copyOf(rules);
    }

    /**
     * Capacities with a default and no rules.
     *
     * @param defaultCapacity the capacity of every channel, at least 1
     * @return the capacities
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public static ChannelCapacities of(int defaultCapacity) {
        return new ChannelCapacities(defaultCapacity, List.of());
    }

    /**
     * Parses channels_redis' {@code channel_capacity} in URL form, {@code glob=n;glob2=m}, in order.
     *
     * @param spec            the rules; blank means none
     * @param defaultCapacity the default capacity
     * @return the capacities
     * @throws IllegalArgumentException if an entry is not {@code glob=n} or n is not a positive
     *                                  integer; the message names the entry
     */
    public static ChannelCapacities parse(String spec, int defaultCapacity) {
        ChannelCapacities result = of(defaultCapacity);
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("channel capacity entry '" + entry
                        + "' must have the form glob=capacity, e.g. http.request=200");
            }
            String glob = entry.substring(0, eq).strip();
            String number = entry.substring(eq + 1).strip();
            int capacity;
            try {
                capacity = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("channel capacity for '" + glob + "' must be an integer >= 1, was '"
                        + number + "'", e);
            }
            result = result.withGlob(glob, capacity);
        }
        return result;
    }

    /**
     * A copy with another default.
     *
     * @param capacity the new default, at least 1
     * @return the new capacities
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public ChannelCapacities withDefault(int capacity) {
        return new ChannelCapacities(capacity, rules);
    }

    /**
     * A copy with a glob rule added after the existing ones.
     *
     * @param glob     an {@code fnmatch}-style glob matched against the whole channel name
     * @param capacity the capacity of matching channels, at least 1
     * @return the new capacities
     * @throws IllegalArgumentException if the capacity is below 1 or the glob is empty
     */
    public ChannelCapacities withGlob(String glob, int capacity) {
        Objects.requireNonNull(glob, "glob");
        if (glob.isEmpty()) {
            throw new IllegalArgumentException("channel capacity glob must not be empty");
        }
        return with(new Rule(glob, Glob.compile(glob), capacity));
    }

    /**
     * A copy with a regular expression rule added after the existing ones.
     *
     * @param regex    matched from the start of the channel name ({@code lookingAt})
     * @param capacity the capacity of matching channels, at least 1
     * @return the new capacities
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public ChannelCapacities withRegex(Pattern regex, int capacity) {
        return with(new Rule(null, Objects.requireNonNull(regex, "regex"), capacity));
    }

    private ChannelCapacities with(Rule rule) {
        List<Rule> copy = new ArrayList<>(rules.size() + 1);
        copy.addAll(rules);
        copy.add(rule);
        return new ChannelCapacities(defaultCapacity, copy);
    }

    /**
     * The capacity of a channel: the first matching rule's, else the default.
     *
     * @param channel the full channel name
     * @return the capacity, at least 1
     */
    public int capacity(String channel) {
        for (Rule rule : rules) {
            if (rule.matches(channel)) {
                return rule.capacity();
            }
        }
        return defaultCapacity;
    }

    /** @return the capacity of channels no rule matches */
    public int defaultCapacity() {
        return defaultCapacity;
    }

    /** @return the rules, in matching order; unmodifiable */
    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChannelCapacities[default=").append(defaultCapacity);
        for (Rule rule : rules) {
            sb.append(", ").append(rule.glob() != null ? rule.glob() : "/" + rule.pattern() + "/")
                    .append('=').append(rule.capacity());
        }
        return sb.append(']').toString();
    }

    static int requireCapacity(String what, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + capacity);
        }
        return capacity;
    }
}

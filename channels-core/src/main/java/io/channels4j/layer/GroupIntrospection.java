package io.channels4j.layer;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An optional channel-layer extension: who is in a group. Channels never offered this (Channels 1
 * had {@code group_channels}, removed in 2; "build your own presence" ever since); a layer that
 * implements it lists {@value #EXTENSION_INTROSPECTION} in {@link ChannelLayer#extensions()}.
 * {@link Presence} is built on it.
 *
 * <pre>{@code
 * GroupIntrospection groups = GroupIntrospection.require(layer);
 * int online = groups.groupSize("chat_lobby");
 * Set<String> channels = groups.groupMembers("chat_lobby");
 * }</pre>
 *
 * <p><b>Semantics.</b> Only unexpired memberships count: a membership ends with
 * {@link ChannelLayer#groupDiscard}, {@code groupExpiry} after the last
 * {@link ChannelLayer#groupAdd} (channels_redis's {@code group_expiry}, one day by default), or
 * (in-memory layer) when the channel is found holding an expired message. Reads drop the expired
 * memberships they meet, as {@link ChannelLayer#groupSend} does, so a read sees exactly the
 * channels a {@code groupSend} made at the same moment would target. A channel whose process
 * crashed without {@code groupDiscard} stays a member until its membership expires: keep
 * {@code groupExpiry} short and refresh memberships with {@code groupAdd} if stale members
 * matter. Results are snapshots, possibly stale the moment they return.
 *
 * <p><b>Labels.</b> A membership may carry a label, a short string stored next to it and visible to
 * every process that shares the layer ({@link #groupAdd(String, String, String)},
 * {@link #groupLabels}); {@link Presence} stores user names there. A label lives as long as its
 * membership: a {@code groupDiscard} or expiry ends both. A plain {@code groupAdd} refreshes the
 * membership and keeps the label, but on Redis the label itself expires {@code groupExpiry} after
 * the last labelled add: refresh labelled memberships with the three-argument {@code groupAdd}.
 *
 * <p><b>Cost.</b> Every method is one round trip to the layer's store: one Lua script on the
 * group's Redis shard, or one pass under the groups' lock of the in-memory layer. {@link #groupMembers} and
 * {@link #groupLabels} are O(members) in time and in the size of the answer;
 * {@link #groupSize} is O(members) in memory and O(log members + expired) on Redis (ZCARD). None
 * of them is meant for every message: for a large room, count or list on connect and follow
 * changes with events (what {@link Presence} does), not per broadcast.
 *
 * <p>Threading: implementations are thread-safe. Every method throws
 * {@link InvalidChannelNameException} for a bad name, {@link IllegalStateException} once the layer
 * is closed, and (network layers) {@link ChannelLayerException} when the store cannot be reached.
 */
public interface GroupIntrospection {

    /** Extension name a layer adds to {@link ChannelLayer#extensions()} when it implements this. */
    String EXTENSION_INTROSPECTION = "introspection";

    /** The longest label accepted, in chars. */
    int MAX_LABEL_LENGTH = 1000;

    /**
     * The channels currently in a group.
     *
     * <p>Cost: O(members), one round trip (Redis: one script, {@code ZREMRANGEBYSCORE} of the
     * expired members then {@code ZRANGE 0 -1}).
     *
     * @param group a valid group name
     * @return the unexpired members, unmodifiable, in no specified order; empty for an unknown group
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    Set<String> groupMembers(String group);

    /**
     * How many channels are currently in a group.
     *
     * <p>Cost: one round trip; O(log members + expired) on Redis ({@code ZREMRANGEBYSCORE} then
     * {@code ZCARD}), O(members) in memory.
     *
     * @param group a valid group name
     * @return the number of unexpired members; 0 for an unknown group
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    int groupSize(String group);

    /**
     * {@link ChannelLayer#groupAdd Adds} a channel to a group, as {@code groupAdd(group, channel)},
     * and sets the membership's label in the same atomic step. Idempotent; the last label wins.
     *
     * @param group   a valid group name
     * @param channel a valid channel name
     * @param label   the label, at most {@value #MAX_LABEL_LENGTH} chars
     * @throws InvalidChannelNameException if a name breaks the rules
     * @throws IllegalArgumentException    if the label is too long
     */
    void groupAdd(String group, String channel, String label);

    /**
     * The labels of a group's current members: channel to label, for the unexpired members that have
     * one (members added only with the two-argument {@code groupAdd} are left out).
     *
     * <p>Cost: O(members), one round trip (Redis: one script that trims the group, reads its
     * members and the label hash, and deletes the labels of members that left).
     *
     * @param group a valid group name
     * @return channel to label, unmodifiable; empty for an unknown group
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    Map<String, String> groupLabels(String group);

    /**
     * The layer's introspection, if it offers it.
     *
     * @param layer a channel layer
     * @return the layer as {@code GroupIntrospection}, or empty when it does not implement it or does
     *         not list {@value #EXTENSION_INTROSPECTION} in its extensions
     */
    static Optional<GroupIntrospection> of(ChannelLayer layer) {
        Objects.requireNonNull(layer, "layer");
        if (layer instanceof GroupIntrospection introspection
                && layer.extensions().contains(EXTENSION_INTROSPECTION)) {
            return Optional.of(introspection);
        }
        return Optional.empty();
    }

    /**
     * The layer's introspection, or a clear error.
     *
     * @param layer a channel layer
     * @return the layer as {@code GroupIntrospection}
     * @throws IllegalArgumentException if the layer does not offer it
     */
    static GroupIntrospection require(ChannelLayer layer) {
        return of(layer).orElseThrow(() -> new IllegalArgumentException(layer
                + " does not support group introspection (extension '" + EXTENSION_INTROSPECTION + "', "
                + "interface GroupIntrospection); InMemoryChannelLayer and RedisChannelLayer do, "
                + "RedisPubSubChannelLayer cannot (its groups live only in each subscribed process)"));
    }

    /**
     * Checks a label for {@link #groupAdd(String, String, String)}; for implementations.
     *
     * @param label the label
     * @return the label
     * @throws NullPointerException     if it is null
     * @throws IllegalArgumentException if it is longer than {@value #MAX_LABEL_LENGTH} chars
     */
    static String requireValidLabel(String label) {
        Objects.requireNonNull(label, "label");
        if (label.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("label longer than " + MAX_LABEL_LENGTH + " chars ("
                    + label.length() + ")");
        }
        return label;
    }
}

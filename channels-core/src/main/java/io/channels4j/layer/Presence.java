package io.channels4j.layer;

import io.channels4j.Message;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who is in a room: a small presence helper on a layer's group {@link GroupIntrospection
 * introspection}. A room is a group; each connection (channel) in it carries the name of its user
 * as the membership's label, and joins and leaves are broadcast to the room as events.
 *
 * <pre>{@code
 * Presence presence = new Presence(channelLayer());          // once per layer; thread-safe
 * presence.join("chat_lobby", channelName(), "alice");       // on connect
 * presence.whoIsIn("chat_lobby");                            // [alice, bob]
 * presence.leave("chat_lobby", channelName(), "alice");      // on disconnect
 * }</pre>
 *
 * <p><b>Events.</b> {@link #join} sends the room {@code {"type": "presence.join", "room": room,
 * "user": user}} after adding the channel, so the joining connection gets its own event too;
 * {@link #leave} sends {@code {"type": "presence.leave", "room": room, "user": user}} after removing
 * it, so the leaving connection does not. A consumer handles them as {@code presenceJoin(Message)}
 * and {@code presenceLeave(Message)}. Events are per connection: a user with two tabs open joins
 * twice and is still present after one {@code presence.leave}. A page that must be exact re-reads
 * {@link #whoIsIn} on each event (O(members) per event and member, fine for chat rooms of tens or
 * hundreds), or keeps a count per user. Events are at-most-once like every group send: members at
 * capacity miss them (counted in {@link ChannelLayer#droppedMessages()}).
 *
 * <p><b>Where the channel-to-user mapping lives</b>: in the layer, as membership labels
 * ({@link GroupIntrospection#groupAdd(String, String, String)}), so every process sharing the
 * layer sees the same answer and the mapping ends exactly when the membership does (discard,
 * expiry). In {@link InMemoryChannelLayer} that is the layer object, i.e. one process. In
 * {@code RedisChannelLayer} it is the hash {@code <prefix>:labels:<room>} (field: channel name,
 * value: user name) on the room's shard, next to the group's sorted set
 * {@code <prefix>:group:<room>}; it expires {@code group_expiry} after the last join or
 * {@link #refresh}, and fields of channels that left are deleted by the next read. Nothing is kept
 * in this object, so any number of {@code Presence} instances on one layer agree.
 * {@code RedisPubSubChannelLayer} cannot list members across processes and is refused.
 *
 * <p><b>Limits.</b> Presence is the group membership, with its expiry: a connection that never
 * calls {@link #leave} (its process crashed or was killed) stays present, and no
 * {@code presence.leave} is ever sent for it, until its membership expires {@code group_expiry}
 * after its last join or refresh (one day by default). To shorten that, configure a shorter
 * {@code group_expiry} and call {@link #refresh} more often than that from live connections.
 * Plain {@link ChannelLayer#groupAdd} members (no user) are in the room but not in
 * {@link #whoIsIn}.
 *
 * <p><b>Cost</b> (Redis; in memory, the same without the network): {@link #join} and
 * {@link #leave} are a group add or discard (one round trip) plus a group send to every member;
 * {@link #whoIsIn} and {@link #connections} are one script, O(members); {@link #refresh} is one
 * round trip.
 *
 * <p>Threading: thread-safe; methods block for the layer's round trips. Every method throws
 * {@link InvalidChannelNameException} for a bad room or channel name and
 * {@link ChannelLayerException} when the layer cannot reach its store.
 */
public final class Presence {

    /** Type of the event {@link #join} sends. */
    public static final String JOIN = "presence.join";
    /** Type of the event {@link #leave} sends. */
    public static final String LEAVE = "presence.leave";

    private final ChannelLayer layer;
    private final GroupIntrospection groups;

    /**
     * Creates the helper.
     *
     * @param layer a layer with group introspection ({@link InMemoryChannelLayer},
     *              {@code RedisChannelLayer})
     * @throws IllegalArgumentException if the layer does not offer {@link GroupIntrospection}
     */
    public Presence(ChannelLayer layer) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.groups = GroupIntrospection.require(layer);
    }

    /**
     * Puts a connection in a room under a user name, then tells the room
     * ({@value #JOIN}). Joining again refreshes the membership and replaces the user name.
     *
     * @param room    the room, a valid group name
     * @param channel the connection's channel, e.g. a consumer's {@code channelName()}
     * @param user    the user name; not empty, at most {@value GroupIntrospection#MAX_LABEL_LENGTH}
     *                chars
     */
    public void join(String room, String channel, String user) {
        groups.groupAdd(room, channel, requireUser(user));
        layer.groupSend(room, event(JOIN, room, user));
    }

    /**
     * Refreshes a connection's membership (and user name) without an event: call it more often than
     * {@code group_expiry} to keep a long-lived connection present.
     *
     * @param room    the room
     * @param channel the connection's channel
     * @param user    the user name
     */
    public void refresh(String room, String channel, String user) {
        groups.groupAdd(room, channel, requireUser(user));
    }

    /**
     * Takes a connection out of a room, then tells the room ({@value #LEAVE}). The event is sent even
     * if the channel was not (or no longer) a member.
     *
     * @param room    the room
     * @param channel the connection's channel
     * @param user    the user name, for the event
     */
    public void leave(String room, String channel, String user) {
        requireUser(user);
        layer.groupDiscard(room, channel);
        layer.groupSend(room, event(LEAVE, room, user));
    }

    /**
     * The users in a room: the distinct user names of its current connections.
     *
     * @param room the room
     * @return the names, sorted, unmodifiable; empty for an unknown room
     */
    public SortedSet<String> whoIsIn(String room) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(groups.groupLabels(room).values()));
    }

    /**
     * The connections in a room that joined with a user name.
     *
     * @param room the room
     * @return channel name to user name, unmodifiable
     */
    public Map<String, String> connections(String room) {
        return groups.groupLabels(room);
    }

    /** @return the layer this helper works on */
    public ChannelLayer layer() {
        return layer;
    }

    private static Message event(String type, String room, String user) {
        return Message.of(Message.TYPE, type, "room", room, "user", user);
    }

    private static String requireUser(String user) {
        Objects.requireNonNull(user, "user");
        GroupIntrospection.requireValidLabel(user);
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        return user;
    }

    @Override
    public String toString() {
        return "Presence[" + layer + "]";
    }
}

package io.channels4j.layer;

import io.channels4j.Message;

import java.time.Duration;
import java.util.Set;

/**
 * A channel layer: named queues ({@code channels}) and named broadcast sets ({@code groups}) that
 * let application instances, in one process or many, talk to each other. The contract is
 * Channels' channel layer spec: at-most-once delivery, FIFO per channel, capacity per channel
 * with {@link ChannelFullException} on {@link #send}, silent (but counted) drops on
 * {@link #groupSend}, message expiry, group expiry, and the name rules of
 * {@link ChannelNames}.
 *
 * <p>Threading: every method is thread-safe. {@link #send}, {@link #groupAdd},
 * {@link #groupDiscard} and {@link #groupSend} do not wait for a receiver; a network layer may
 * block for one round trip. {@link #receive(String)} blocks until a message arrives.
 *
 * <p>Lifecycle: a layer is created once per process (see {@link ChannelLayers}) and shared by all
 * consumers; {@link #close()} releases its resources, after which every method throws
 * {@link IllegalStateException}.
 */
public interface ChannelLayer extends AutoCloseable {

    /** Extension name: the layer supports groups. */
    String EXTENSION_GROUPS = "groups";
    /** Extension name: the layer supports {@link #flush()}. */
    String EXTENSION_FLUSH = "flush";
    /** Key the Redis wire format reserves for routing; not allowed in sent messages. */
    String RESERVED_CHANNEL_KEY = "__asgi_channel__";

    /**
     * Sends a message to a channel.
     *
     * @param channel a valid channel name
     * @param message the message; must not contain {@value #RESERVED_CHANNEL_KEY}
     * @throws ChannelFullException        if the channel holds its capacity of unread messages
     * @throws InvalidChannelNameException if the name breaks the rules
     * @throws IllegalArgumentException    if the message uses the reserved key
     */
    void send(String channel, Message message);

    /**
     * Receives the next message on a channel, waiting as long as needed. For a process-local name
     * ({@code prefix!local}) only the layer instance that created it with {@link #newChannel} can
     * receive.
     *
     * @param channel a valid channel name
     * @return the next message
     * @throws InterruptedException        if interrupted while waiting
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    Message receive(String channel) throws InterruptedException;

    /**
     * Receives the next message on a channel, waiting at most {@code timeout}.
     *
     * @param channel a valid channel name
     * @param timeout how long to wait
     * @return the next message, or null on timeout
     * @throws InterruptedException        if interrupted while waiting
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    Message receive(String channel, Duration timeout) throws InterruptedException;

    /**
     * Creates a new process-local channel name, {@code specific.<layer id>!<random>}, receivable
     * only through this layer instance. No I/O.
     *
     * @return the new name
     */
    default String newChannel() {
        return newChannel("specific");
    }

    /**
     * Creates a new process-local channel name with the given prefix.
     *
     * @param prefix the prefix, a valid name part
     * @return the new name
     */
    String newChannel(String prefix);

    /**
     * Adds a channel to a group; idempotent; refreshes the membership's expiry.
     *
     * @param group   a valid group name
     * @param channel a valid channel name
     * @throws InvalidChannelNameException if a name breaks the rules
     */
    void groupAdd(String group, String channel);

    /**
     * Removes a channel from a group; a no-op if it is not a member.
     *
     * @param group   a valid group name
     * @param channel a valid channel name
     * @throws InvalidChannelNameException if a name breaks the rules
     */
    void groupDiscard(String group, String channel);

    /**
     * Sends a message to every channel of a group. Never throws {@link ChannelFullException}:
     * members at capacity miss the message, and the drop is counted
     * ({@link #droppedMessages()}) and logged.
     *
     * @param group   a valid group name
     * @param message the message
     * @throws InvalidChannelNameException if the name breaks the rules
     */
    void groupSend(String group, Message message);

    /**
     * Empties the layer: every message and every group, across every process sharing it. For
     * tests.
     */
    void flush();

    /**
     * Releases the layer's resources (threads, connections). Idempotent.
     */
    @Override
    void close();

    /**
     * The capacity of a channel: the default, or the first matching per-channel pattern.
     *
     * @param channel the channel name
     * @return how many unread messages it may hold
     */
    int capacity(String channel);

    /**
     * How many messages {@link #groupSend} has dropped because a member channel was full, since
     * the layer was created.
     *
     * @return the count
     */
    long droppedMessages();

    /**
     * Delivers a process-local channel's messages to a sink as they arrive, instead of through
     * {@link #receive}: the way consumers merge layer messages into their {@link io.channels4j.Inbox}
     * without a thread per consumer. Messages already waiting are delivered first. While
     * subscribed, the channel's capacity is enforced by the sink's answer: a refused message counts
     * as a full channel.
     *
     * <p>The default implementation runs one virtual thread per subscription that loops on
     * {@link #receive(String)}; layers that can push override it.
     *
     * @param channel a channel created by this layer's {@link #newChannel}
     * @param sink    called on a layer thread for each message; must not block
     * @return the subscription; close it to stop delivery
     */
    default Subscription subscribe(String channel, ChannelSink sink) {
        return PumpSubscription.start(this, channel, sink);
    }

    /**
     * The extensions this layer supports.
     *
     * @return {@code groups} and {@code flush} for the built-in layers
     */
    default Set<String> extensions() {
        return Set.of(EXTENSION_GROUPS, EXTENSION_FLUSH);
    }
}

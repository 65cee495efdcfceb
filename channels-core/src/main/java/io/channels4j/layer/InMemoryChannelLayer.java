package io.channels4j.layer;

import io.channels4j.Message;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChannelLayer} inside one JVM: Channels' {@code InMemoryChannelLayer}, for tests,
 * development and single-process deployments. Channels and groups live in this object only;
 * other processes cannot see them (use the Redis layer for that).
 *
 * <pre>{@code
 * ChannelLayer layer = InMemoryChannelLayer.builder()
 *         .capacity(200)
 *         .expiry(Duration.ofSeconds(30))
 *         .channelCapacity("http.request", 1000)
 *         .build();
 * }</pre>
 *
 * <p>Semantics, as Channels' in-memory layer plus per-channel capacities:
 * <ul>
 *   <li>one FIFO queue per exact channel name (a process-local name is just a name here); a
 *       message sent after another by the same thread is received after it;</li>
 *   <li>{@link #send} throws {@link ChannelFullException} when the channel holds
 *       {@link #capacity(String)} unexpired messages;</li>
 *   <li>a message expires {@code expiry} after it was sent. Expired messages are dropped lazily
 *       (on send, receive and group send to that channel, and in a sweep at most once per
 *       {@code expiry} of clock time), and a channel found holding one leaves every group, the
 *       spec's persistence rule;</li>
 *   <li>a group membership expires {@code groupExpiry} after the last {@link #groupAdd};</li>
 *   <li>{@link #groupSend} skips members that are full, counts them in
 *       {@link #droppedMessages()} and logs the count at INFO, as channels_redis does.</li>
 * </ul>
 * Messages are not copied: {@link Message} is immutable, so the receiver gets the very object
 * the sender built.
 *
 * <p>It also offers {@link GroupIntrospection} ({@code groupMembers}, {@code groupSize}, labels):
 * O(members) under the groups' lock, no copying of messages.
 *
 * <p>Threading: thread-safe; every channel has its own lock and wait condition, so receivers on
 * different channels never wake each other, and {@link #receive(String)} waits without spinning.
 * Expiry uses the builder's {@link Clock}; receive timeouts use real time.
 *
 * <p>Lifecycle: usable once built; {@link #close()} makes every later call except
 * {@code close} throw {@link IllegalStateException} ({@code layer is closed}) and wakes blocked
 * receivers with that exception.
 */
public final class InMemoryChannelLayer implements ChannelLayer, GroupIntrospection {

    private static final Logger log = LoggerFactory.getLogger(InMemoryChannelLayer.class);
    private static final SecureRandom ID_RANDOM = new SecureRandom();
    private static final int ID_LENGTH = 12;
    /** What {@link #newChannel} appends to the prefix: {@code "." + id + "!" + local}. */
    private static final int NEW_CHANNEL_SUFFIX = 2 + 2 * ID_LENGTH;
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final Duration expiry;
    private final Duration groupExpiry;
    private final ChannelCapacities capacities;
    private final Clock clock;
    private final String layerId;
    private final InMemoryGroups groups = new InMemoryGroups();
    private final InMemoryChannels channels;
    private final LongAdder dropped = new LongAdder();
    private final AtomicReference<Instant> nextSweep;
    private volatile boolean closed;

    /** Creates a layer with the defaults: expiry 60 s, group expiry 1 day, capacity 100. */
    public InMemoryChannelLayer() {
        this(InMemoryChannelLayerBuilder.DEFAULT_EXPIRY, InMemoryChannelLayerBuilder.DEFAULT_GROUP_EXPIRY,
                ChannelCapacities.of(InMemoryChannelLayerBuilder.DEFAULT_CAPACITY), Clock.systemUTC());
    }

    InMemoryChannelLayer(Duration expiry, Duration groupExpiry, ChannelCapacities capacities, Clock clock) {
        this.expiry = expiry;
        this.groupExpiry = groupExpiry;
        this.capacities = capacities;
        this.clock = clock;
        this.layerId = randomId();
        this.channels = new InMemoryChannels(capacities, groups);
        this.nextSweep = new AtomicReference<>(clock.instant().plus(expiry));
    }

    /**
     * Starts a builder with the defaults of Channels' in-memory layer.
     *
     * @return a new builder; not thread-safe
     */
    public static InMemoryChannelLayerBuilder builder() {
        return new InMemoryChannelLayerBuilder();
    }

    @Override
    public void send(String channel, Message message) {
        ChannelNames.requireValidChannelName(channel);
        requireSendable(message);
        checkOpen();
        Instant now = now();
        sweepIfDue(now);
        InMemoryChannel ch = channels.lock(channel);
        InMemoryChannel.Offer result;
        try {
            result = ch.offer(message, now, now.plus(expiry), false);
        } finally {
            channels.release(ch);
        }
        if (result != InMemoryChannel.Offer.ACCEPTED) {
            throw new ChannelFullException(channel, ch.capacity());
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the channel has an active {@link #subscribe subscription}
     *                               or the layer is closed
     */
    @Override
    public Message receive(String channel) throws InterruptedException {
        return receive(channel, -1);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the channel has an active {@link #subscribe subscription}
     *                               or the layer is closed
     */
    @Override
    public Message receive(String channel, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return receive(channel, InMemoryChannel.toNanos(timeout));
    }

    private Message receive(String channel, long timeoutNanos) throws InterruptedException {
        ChannelNames.requireValidReceiveName(channel);
        checkOpen();
        sweepIfDue(now());
        InMemoryChannel ch = channels.lockInterruptibly(channel);
        boolean got = false;
        try {
            long left = timeoutNanos;
            while (true) {
                checkOpen();
                if (ch.isSubscribed()) {
                    throw new IllegalStateException("channel '" + channel
                            + "' has an active subscription; receive is not supported until it is closed");
                }
                ch.purgeExpired(now());
                Message message = ch.poll();
                if (message != null) {
                    got = true;
                    return message;
                }
                if (timeoutNanos >= 0 && left <= 0) {
                    return null;
                }
                left = ch.await(timeoutNanos < 0 ? -1 : left);
            }
        } finally {
            if (!got) {
                ch.passSignalOn();
            }
            channels.release(ch);
        }
    }

    @Override
    public String newChannel(String prefix) {
        ChannelNames.requireValidPrefix(prefix, NEW_CHANNEL_SUFFIX);
        checkOpen();
        StringBuilder name = new StringBuilder(prefix.length() + NEW_CHANNEL_SUFFIX)
                .append(prefix).append('.').append(layerId).append('!');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ID_LENGTH; i++) {
            name.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return name.toString();
    }

    @Override
    public void groupAdd(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        groups.add(group, channel, now().plus(groupExpiry));
    }

    @Override
    public void groupDiscard(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        groups.discard(group, channel);
    }

    @Override
    public void groupSend(String group, Message message) {
        ChannelNames.requireValidGroupName(group);
        requireSendable(message);
        checkOpen();
        Instant now = now();
        sweepIfDue(now);
        List<String> members = groups.members(group, now);
        Instant expiresAt = now.plus(expiry);
        int full = 0;
        for (String channel : members) {
            InMemoryChannel ch = channels.lock(channel);
            try {
                if (ch.offer(message, now, expiresAt, true) == InMemoryChannel.Offer.FULL) {
                    full++;
                }
            } finally {
                channels.release(ch);
            }
        }
        if (full > 0) {
            dropped.add(full);
            log.info("{} of {} channels over capacity in group {}", full, members.size(), group);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waiting receivers keep waiting and subscriptions stay active.
     */
    @Override
    public void flush() {
        checkOpen();
        groups.clear();
        channels.forEachLocked(InMemoryChannel::clear);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channels.forEachLocked(InMemoryChannel::wakeAll);
        log.debug("closed in-memory channel layer {}", layerId);
    }

    @Override
    public int capacity(String channel) {
        checkOpen();
        return capacities.capacity(channel);
    }

    @Override
    public long droppedMessages() {
        checkOpen();
        return dropped.sum();
    }

    /**
     * Pushes the channel's messages to {@code sink} on the sending thread, while the channel is
     * locked, so the sink sees them in send order: messages already queued first, then each new
     * one as it is sent. A message the sink refuses makes {@link #send} throw
     * {@link ChannelFullException} (and counts as a drop for {@link #groupSend}); queued messages
     * it refused at subscribe time stay queued and are offered again before the next send. While
     * subscribed, {@link #receive} on the channel throws {@link IllegalStateException}. Closing
     * the subscription returns the channel to queueing.
     *
     * @param channel any valid channel name (not only names from {@link #newChannel})
     * @param sink    must not block and must not send to the same channel
     * @return the subscription; closing it is idempotent and thread-safe
     * @throws IllegalStateException if the channel already has a subscription or the layer is
     *                               closed
     */
    @Override
    public Subscription subscribe(String channel, ChannelSink sink) {
        ChannelNames.requireValidReceiveName(channel);
        Objects.requireNonNull(sink, "sink");
        checkOpen();
        Object token = new Object();
        InMemoryChannel ch = channels.lock(channel);
        try {
            if (ch.isSubscribed()) {
                throw new IllegalStateException("channel '" + channel + "' already has a subscription");
            }
            ch.subscribe(sink, token, now());
        } finally {
            channels.release(ch);
        }
        return () -> unsubscribe(channel, token);
    }

    private void unsubscribe(String channel, Object token) {
        InMemoryChannel ch = channels.lockExisting(channel);
        if (ch != null) {
            try {
                ch.unsubscribe(token);
            } finally {
                channels.release(ch);
            }
        }
    }

    /** @return how long a message waits unread before it is dropped */
    public Duration expiry() {
        return expiry;
    }

    /** @return how long a group membership lasts after the last {@link #groupAdd} */
    public Duration groupExpiry() {
        return groupExpiry;
    }

    /** @return the default capacity and per-channel rules */
    public ChannelCapacities capacities() {
        return capacities;
    }

    /** @return how many channels currently hold state (messages, waiters or a subscription); for tests */
    int channelCount() {
        return channels.size();
    }

    @Override
    public String toString() {
        return "InMemoryChannelLayer[id=" + layerId + ", channels=" + channels.size() + ", groups=" + groups.size()
                + ", " + capacities + ", expiry=" + expiry + ", groupExpiry=" + groupExpiry
                + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- introspection

    @Override
    public Set<String> groupMembers(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        Instant now = now();
        sweepIfDue(now);
        return Collections.unmodifiableSet(new LinkedHashSet<>(groups.members(group, now)));
    }

    @Override
    public int groupSize(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        Instant now = now();
        sweepIfDue(now);
        return groups.members(group, now).size();
    }

    @Override
    public void groupAdd(String group, String channel, String label) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        GroupIntrospection.requireValidLabel(label);
        checkOpen();
        groups.add(group, channel, now().plus(groupExpiry), label);
    }

    @Override
    public Map<String, String> groupLabels(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        Instant now = now();
        sweepIfDue(now);
        return Collections.unmodifiableMap(groups.labels(group, now));
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code groups}, {@code flush} and {@value GroupIntrospection#EXTENSION_INTROSPECTION}
     */
    @Override
    public Set<String> extensions() {
        return Set.of(EXTENSION_GROUPS, EXTENSION_FLUSH, EXTENSION_INTROSPECTION);
    }

    // ---------------------------------------------------------------- internals

    private Instant now() {
        return clock.instant();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("layer is closed");
        }
    }

    private static void requireSendable(Message message) {
        Objects.requireNonNull(message, "message");
        if (message.has(RESERVED_CHANNEL_KEY)) {
            throw new IllegalArgumentException("message must not contain the key '" + RESERVED_CHANNEL_KEY
                    + "': channel layers reserve it for routing");
        }
    }

    /**
     * Drops expired messages and memberships everywhere, at most once per {@code expiry} of
     * clock time, so channels nobody reads again do not hold memory forever.
     */
    private void sweepIfDue(Instant now) {
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(expiry))) {
            return;
        }
        channels.forEachLocked(ch -> ch.purgeExpired(now));
        groups.expire(now);
    }

    private static String randomId() {
        char[] id = new char[ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = (char) ('a' + ID_RANDOM.nextInt(26));
        }
        return new String(id);
    }
}

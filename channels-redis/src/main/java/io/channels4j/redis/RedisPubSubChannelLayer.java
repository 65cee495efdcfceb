package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelCapacities;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.ChannelSink;
import io.channels4j.layer.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.Pool;

/**
 * A channel layer on Redis pub/sub, compatible with Python's channels_redis 4.0
 * {@code RedisPubSubChannelLayer}: Java and Python processes configured with the same hosts and
 * prefix share channels and groups.
 *
 * <pre>{@code
 * ChannelLayer layer = RedisPubSubChannelLayer.builder().host("redis://127.0.0.1:6379/0").build();
 * // or: ChannelLayers.create("redis-pubsub://127.0.0.1:6379/0?prefix=asgi")
 * }</pre>
 *
 * <p><b>Wire format</b> (that of channels_redis's pub/sub layer): {@link #newChannel()} returns
 * {@code prefix + "specific." + uuid4hex}, e.g. {@code asgispecific.0f3c…} &mdash; no {@code !},
 * because the name itself is the Redis pub/sub channel and no process-local routing is needed. A
 * group is the pub/sub channel {@code prefix + "__group__" + group}. {@link #send} is one
 * {@code PUBLISH} of the plain msgpack message (no random prefix, no {@code __asgi_channel__}, no
 * encryption) on the shard CRC32-hashed from the channel name; {@link #groupSend} is one
 * {@code PUBLISH} on the group channel's shard, and every process with a member subscribed fans it
 * out to its local members. Nothing is ever stored in Redis: {@link #flush()} deletes nothing
 * there.
 *
 * <p><b>Delivery semantics</b>, weaker than {@link RedisChannelLayer}'s and documented as such by
 * channels_redis: at-most-once, no persistence, no expiry and no capacity on the Redis side. A
 * message reaches only the processes subscribed when Redis handles the {@code PUBLISH}; one sent to
 * a channel nobody listens to, or published while a subscriber connection is down (Redis
 * restarting, network), is lost silently. {@link #send} therefore never throws
 * {@link io.channels4j.layer.ChannelFullException}: capacity applies in the receiving process,
 * where each local channel buffers at most {@link #capacity(String)} unread messages; a message
 * that finds the buffer full, or that a {@link #subscribe subscription}'s sink refuses, is dropped,
 * logged and counted in {@link #droppedMessages()}. Receiving on a name this process did not create
 * ({@link #receive} or {@link #subscribe} on a foreign name, e.g. a worker channel) subscribes to it
 * on demand, as Python does; every process doing so gets its own copy of each message.
 *
 * <p><b>Channel lifetime.</b> A channel stays subscribed until it is released: by closing its
 * {@link Subscription} (what a consumer does when it ends &mdash; the Java counterpart of Python
 * unsubscribing when a consumer's {@code receive} is cancelled), by {@link #release(String)}, by
 * {@link #flush()} or by {@link #close()}. Releasing also removes it from its groups, and the
 * process unsubscribes from a group when its last local member leaves.
 *
 * <p><b>Threading.</b> Every method is thread-safe. {@link #send}/{@link #groupSend} make one
 * round trip on a pooled connection and throw {@link ChannelLayerException} if Redis cannot be
 * reached within the timeout. {@link #newChannel}, {@link #groupAdd} and an on-demand
 * {@link #receive}/{@link #subscribe} wait (at most the timeout) until Redis has confirmed the
 * subscription, so that messages published after they return are seen; if it does not, they undo
 * what they did and throw {@link ChannelLayerException}. Each shard has one subscriber connection,
 * read by one daemon platform thread ({@code channels4j-redis-pubsub-<n>}, started on first use)
 * that decodes messages and hands them to sinks and buffers; it reconnects with backoff (up to
 * 5 s) and resubscribes when the connection breaks. Sinks are called on that thread and must not
 * block.
 *
 * <p><b>Differences from channels_redis 4.0</b>, deliberate: local buffers are bounded (Python's
 * queues are unbounded); {@link #groupDiscard} of a non-member is a no-op (4.0 asserts, fixed in
 * 4.1); names are checked with {@link ChannelNames} and the prefix must be made of name characters
 * (Python checks nothing); closing a {@link Subscription} or {@link #release(String)} plays the
 * part of Python's unsubscribe-on-cancel; {@link #flush()} releases every local channel but keeps
 * the connections (Python closes them). Each subscriber connection is also subscribed to one private keep-alive channel,
 * {@code prefix + "__listener__" + instance id}.
 *
 * <p><b>No group introspection.</b> This layer does not implement
 * {@link io.channels4j.layer.GroupIntrospection} (nor list its extension), so
 * {@link io.channels4j.layer.Presence} refuses it: a group's members are known only to the
 * processes they are subscribed in, and Redis holds no membership that one process could list for
 * all. Use {@link RedisChannelLayer} for "who is in room X".
 *
 * <p>Lifecycle: build once per process and share; {@link #close()} releases every channel, stops
 * the threads and closes the pools, after which every method throws
 * {@link IllegalStateException}.
 */
public final class RedisPubSubChannelLayer implements ChannelLayer {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubChannelLayer.class);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** {@code "." + 32 hex digits}: what {@link #newChannel(String)} appends to the prefixes. */
    private static final int CHANNEL_SUFFIX = 33;

    private final String prefix;
    private final ChannelCapacities capacities;
    private final Duration timeout;
    private final String instanceId;
    private final List<RedisPubSubShard> shards;
    /** Local channels by name. Changed under {@link #state}; read freely by the shard threads. */
    private final Map<String, RedisPubSubLocalChannel> channels = new ConcurrentHashMap<>();
    /** Local members by group channel, as immutable lists. Changed under {@link #state}. */
    private final Map<String, List<RedisPubSubLocalChannel>> groups = new ConcurrentHashMap<>();
    private final ReentrantLock state = new ReentrantLock();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);
    private volatile boolean closed;

    /** A Redis server: its name for messages, and its pool. */
    record Host(String name, Pool<Jedis> pool) {
    }

    RedisPubSubChannelLayer(List<Host> hosts, String prefix, ChannelCapacities capacities, Duration timeout,
                            String instanceId) {
        this.prefix = prefix;
        this.capacities = capacities;
        this.timeout = timeout;
        this.instanceId = instanceId;
        List<RedisPubSubShard> list = new ArrayList<>(hosts.size());
        String keepAlive = prefix + "__listener__" + instanceId;
        for (Host host : hosts) {
            list.add(new RedisPubSubShard(new RedisShard(host.name(), host.pool()), host.pool(), keepAlive,
                    timeout.toMillis(), this::onRedisMessage));
        }
        this.shards = List.copyOf(list);
    }

    /**
     * Starts configuring a layer; with no host it connects to {@code redis://localhost:6379}.
     *
     * @return a builder with channels_redis's defaults (prefix {@code asgi}) and capacity 100;
     *         not thread-safe
     */
    public static RedisPubSubChannelLayerBuilder builder() {
        return new RedisPubSubChannelLayerBuilder();
    }

    // ------------------------------------------------------------------ send

    /**
     * Publishes a message to a channel: one {@code PUBLISH}, received by every process subscribed
     * to the name at that moment, by nobody otherwise (the message is then lost). Never throws
     * {@link io.channels4j.layer.ChannelFullException}: a full receiver drops the message on its
     * side.
     *
     * @throws ChannelLayerException if Redis cannot be reached
     */
    @Override
    public void send(String channel, Message message) {
        ChannelNames.requireValidChannelName(channel);
        requireSendable(message);
        checkOpen();
        long receivers = shardFor(channel).publish(channel, MessageCodec.encode(message), "send");
        if (receivers == 0) {
            log.debug("no process listens to {}: the message is lost", channel);
        }
    }

    private static void requireSendable(Message message) {
        Objects.requireNonNull(message, "message");
        if (message.has(RESERVED_CHANNEL_KEY)) {
            throw new IllegalArgumentException("message must not contain the reserved key '" + RESERVED_CHANNEL_KEY
                    + "'");
        }
    }

    // ------------------------------------------------------------------ receive

    @Override
    public Message receive(String channel) throws InterruptedException {
        Message message;
        do {
            message = receive(channel, Duration.ofDays(1));
        } while (message == null);
        return message;
    }

    /**
     * Takes the next message of a local channel, waiting at most {@code timeout}. On a name this
     * process does not listen to yet it subscribes first (as Python does): from then on the name
     * is local, and it stays subscribed, buffering, until {@link #release released}.
     *
     * @throws ChannelLayerException if subscribing on demand fails (Redis unreachable)
     * @throws IllegalStateException if the channel has an active {@link #subscribe subscription}
     */
    @Override
    public Message receive(String channel, Duration timeout) throws InterruptedException {
        ChannelNames.requireValidReceiveName(channel);
        Objects.requireNonNull(timeout, "timeout");
        checkOpen();
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(365));
        while (true) {
            RedisPubSubLocalChannel local = localOrAdopt(channel);
            Object item = local.poll(deadline - System.nanoTime());
            if (item instanceof Message message) {
                return message;
            }
            if (item == null) {
                return null;
            }
            // released while we waited (flush, release): wait again on a fresh subscription
            checkOpen();
            if (deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ channels

    /**
     * Creates a channel, {@code prefix + channelPrefix + "." + uuid4hex} (Python's
     * {@code new_channel("specific.")} for the default), and subscribes this process to it,
     * waiting for Redis to confirm.
     *
     * @throws ChannelLayerException if Redis does not confirm the subscription within the timeout
     */
    @Override
    public String newChannel(String channelPrefix) {
        ChannelNames.requireValidPrefix(channelPrefix, prefix.length() + CHANNEL_SUFFIX);
        checkOpen();
        String name = prefix + channelPrefix + "." + UUID.randomUUID().toString().replace("-", "");
        RedisPubSubLocalChannel local = new RedisPubSubLocalChannel(name, capacity(name));
        CompletableFuture<Void> subscribed;
        state.lock();
        try {
            checkOpen();
            channels.put(name, local);
            subscribed = shardFor(name).subscribe(name);
        } finally {
            state.unlock();
        }
        awaitSubscribed(subscribed, name, () -> release(local));
        return name;
    }

    /**
     * Delivers a channel's messages to a sink on the shard's thread; buffered messages first. A
     * message the sink refuses is dropped and counted. Closing the subscription
     * {@link #release(String) releases} the channel: it is unsubscribed and leaves its groups. A
     * name this process does not listen to is subscribed on demand.
     *
     * @throws ChannelLayerException if subscribing on demand fails (Redis unreachable)
     * @throws IllegalStateException if the channel already has an active subscription
     */
    @Override
    public Subscription subscribe(String channel, ChannelSink sink) {
        ChannelNames.requireValidReceiveName(channel);
        Objects.requireNonNull(sink, "sink");
        checkOpen();
        while (true) {
            RedisPubSubLocalChannel local = localOrAdopt(channel);
            int refused = local.attach(sink);
            if (refused < 0) {
                checkOpen();
                continue; // released meanwhile (flush): subscribe afresh
            }
            if (refused > 0) {
                dropped(local, refused);
            }
            return () -> {
                if (local.detach(sink)) {
                    release(local);
                }
            };
        }
    }

    /**
     * Stops listening to a channel: unsubscribes from it, removes it from its groups (unsubscribing
     * from groups left without local members), discards its buffered messages and wakes its
     * receivers, which resubscribe on demand. The Java counterpart of Python unsubscribing a
     * channel when a consumer's {@code receive} is cancelled. A no-op for a name this process does
     * not listen to.
     *
     * @param channel the channel name
     */
    public void release(String channel) {
        Objects.requireNonNull(channel, "channel");
        checkOpen();
        RedisPubSubLocalChannel local = channels.get(channel);
        if (local != null) {
            release(local);
        }
    }

    private void release(RedisPubSubLocalChannel local) {
        state.lock();
        try {
            if (channels.remove(local.name, local)) {
                shardFor(local.name).unsubscribe(local.name);
            }
            for (String groupChannel : local.groups) {
                removeMember(groupChannel, local);
            }
            local.groups.clear();
        } finally {
            state.unlock();
        }
        local.release();
    }

    /** The local channel, subscribing to the name on demand. */
    private RedisPubSubLocalChannel localOrAdopt(String channel) {
        RedisPubSubLocalChannel local = channels.get(channel);
        if (local != null) {
            return local;
        }
        CompletableFuture<Void> subscribed;
        state.lock();
        try {
            checkOpen();
            local = channels.get(channel);
            if (local != null) {
                return local;
            }
            local = new RedisPubSubLocalChannel(channel, capacity(channel));
            channels.put(channel, local);
            subscribed = shardFor(channel).subscribe(channel);
        } finally {
            state.unlock();
        }
        RedisPubSubLocalChannel adopted = local;
        awaitSubscribed(subscribed, channel, () -> release(adopted));
        return adopted;
    }

    // ------------------------------------------------------------------ groups

    /**
     * Adds a local channel to a group: records the membership in this process and subscribes it to
     * the group channel (once per group), waiting for Redis to confirm. Idempotent.
     *
     * @throws IllegalArgumentException if this process does not listen to the channel (created by
     *                                  {@link #newChannel}, or being received here), as Python
     *                                  raises {@code RuntimeError}
     * @throws ChannelLayerException    if Redis does not confirm the subscription within the
     *                                  timeout; a membership this call added is undone
     */
    @Override
    public void groupAdd(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        String groupChannel = groupChannel(group);
        RedisPubSubLocalChannel local;
        boolean added;
        CompletableFuture<Void> subscribed;
        state.lock();
        try {
            checkOpen();
            local = channels.get(channel);
            if (local == null) {
                throw new IllegalArgumentException("groupAdd('" + group + "', '" + channel + "'): the pub/sub layer "
                        + "can only add channels that exist in this process (created by this layer's newChannel(), "
                        + "or being received here); consumers should use groupAdd(group, channelName())");
            }
            added = local.groups.add(groupChannel);
            if (added) {
                groups.merge(groupChannel, List.of(local), RedisPubSubChannelLayer::append);
            }
            subscribed = shardFor(groupChannel).subscribe(groupChannel);
        } finally {
            state.unlock();
        }
        awaitSubscribed(subscribed, groupChannel, () -> {
            if (added) {
                discard(groupChannel, local);
            }
        });
    }

    /**
     * Removes a channel from a group in this process; unsubscribes from the group channel when its
     * last local member leaves. A no-op if the channel is not a local member.
     */
    @Override
    public void groupDiscard(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        RedisPubSubLocalChannel local = channels.get(channel);
        if (local != null) {
            discard(groupChannel(group), local);
        }
    }

    private void discard(String groupChannel, RedisPubSubLocalChannel local) {
        state.lock();
        try {
            if (local.groups.remove(groupChannel)) {
                removeMember(groupChannel, local);
            }
        } finally {
            state.unlock();
        }
    }

    /** Caller holds {@link #state}. */
    private void removeMember(String groupChannel, RedisPubSubLocalChannel local) {
        List<RedisPubSubLocalChannel> left = groups.computeIfPresent(groupChannel, (g, members) -> {
            List<RedisPubSubLocalChannel> rest = new ArrayList<>(members);
            rest.remove(local);
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
        if (left == null) {
            shardFor(groupChannel).unsubscribe(groupChannel);
        }
    }

    private static List<RedisPubSubLocalChannel> append(List<RedisPubSubLocalChannel> members,
                                                        List<RedisPubSubLocalChannel> more) {
        List<RedisPubSubLocalChannel> all = new ArrayList<>(members);
        all.addAll(more);
        return List.copyOf(all);
    }

    /**
     * Publishes a message to a group: one {@code PUBLISH} on the group channel; each process with
     * local members delivers a copy to each of them. Members whose buffer is full (or whose sink
     * refuses) miss it; their process counts the drop.
     *
     * @throws ChannelLayerException if Redis cannot be reached
     */
    @Override
    public void groupSend(String group, Message message) {
        ChannelNames.requireValidGroupName(group);
        requireSendable(message);
        checkOpen();
        String groupChannel = groupChannel(group);
        long processes = shardFor(groupChannel).publish(groupChannel, MessageCodec.encode(message), "group send");
        log.trace("group {}: published to {} subscribed processes", group, processes);
    }

    // ------------------------------------------------------------------ delivery (shard threads)

    private void onRedisMessage(String redisChannel, byte[] body) {
        RedisPubSubLocalChannel direct = channels.get(redisChannel);
        List<RedisPubSubLocalChannel> members = groups.get(redisChannel);
        if (direct == null && members == null) {
            log.debug("ignored a message on {}: nothing in this process listens to it any more", redisChannel);
            return;
        }
        Message message;
        try {
            message = MessageCodec.decode(body);
        } catch (RuntimeException e) {
            dropped.increment();
            log.warn("dropped a message on {} that could not be decoded: {}", redisChannel, e.getMessage());
            return;
        }
        if (direct != null && !direct.deliver(message)) {
            dropped(direct, 1);
        }
        if (members != null) {
            for (RedisPubSubLocalChannel member : members) {
                if (!member.deliver(message)) {
                    dropped(member, 1);
                }
            }
        }
    }

    private void dropped(RedisPubSubLocalChannel local, int count) {
        dropped.add(count);
        long now = System.nanoTime();
        long last = lastDropLog.get();
        if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
            log.warn("channel {} is full ({} unread at most) or its receiver refused: dropped {} message(s); "
                    + "{} dropped by this layer so far (further drops are logged at debug for 10 s)",
                    local.name, local.capacity, count, dropped.sum());
        } else {
            log.debug("channel {} is full or its receiver refused: dropped {} message(s)", local.name, count);
        }
    }

    // ------------------------------------------------------------------ the rest

    /**
     * Makes this process's side of the layer like new: releases every local channel (their
     * subscriptions and group memberships; blocked receivers wake up and resubscribe on demand).
     * Deletes nothing in Redis, which holds nothing, and does not reach other processes: as
     * Python's pub/sub layer, unlike the spec's "whole system" flush.
     */
    @Override
    public void flush() {
        checkOpen();
        for (RedisPubSubLocalChannel local : List.copyOf(channels.values())) {
            release(local);
        }
    }

    @Override
    public void close() {
        state.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            state.unlock();
        }
        for (RedisPubSubLocalChannel local : List.copyOf(channels.values())) {
            release(local);
        }
        for (RedisPubSubShard shard : shards) {
            shard.close();
        }
    }

    /** The most unread messages a local channel buffers: the default or the first matching pattern. */
    @Override
    public int capacity(String channel) {
        return capacities.capacity(channel);
    }

    /**
     * Messages this process did not deliver because a local channel's buffer was full, its sink
     * refused, or the bytes were not a message, since the layer was created. Messages lost in Redis
     * (nobody subscribed, connection down) are not counted: nothing sees them.
     */
    @Override
    public long droppedMessages() {
        return dropped.sum();
    }

    /** @return the prefix of channel and group names (default {@code asgi}) */
    public String prefix() {
        return prefix;
    }

    /** @return the hosts, in shard order */
    public List<String> hosts() {
        return shards.stream().map(RedisPubSubShard::name).toList();
    }

    /**
     * The Redis pub/sub channel of a group, {@code prefix + "__group__" + group}.
     *
     * @param group a group name
     * @return the channel name
     */
    public String groupChannel(String group) {
        return prefix + "__group__" + group;
    }

    /** @return how many channels this process listens to (for leak checks) */
    public int localChannelCount() {
        return channels.size();
    }

    /** @return how many Redis subscriptions this layer holds or is making, keep-alives excepted */
    public int subscriptionCount() {
        int count = 0;
        for (RedisPubSubShard shard : shards) {
            count += shard.subscriptionCount();
        }
        return count;
    }

    /** @return the Redis client name of this layer's connections (for tests) */
    String clientName() {
        return RedisPubSubChannelLayerBuilder.clientName(instanceId);
    }

    // ------------------------------------------------------------------ helpers

    private RedisPubSubShard shardFor(String name) {
        return shards.get(ConsistentHash.shard(name, shards.size()));
    }

    private void awaitSubscribed(CompletableFuture<Void> subscribed, String name, Runnable undo) {
        try {
            subscribed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            undo.run();
            throw new ChannelLayerException("Redis " + shardFor(name) + " is unavailable: could not subscribe to '"
                    + name + "' within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            undo.run();
            if (e.getCause() instanceof IllegalStateException closedMeanwhile) {
                throw new IllegalStateException(closedMeanwhile.getMessage(), e);
            }
            throw new ChannelLayerException("could not subscribe to '" + name + "': " + e.getCause(), e);
        } catch (InterruptedException e) {
            undo.run();
            Thread.currentThread().interrupt();
            throw new ChannelLayerException("interrupted while subscribing to '" + name + "'", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("layer is closed");
        }
    }

    @Override
    public String toString() {
        return "RedisPubSubChannelLayer" + hosts() + " prefix=" + prefix;
    }
}

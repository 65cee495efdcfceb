package io.channels4j.redis;

import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import io.channels4j.layer.ChannelCapacities;
import io.channels4j.layer.ChannelFullException;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.ChannelSink;
import io.channels4j.layer.GroupIntrospection;
import io.channels4j.layer.Subscription;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/**
 * The production channel layer: Redis, wire-compatible with Python's channels_redis 4.0, so Java
 * and Python Django processes share one Redis, one set of channels and one set of groups.
 *
 * <pre>{@code
 * ChannelLayer layer = RedisChannelLayer.builder().host("redis://127.0.0.1:6379/0").build();
 * // or: ChannelLayers.create("redis://127.0.0.1:6379/0?capacity=200")
 * }</pre>
 *
 * <p>Wire format: keys {@code prefix + channel} (a process-local name up to its {@code !}) and
 * {@code prefix + ":group:" + group}; sorted sets scored by send time in float seconds; each member
 * 12 random bytes followed by the msgpack body (optionally Fernet-encrypted with channels_redis's
 * key derivation), with {@code __asgi_channel__} naming the local channel (a string on send, a
 * list on group send); CRC32 sharding over several hosts. One difference, deliberate: a send to a
 * process-local channel is sharded by its non-local part, where channels_redis hashes the whole
 * name and can put the message on a shard nobody reads (django/channels#1492).
 *
 * <p>Receiving: one loop per layer instance pops this process's queue key in batches and routes
 * messages to consumers' inboxes ({@link #subscribe}), one Redis round trip per wake-up; a
 * receive on a normal channel (workers) is one round trip per wait of at most a second, a
 * pipeline of channels_redis's {@code $inflight} restore and {@code BZPOPMIN}, so Python and Java
 * readers can share a queue. {@link #receive(String, Duration)} says what a receive guarantees
 * when it is interrupted or its connection breaks.
 *
 * <p>Group introspection ({@link GroupIntrospection}): {@link #groupMembers} and
 * {@link #groupSize} are one script each on the group's shard, trimming expired memberships as
 * {@link #groupSend} does; membership labels (what {@link io.channels4j.layer.Presence} stores
 * user names in) live in a hash next to the group, {@code prefix + ":labels:" + group} (field:
 * channel name, value: UTF-8 label; expires {@code groupExpiry} after the last labelled
 * {@code groupAdd}), which channels_redis neither reads nor writes.
 *
 * <p>Group memberships of this process's own channels (those {@link #newChannel} created, while
 * they are subscribed or recently received on) are remembered in this process and kept in Redis:
 * re-added within about a second when a shard restarts and lost them (Redis without persistence),
 * and every {@code group_expiry / 2}, so a connection that lives longer than {@code group_expiry}
 * stays in its groups. {@link #groupDiscard}, {@link #flush}, closing the channel's subscription
 * and the channel's idle expiry forget them. See {@link MembershipKeeper}: one more daemon thread
 * per layer, {@code channels4j-redis-groups-<host>}, from the first such membership to
 * {@link #close()}; what is written is channels_redis's {@code group_add}, keys and scores alike.
 *
 * <p>Failures: every operation that cannot reach Redis throws
 * {@link io.channels4j.layer.ChannelLayerException} within the configured timeout, naming the
 * server by its URL with any password masked ({@code redis://:***@host:6379/0}); the receive loop
 * reconnects with backoff. Passwords never appear in messages, logs, thread names or
 * {@link #toString()}. Thread-safe. Lifecycle: build once per process; {@link #close()} stops the
 * threads and closes the pools.
 */
public final class RedisChannelLayer implements ChannelLayer, GroupIntrospection {

    private static final Logger log = LoggerFactory.getLogger(RedisChannelLayer.class);
    private static final int RANDOM_PREFIX = 12;
    private static final String ASGI_CHANNEL = ChannelLayer.RESERVED_CHANNEL_KEY;
    /**
     * The largest group whose copies {@code GROUP_SEND_ALL} builds itself; a larger one is read by
     * it and sent from here (Lua's time per member overtakes the round trip saved at about 150
     * members on a 2-core machine).
     */
    private static final byte[] MAX_MEMBERS_SENT_BY_SCRIPT = number(128);

    private final List<RedisShard> shards;
    private final String prefix;
    private final Duration expiry;
    private final Duration groupExpiry;
    private final ChannelCapacities capacities;
    private final SymmetricEncryption encryption;
    private final Clock clock;
    private final String clientPrefix = UUID.randomUUID().toString().replace("-", "");
    /** How this instance's process-local channel names end their non-local part: {@code "." + clientPrefix + "!"}. */
    private final String ownSuffix = "." + clientPrefix + "!";
    private final LocalChannels locals;
    private final MembershipKeeper keeper;
    private final LongAdder dropped = new LongAdder();
    private final AtomicInteger sendIndex = new AtomicInteger();
    private final AtomicInteger receiveIndex = new AtomicInteger();
    private final AtomicLong lastScoreMicros = new AtomicLong();
    private final Map<String, ReentrantLock> sharedReceiveLocks = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** {@link #groupSend} is one script: one Redis, no encryption, no capacity rules. */
    private final boolean groupSendInOneScript;
    private final byte[] prefixBytes;
    /** {@link #ownSuffix} in UTF-8, for {@code GROUP_SEND_ALL}. */
    private final byte[] ownQueueSuffix;

    /** What the receive loop decoded: the message and the local channels it is for. */
    record Received(Message message, List<String> channels) {
    }

    RedisChannelLayer(List<RedisShard> shards, String prefix, Duration expiry, Duration groupExpiry,
                      ChannelCapacities capacities, SymmetricEncryption encryption, Clock clock) {
        this.shards = List.copyOf(shards);
        this.prefix = prefix;
        this.expiry = expiry;
        this.groupExpiry = groupExpiry;
        this.capacities = capacities;
        this.encryption = encryption;
        this.clock = clock;
        this.groupSendInOneScript = this.shards.size() == 1 && encryption == null && capacities.rules().isEmpty();
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.ownQueueSuffix = ownSuffix.getBytes(StandardCharsets.UTF_8);
        String localQueue = "specific." + clientPrefix + "!";
        this.locals = new LocalChannels(this, shardFor(localQueue), key(localQueue),
                Math.max(expiry.toNanos(), TimeUnit.SECONDS.toNanos(60)), dropped::add);
        this.keeper = new MembershipKeeper(this, locals, this.shards, groupExpiry);
        for (int i = 0; i < this.shards.size(); i++) {
            int index = i;
            this.shards.get(i).onReconnect(() -> keeper.checkNow(index));
        }
    }

    /**
     * Starts configuring a layer; with no host it connects to {@code redis://localhost:6379}.
     *
     * @return a builder with channels_redis's defaults; not thread-safe
     */
    public static RedisChannelLayerBuilder builder() {
        return new RedisChannelLayerBuilder();
    }

    // ------------------------------------------------------------------ send

    @Override
    public void send(String channel, Message message) {
        ChannelNames.requireValidChannelName(channel);
        requireSendable(message);
        checkOpen();
        int capacity = capacity(channel);
        if (isOwn(channel)) {
            // only this process can ever receive it: deliver in-process, no Redis round trip
            if (!LocalChannels.deliver(locals.register(channel, capacity), message, nextScore())) {
                throw new ChannelFullException(channel, capacity);
            }
            return;
        }
        boolean local = channel.indexOf('!') >= 0;
        String queue = local ? ChannelNames.nonLocalName(channel) : channel;
        byte[] member = member(local ? MessageCodec.encode(message, channel) : MessageCodec.encode(message));
        RedisShard shard = local ? shardFor(queue) : shards.get(Math.floorMod(sendIndex.getAndIncrement(), shards.size()));
        double now = nextScore();
        Object sent = shard.call("send", jedis -> RedisShard.eval(jedis, RedisScripts.SEND, List.of(key(queue)),
                List.of(member, score(now), trimBefore(now, expiry), number(capacity), number(expirySeconds()))));
        if (sent instanceof Long l && l == 0L) {
            throw new ChannelFullException(channel, capacity);
        }
    }

    private static void requireSendable(Message message) {
        Objects.requireNonNull(message, "message");
        if (message.has(ASGI_CHANNEL)) {
            throw new IllegalArgumentException("message must not contain the reserved key '" + ASGI_CHANNEL + "'");
        }
    }

    // ------------------------------------------------------------------ receive

    @Override
    public Message receive(String channel) throws InterruptedException {
        Message message;
        do {
            message = receive(channel, Duration.ofDays(365));
        } while (message == null);
        return message;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A process-local channel is served from this process's buffer, which the layer's one
     * receive loop fills (one Redis round trip per wake-up, for up to 100 messages). A normal
     * channel is received as channels_redis does, in one round trip per wait of at most a second:
     * a pipeline of channels_redis's {@code $inflight} restore script (which puts back what a
     * cancelled channels_redis receive had popped) and {@code BZPOPMIN}. Receivers of one normal
     * channel in this process take turns.
     *
     * <p>When the receiving thread is interrupted or the connection breaks: a message is taken
     * from the queue by {@code BZPOPMIN} and returned by the same call with no Redis command and no
     * interruption point in between, so
     * <ul>
     *   <li>an interrupt is honoured before a pop is sent ({@link InterruptedException}), never
     *       between a pop and its return: a message popped while the thread was being interrupted
     *       is returned, with the thread's interrupt status still set;</li>
     *   <li>on a platform thread a blocked pop is not interruptible and ends within its wait (at
     *       most a second); on a virtual thread the JDK closes the socket at once, which is the
     *       broken connection below, reported as {@link InterruptedException};</li>
     *   <li>a connection that breaks while a pop's reply is on its way loses that one message
     *       (Redis has removed it, nobody has read it). channels_redis loses it too when its receive
     *       is cancelled or its connection drops during {@code BZPOPMIN}: its {@code $inflight}
     *       backup is written only after the pop's reply is read, and guards only the await points
     *       that follow it (the backup's own write), which this receive does not have. So this
     *       receive writes no backup; it restores the backups channels_redis consumers leave.</li>
     * </ul>
     *
     * @throws io.channels4j.layer.ChannelLayerException if Redis cannot be reached
     */
    @Override
    public Message receive(String channel, Duration timeout) throws InterruptedException {
        ChannelNames.requireValidReceiveName(channel);
        Objects.requireNonNull(timeout, "timeout");
        checkOpen();
        if (channel.indexOf('!') >= 0) {
            return receiveLocal(channel, timeout);
        }
        return receiveShared(channel, timeout);
    }

    private Message receiveLocal(String channel, Duration timeout) throws InterruptedException {
        requireOwn(channel);
        LocalChannels.Local local = locals.register(channel, capacity(channel));
        if (local.sink != null) {
            throw new IllegalStateException("channel '" + channel
                    + "' has an active subscription; receive is not supported until it is closed");
        }
        locals.ensureRunning();
        local.waiters.incrementAndGet();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                LocalChannels.Entry entry = local.buffer.pollFirst(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                local.lastUsedNanos = System.nanoTime();
                if (entry == null) {
                    return null;
                }
                if (entry.sentAt() >= nowSeconds() - expiry.toMillis() / 1000.0) {
                    return entry.message();
                }
                dropped.increment(); // expired while buffered
            }
        } finally {
            local.waiters.decrementAndGet();
        }
    }

    /** channels_redis's receive on a normal channel; see {@link #receive(String, Duration)}. */
    private Message receiveShared(String channel, Duration timeout) throws InterruptedException {
        // Receivers of one channel in this process take turns, as channels_redis's per-channel
        // locks make them: one connection at a time blocks on a channel's queue, whatever the
        // number of receiving threads.
        ReentrantLock lock = sharedReceiveLocks.computeIfAbsent(channel, c -> new ReentrantLock(true));
        if (!lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            return receiveSharedLocked(channel, timeout);
        } finally {
            lock.unlock();
        }
    }

    private Message receiveSharedLocked(String channel, Duration timeout) throws InterruptedException {
        byte[] queue = key(channel);
        byte[] backup = key(channel + "$inflight");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                return null;
            }
            double wait = Math.max(0.01, Math.min(1.0, leftNanos / 1e9));
            RedisShard shard = shards.get(Math.floorMod(receiveIndex.getAndIncrement(), shards.size()));
            Tuple popped;
            try {
                popped = shard.call("receive", jedis -> restoreAndPop(jedis, queue, backup, wait));
            } catch (ChannelLayerException e) {
                if (Thread.interrupted()) {
                    InterruptedException interrupted = new InterruptedException("receive on " + channel + " interrupted");
                    interrupted.initCause(e);
                    throw interrupted;
                }
                throw e;
            }
            if (popped != null) {
                Received received = decodeMember(popped.getBinaryElement(), popped.getScore());
                if (received != null) {
                    return received.message();
                }
            }
        }
    }

    /**
     * One round trip (one pipeline): channels_redis's restore of {@code $inflight} backups, which
     * puts back what a cancelled channels_redis receive had popped, then {@code BZPOPMIN}. The
     * script is atomic and runs before the pop, as in channels_redis, so a restored message is
     * popped by this very call if it is the oldest.
     *
     * @return the popped member and score, or null when none came within {@code wait} seconds
     */
    private static Tuple restoreAndPop(Jedis jedis, byte[] queue, byte[] backup, double wait) {
        List<byte[]> args = List.of(queue, backup);
        Pipeline pipeline = jedis.pipelined();
        Response<Object> restored = pipeline.evalsha(RedisScripts.RESTORE_INFLIGHT.sha1(), List.of(), args);
        Response<KeyValue<byte[], Tuple>> popped = pipeline.bzpopmin(wait, queue);
        RedisShard.syncBlocking(jedis, pipeline);
        KeyValue<byte[], Tuple> hit = popped.get();
        Tuple message = hit == null ? null : hit.getValue();
        try {
            restored.get();
        } catch (JedisDataException e) {
            // whatever happens now, a popped message is returned: Redis no longer has it
            try {
                if (!RedisShard.isNoScript(e)) {
                    throw e;
                }
                // first use since Redis started: load it (EVAL caches it) and restore now
                jedis.eval(RedisScripts.RESTORE_INFLIGHT.source(), List.of(), args);
            } catch (JedisException failed) {
                if (message == null) {
                    throw failed;
                }
                log.warn("could not restore the in-flight backup of a receive: {}", failed.getMessage());
            }
        }
        return message;
    }

    /**
     * Decodes a popped member; null (logged) when it expired or cannot be read.
     *
     * @param member the sorted-set member
     * @param score  its score (send time)
     * @return the message and its channels
     */
    Received decodeMember(byte[] member, double score) {
        if (score < nowSeconds() - expiry.toMillis() / 1000.0) {
            log.debug("dropped an expired message (sent {} s ago)", nowSeconds() - score);
            dropped.increment();
            return null;
        }
        try {
            byte[] body = java.util.Arrays.copyOfRange(member, RANDOM_PREFIX, member.length);
            if (encryption != null) {
                body = encryption.decrypt(body, expiry.plusSeconds(10));
            }
            MessageCodec.Decoded decoded = MessageCodec.decodeWithChannel(body);
            List<String> names = new ArrayList<>(1);
            Object channel = decoded.asgiChannel();
            if (channel instanceof String name) {
                names.add(name);
            } else if (channel instanceof List<?> list) {
                for (Object o : list) {
                    names.add(String.valueOf(o));
                }
            }
            return new Received(decoded.message(), names);
        } catch (RuntimeException e) {
            log.warn("dropped a message that could not be decoded: {}", e.getMessage());
            dropped.increment();
            return null;
        }
    }

    // ------------------------------------------------------------------ channels and subscriptions

    @Override
    public String newChannel(String prefix) {
        ChannelNames.requireValidPrefix(prefix, 2 + 2 * 32);
        checkOpen();
        String name = prefix + ownSuffix + UUID.randomUUID().toString().replace("-", "");
        locals.register(name, capacity(name));
        return name;
    }

    @Override
    public Subscription subscribe(String channel, ChannelSink sink) {
        ChannelNames.requireValidChannelName(channel);
        Objects.requireNonNull(sink, "sink");
        checkOpen();
        if (channel.indexOf('!') < 0) {
            return ChannelLayer.super.subscribe(channel, sink);
        }
        requireOwn(channel);
        LocalChannels.Local local = locals.register(channel, capacity(channel));
        local.sink = sink;
        LocalChannels.drainTo(local, sink);
        locals.ensureRunning();
        return () -> {
            if (local.sink == sink) {
                local.sink = null;
                local.lastUsedNanos = System.nanoTime();
                // its receiver is gone: Redis losing its memberships must not bring them back
                local.groups.clear();
            }
        };
    }

    private void requireOwn(String channel) {
        if (!ChannelNames.nonLocalName(channel).endsWith(ownSuffix)) {
            throw new IllegalArgumentException("channel '" + channel + "' belongs to another layer instance; "
                    + "only the layer that created a process-local channel can receive on it");
        }
    }

    // ------------------------------------------------------------------ groups

    /**
     * {@inheritDoc}
     *
     * <p>channels_redis's {@code group_add}: {@code ZADD} scored by now, {@code EXPIRE} by
     * {@code group_expiry}. For a channel this layer created, the membership is also remembered
     * while the channel lives, and re-added if Redis loses it (restart) and before
     * {@code group_expiry} (see {@link MembershipKeeper}).
     *
     * @throws io.channels4j.layer.ChannelLayerException if Redis cannot be reached; nothing new is
     *                                                     remembered then
     */
    @Override
    public void groupAdd(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        byte[] key = groupKey(group);
        byte[] member = channel.getBytes(StandardCharsets.UTF_8);
        double now = nowSeconds();
        RedisShard shard = shardFor(group);
        remembered(group, channel, null, () -> shard.call("group add", jedis -> {
            keeper.beforeAdd(shard, jedis);
            var pipeline = jedis.pipelined();
            pipeline.zadd(key, now, member);
            pipeline.expire(key, groupExpiry.toSeconds());
            pipeline.sync();
            return null;
        }));
    }

    /**
     * Runs a group add, remembering the membership of an own live channel for
     * {@link MembershipKeeper}; if the add fails, what was remembered before is restored.
     */
    private void remembered(String group, String channel, String label, Runnable add) {
        LocalChannels.Local local = isOwn(channel) ? locals.get(channel) : null;
        if (local == null) {
            add.run();
            return;
        }
        LocalChannels.Membership previous = local.groups.get(group);
        // a plain add keeps the label in Redis (it does not touch the label hash): keep it here too
        LocalChannels.Membership membership = new LocalChannels.Membership(
                label == null && previous != null ? previous.label() : label);
        local.groups.put(group, membership);
        try {
            add.run();
        } catch (RuntimeException e) {
            if (previous == null) {
                local.groups.remove(group, membership);
            } else {
                local.groups.replace(group, membership, previous); // an earlier add still stands
            }
            throw e;
        }
        keeper.ensureRunning();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The membership is forgotten in this process first, so even when Redis cannot be reached
     * (the call then throws {@link io.channels4j.layer.ChannelLayerException}) it is not re-added
     * after Redis comes back.
     */
    @Override
    public void groupDiscard(String group, String channel) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        checkOpen();
        LocalChannels.Local local = isOwn(channel) ? locals.get(channel) : null;
        if (local != null) {
            local.groups.remove(group);
        }
        byte[] key = groupKey(group);
        byte[] member = channel.getBytes(StandardCharsets.UTF_8);
        shardFor(group).call("group discard", jedis -> jedis.zrem(key, member));
    }

    /**
     * {@inheritDoc}
     *
     * <p>On one Redis, without encryption or per-channel capacity rules, a group send to up to
     * 128 members is one script ({@code RedisScripts.GROUP_SEND_ALL}): it reads the members and
     * stores one copy per other process's queue key, and returns the sender's own members, which
     * get the message in-process. Otherwise it is two round trips, as in channels_redis: the
     * members, then one send script per shard that holds their queues. Redis holds the same data
     * either way. Thread-safe; the calling thread does the Redis calls.
     */
    @Override
    public void groupSend(String group, Message message) {
        ChannelNames.requireValidGroupName(group);
        requireSendable(message);
        checkOpen();
        if (groupSendInOneScript) {
            MessageCodec.Prepared prepared;
            try {
                prepared = MessageCodec.prepare(message);
            } catch (InvalidMessageException e) {
                // not encodable: the members decide, as below (own channels still get it in-process)
                groupSendInTwoSteps(group, message);
                return;
            }
            groupSendAll(group, message, prepared);
            return;
        }
        groupSendInTwoSteps(group, message);
    }

    private void groupSendAll(String group, Message message, MessageCodec.Prepared prepared) {
        double now = nowSeconds();
        double sentAt = nextScore();
        List<byte[]> args = List.of(trimBefore(now, groupExpiry), prefixBytes, ownQueueSuffix,
                prepared.headBeforeChannelList(), randomPrefix(0), number(capacities.defaultCapacity()),
                score(sentAt), number(expirySeconds()), trimBefore(now, expiry), MAX_MEMBERS_SENT_BY_SCRIPT);
        List<?> result = (List<?>) shards.get(0).call("group send", jedis ->
                RedisShard.eval(jedis, RedisScripts.GROUP_SEND_ALL, List.of(groupKey(group)), args));
        int own = result.size() - 2;
        long over = (Long) result.get(own);
        if (over < 0) {
            // a large group, only read: the reply is its members
            sendToMembers(group, message, prepared, result.subList(0, own), now);
            return;
        }
        for (int i = 0; i < own; i++) {
            LocalChannels.Local local = locals.get(new String((byte[]) result.get(i), StandardCharsets.UTF_8));
            if (local != null && !LocalChannels.deliver(local, message, sentAt)) {
                over++;
            }
        }
        reportOverCapacity(over, (Long) result.get(own + 1), group);
    }

    private void groupSendInTwoSteps(String group, Message message) {
        double now = nowSeconds();
        byte[] trimGroup = trimBefore(now, groupExpiry);
        @SuppressWarnings("unchecked")
        List<byte[]> members = (List<byte[]>) shardFor(group).call("group send", jedis ->
                RedisShard.eval(jedis, RedisScripts.GROUP_MEMBERS, List.of(groupKey(group)), List.of(trimGroup)));
        sendToMembers(group, message, null, members, now);
    }

    /**
     * The second step of a group send: the sender's own members get the message in-process, the
     * others one copy per queue key, naming every member channel that shares it (channels_redis),
     * with one send script per shard.
     *
     * @param prepared the message's encoding, or null to encode it only if a copy goes to Redis
     * @param members  the group's members as read from Redis ({@code byte[]} names)
     * @param now      when the group send started, in seconds
     */
    private void sendToMembers(String group, Message message, MessageCodec.Prepared prepared, List<?> members,
            double now) {
        if (members == null || members.isEmpty()) {
            return;
        }
        long over = 0;
        Map<String, List<String>> channelsByQueue = new LinkedHashMap<>();
        double sentAt = nextScore();
        for (Object raw : members) {
            String channel = new String((byte[]) raw, StandardCharsets.UTF_8);
            if (isOwn(channel)) {
                LocalChannels.Local local = locals.get(channel);
                if (local != null && !LocalChannels.deliver(local, message, sentAt)) {
                    over++;
                }
                continue;
            }
            String queue = channel.indexOf('!') >= 0 ? ChannelNames.nonLocalName(channel) : channel;
            channelsByQueue.computeIfAbsent(queue, q -> new ArrayList<>(1)).add(channel);
        }
        Map<RedisShard, List<String>> queuesByShard = new LinkedHashMap<>();
        for (String queue : channelsByQueue.keySet()) {
            queuesByShard.computeIfAbsent(shardFor(queue), s -> new ArrayList<>()).add(queue);
        }
        if (prepared == null && !queuesByShard.isEmpty()) {
            prepared = MessageCodec.prepare(message);
        }
        for (Map.Entry<RedisShard, List<String>> entry : queuesByShard.entrySet()) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> bodies = new ArrayList<>();
            List<byte[]> caps = new ArrayList<>();
            for (String queue : entry.getValue()) {
                List<String> channels = channelsByQueue.get(queue);
                keys.add(key(queue));
                bodies.add(member(prepared.encode(channels)));
                caps.add(number(capacity(channels.get(0))));
            }
            List<byte[]> args = new ArrayList<>(bodies.size() * 2 + 3);
            args.addAll(bodies);
            args.addAll(caps);
            args.add(score(sentAt));
            args.add(number(expirySeconds()));
            args.add(trimBefore(now, expiry));
            Object result = entry.getKey().call("group send", jedis -> RedisShard.eval(jedis, RedisScripts.GROUP_SEND, keys, args));
            if (result instanceof Long l) {
                over += l;
            }
        }
        reportOverCapacity(over, members.size(), group);
    }

    private void reportOverCapacity(long over, long members, String group) {
        if (over > 0) {
            dropped.add(over);
            log.info("{} of {} channels over capacity in group {}", over, members, group);
        }
    }

    // ------------------------------------------------------------------ introspection

    /**
     * {@inheritDoc}
     *
     * <p>One script on the group's shard: {@code ZREMRANGEBYSCORE} of the expired members (as
     * {@link #groupSend}), then {@code ZRANGE 0 -1}; ordered by last {@code groupAdd} time, then by name.
     */
    @Override
    public Set<String> groupMembers(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        byte[] trimGroup = trimBefore(nowSeconds(), groupExpiry);
        @SuppressWarnings("unchecked")
        List<byte[]> members = (List<byte[]>) shardFor(group).call("group members", jedis ->
                RedisShard.eval(jedis, RedisScripts.GROUP_MEMBERS, List.of(groupKey(group)), List.of(trimGroup)));
        if (members == null || members.isEmpty()) {
            return Set.of();
        }
        Set<String> channels = new LinkedHashSet<>();
        for (byte[] member : members) {
            channels.add(new String(member, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableSet(channels);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One script on the group's shard: {@code ZREMRANGEBYSCORE} of the expired members, then
     * {@code ZCARD}.
     */
    @Override
    public int groupSize(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        byte[] trimGroup = trimBefore(nowSeconds(), groupExpiry);
        Object size = shardFor(group).call("group size", jedis ->
                RedisShard.eval(jedis, RedisScripts.GROUP_SIZE, List.of(groupKey(group)), List.of(trimGroup)));
        return size instanceof Long l ? Math.toIntExact(l) : 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One script on the group's shard: the {@code ZADD} and {@code EXPIRE} of
     * {@link #groupAdd(String, String)}, plus {@code HSET} and {@code EXPIRE} of the label hash
     * {@code prefix + ":labels:" + group}.
     */
    @Override
    public void groupAdd(String group, String channel, String label) {
        ChannelNames.requireValidGroupName(group);
        ChannelNames.requireValidChannelName(channel);
        GroupIntrospection.requireValidLabel(label);
        checkOpen();
        List<byte[]> keys = List.of(groupKey(group), labelsKey(group));
        List<byte[]> args = List.of(channel.getBytes(StandardCharsets.UTF_8), score(nowSeconds()),
                number(groupExpiry.toSeconds()), label.getBytes(StandardCharsets.UTF_8));
        RedisShard shard = shardFor(group);
        remembered(group, channel, label, () -> shard.call("group add", jedis -> {
            keeper.beforeAdd(shard, jedis);
            return RedisShard.eval(jedis, RedisScripts.GROUP_ADD_LABELLED, keys, args);
        }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One script on the group's shard: trims the group, reads its members ({@code ZRANGE}) and
     * the label hash ({@code HGETALL}), returns the labels of members and {@code HDEL}s the others.
     */
    @Override
    public Map<String, String> groupLabels(String group) {
        ChannelNames.requireValidGroupName(group);
        checkOpen();
        List<byte[]> keys = List.of(groupKey(group), labelsKey(group));
        byte[] trimGroup = trimBefore(nowSeconds(), groupExpiry);
        @SuppressWarnings("unchecked")
        List<byte[]> pairs = (List<byte[]>) shardFor(group).call("group labels", jedis ->
                RedisShard.eval(jedis, RedisScripts.GROUP_LABELS, keys, List.of(trimGroup)));
        if (pairs == null || pairs.isEmpty()) {
            return Map.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            labels.put(new String(pairs.get(i), StandardCharsets.UTF_8), new String(pairs.get(i + 1), StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(labels);
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

    // ------------------------------------------------------------------ the rest

    @Override
    public void flush() {
        checkOpen();
        locals.clearMemberships(); // first, so a concurrent re-add cannot outlive the flush
        byte[] pattern = (prefix + "*").getBytes(StandardCharsets.UTF_8);
        for (RedisShard shard : shards) {
            shard.call("flush", jedis -> RedisShard.eval(jedis, RedisScripts.FLUSH, List.of(), List.of(pattern)));
        }
        locals.clearBuffers();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keeper.close();
        locals.close();
        for (RedisShard shard : shards) {
            shard.close();
        }
    }

    @Override
    public int capacity(String channel) {
        return capacities.capacity(channel);
    }

    @Override
    public long droppedMessages() {
        return dropped.sum();
    }

    /** @return the key prefix (default {@code asgi}) */
    public String prefix() {
        return prefix;
    }

    /** @return the hosts, in shard order */
    public List<String> hosts() {
        return shards.stream().map(RedisShard::name).toList();
    }

    /** @return how many process-local channels this instance tracks (for leak checks) */
    public int localChannelCount() {
        return locals.size();
    }

    // ------------------------------------------------------------------ helpers

    private RedisShard shardFor(String value) {
        return shards.get(ConsistentHash.shard(value, shards.size()));
    }

    /** The shard that holds a group (for {@link MembershipKeeper}). */
    RedisShard shardForGroup(String group) {
        return shardFor(group);
    }

    private byte[] key(String name) {
        return (prefix + name).getBytes(StandardCharsets.UTF_8);
    }

    byte[] groupKey(String group) {
        return (prefix + ":group:" + group).getBytes(StandardCharsets.UTF_8);
    }

    /** The label hash of a group: {@code prefix + ":labels:" + group}, on the group's shard. */
    byte[] labelsKey(String group) {
        return (prefix + ":labels:" + group).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] member(byte[] body) {
        byte[] payload = encryption == null ? body : encryption.encrypt(body);
        byte[] member = randomPrefix(payload.length);
        System.arraycopy(payload, 0, member, RANDOM_PREFIX, payload.length);
        return member;
    }

    /**
     * The random bytes that start a stored message (channels_redis's {@code random_prefix}).
     *
     * @param room bytes left free after them
     */
    private static byte[] randomPrefix(int room) {
        byte[] prefix = new byte[RANDOM_PREFIX + room];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < RANDOM_PREFIX; i++) {
            prefix[i] = (byte) random.nextInt(256);
        }
        return prefix;
    }

    /** Whether a channel is process-local to this very layer instance. */
    private boolean isOwn(String channel) {
        int bang = channel.indexOf('!');
        return bang > 0 && channel.startsWith(ownSuffix, bang - clientPrefix.length() - 1);
    }

    /**
     * A send time that only grows within this layer, so two messages sent in the same
     * millisecond keep their order in the sorted set (equal scores would sort by member bytes).
     */
    private double nextScore() {
        long micros = lastScoreMicros.updateAndGet(last -> Math.max(clock.millis() * 1000, last + 1));
        return micros / 1_000_000.0;
    }

    double nowSeconds() {
        return clock.millis() / 1000.0;
    }

    private long expirySeconds() {
        return Math.max(1, (expiry.toMillis() + 999) / 1000);
    }

    private static byte[] score(double seconds) {
        return BigDecimal.valueOf(seconds).toPlainString().getBytes(StandardCharsets.US_ASCII);
    }

    /** channels_redis trims with {@code int(now) - int(expiry)}. */
    private static byte[] trimBefore(double now, Duration age) {
        return number((long) now - age.toSeconds());
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("layer is closed");
        }
    }

    @Override
    public String toString() {
        return "RedisChannelLayer" + hosts() + " prefix=" + prefix;
    }
}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/**
 * The process-local channels of one layer instance ({@code specific.<client prefix>!...}) and the
 * one receive loop that serves them all (DESIGN.md §3): a single connection pops the layer's
 * shared queue key in batches, one Redis round trip per wake-up, and routes each message, by its
 * {@code __asgi_channel__}, to the subscribed sink (a consumer's inbox) or to the channel's buffer for {@code receive()}. Never one
 * blocking Redis connection per consumer.
 *
 * <p>Buffers are bounded by the channel's capacity (the oldest is dropped, as channels_redis's
 * BoundedQueue does, and counted). A channel nobody has used for longer than the message expiry
 * is forgotten, with the group memberships remembered for it. When Redis is unreachable the loop
 * logs once, backs off (up to 5 s) and resumes.
 */
final class LocalChannels {

    private static final Logger log = LoggerFactory.getLogger(LocalChannels.class);
    private static final double POP_TIMEOUT_SECONDS = 1.0;
    private static final int BATCH = 100;

    /** A buffered message and when it was sent (seconds, the layer's clock). */
    record Entry(Message message, double sentAt) {
    }

    /**
     * A group membership this process made for one of its channels, with its label (null for a
     * plain {@code groupAdd}). A new object per {@code groupAdd}: identity tells a re-add from the
     * membership a concurrent {@code groupDiscard} removed.
     */
    record Membership(String label) {
    }

    /** One local channel: a sink while subscribed, else a buffer. */
    static final class Local {
        final String name;
        final int capacity;
        final LinkedBlockingDeque<Entry> buffer = new LinkedBlockingDeque<>();
        volatile ChannelSink sink;
        final AtomicInteger waiters = new AtomicInteger();
        volatile long lastUsedNanos = System.nanoTime();
        /**
         * The groups this channel joined through this layer, by group name: what
         * {@link MembershipKeeper} re-adds when Redis lost them. Forgotten with the channel.
         */
        final Map<String, Membership> groups = new ConcurrentHashMap<>();

        Local(String name, int capacity) {
            this.name = name;
            this.capacity = capacity;
        }
    }

    private final RedisChannelLayer layer;
    private final RedisShard shard;
    private final byte[] queueKey;
    private final Map<String, Local> channels = new ConcurrentHashMap<>();
    private final Consumer<Long> dropped;
    private final long forgetAfterNanos;
    private volatile Thread loop;
    private volatile boolean closed;

    LocalChannels(RedisChannelLayer layer, RedisShard shard, byte[] queueKey, long forgetAfterNanos, Consumer<Long> dropped) {
        this.layer = layer;
        this.shard = shard;
        this.queueKey = queueKey;
        this.forgetAfterNanos = forgetAfterNanos;
        this.dropped = dropped;
    }

    Local register(String name, int capacity) {
        return channels.computeIfAbsent(name, n -> new Local(n, capacity));
    }

    Local get(String name) {
        return channels.get(name);
    }

    void forget(String name) {
        channels.remove(name);
    }

    /** @return the live channels, a snapshot (for {@link MembershipKeeper}) */
    List<Local> all() {
        return List.copyOf(channels.values());
    }

    /** Forgets every remembered group membership (flush). */
    void clearMemberships() {
        for (Local local : channels.values()) {
            local.groups.clear();
        }
    }

    /** Starts the receive loop if it is not running. */
    synchronized void ensureRunning() {
        if (loop == null && !closed) {
            loop = Thread.ofPlatform().daemon().name("channels4j-redis-receive-" + shard.name()).start(this::run);
        }
    }

    private void run() {
        long backoffMillis = 100;
        boolean failing = false;
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                List<Tuple> batch = shard.call("receive", this::popBatch);
                if (failing) {
                    log.info("Redis {} is reachable again; receiving resumed", shard.name());
                    failing = false;
                    backoffMillis = 100;
                }
                for (Tuple tuple : batch) {
                    route(tuple.getBinaryElement(), tuple.getScore());
                }
                long now = System.nanoTime();
                if (now - lastSweep > TimeUnit.SECONDS.toNanos(5)) {
                    lastSweep = now;
                    forgetIdle(now);
                }
            } catch (ChannelLayerException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    log.warn("receive loop: {}; retrying with backoff", e.getMessage());
                    failing = true;
                }
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5000);
            } catch (RuntimeException e) {
                log.error("receive loop: dropped a message it could not handle", e);
            }
        }
    }

    /**
     * One round trip per wake-up: a pipeline of {@code BZPOPMIN} (waits up to a second for the
     * first message) and {@code ZPOPMIN} of up to {@code BATCH - 1} more, which Redis runs as soon
     * as the pop is served or times out (Redis 5+). No {@code $inflight} backup: this queue has
     * no other reader, and nothing stands between the pops and the routing that a backup could
     * guard (see {@link RedisChannelLayer#receive(String, java.time.Duration)}).
     *
     * @return the popped members in score order; empty when none came
     */
    private List<Tuple> popBatch(Jedis jedis) {
        Pipeline pipeline = jedis.pipelined();
        Response<KeyValue<byte[], Tuple>> first = pipeline.bzpopmin(POP_TIMEOUT_SECONDS, queueKey);
        Response<List<Tuple>> rest = pipeline.zpopmin(queueKey, BATCH - 1);
        RedisShard.syncBlocking(jedis, pipeline);
        KeyValue<byte[], Tuple> head = first.get();
        List<Tuple> more = rest.get();
        if (head == null && (more == null || more.isEmpty())) {
            return List.of();
        }
        List<Tuple> all = new ArrayList<>(1 + (more == null ? 0 : more.size()));
        if (head != null) {
            all.add(head.getValue());
        }
        if (more != null) {
            all.addAll(more);
        }
        return all;
    }

    private void route(byte[] member, double score) {
        RedisChannelLayer.Received received = layer.decodeMember(member, score);
        if (received == null) {
            return;
        }
        for (String name : received.channels()) {
            Local local = channels.get(name);
            if (local == null) {
                log.debug("dropped a message for {}: no such channel in this process (gone?)", name);
                dropped.accept(1L);
            } else if (!deliver(local, received.message(), score)) {
                dropped.accept(1L);
                log.info("channel {} is full ({} unread): dropped a message for it", name, local.capacity);
            }
        }
    }

    /**
     * Hands a message to the channel's sink, or buffers it; any thread.
     *
     * @return false if the channel already holds its capacity of unread messages (not delivered)
     */
    static boolean deliver(Local local, Message message, double sentAt) {
        synchronized (local) {
            ChannelSink sink = local.sink;
            if (sink != null && local.buffer.isEmpty() && sink.offer(message)) {
                return true;
            }
            if (local.buffer.size() >= local.capacity) {
                return false;
            }
            local.buffer.add(new Entry(message, sentAt));
            if (sink != null) {
                drainTo(local, sink);
            }
            return true;
        }
    }

    /** Offers buffered messages to the sink in order until it refuses. */
    static void drainTo(Local local, ChannelSink sink) {
        synchronized (local) {
            Entry next;
            while ((next = local.buffer.peekFirst()) != null) {
                if (!sink.offer(next.message())) {
                    return;
                }
                local.buffer.pollFirst();
            }
        }
    }

    private void forgetIdle(long now) {
        for (Local local : channels.values()) {
            if (local.sink == null && local.waiters.get() == 0 && now - local.lastUsedNanos > forgetAfterNanos) {
                channels.remove(local.name, local);
                local.groups.clear();
            }
        }
    }

    /** Empties every buffer (flush). */
    void clearBuffers() {
        for (Local local : channels.values()) {
            local.buffer.clear();
        }
    }

    int size() {
        return channels.size();
    }

    void close() {
        closed = true;
        Thread running = loop;
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Local local : channels.values()) {
            local.buffer.clear();
            local.groups.clear();
        }
    }
}

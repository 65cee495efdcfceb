package io.channels4j.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * One Redis server (or Sentinel-managed master) of a {@link RedisPubSubChannelLayer}:
 * {@code PUBLISH} through a connection pool, and one subscriber connection served by one named
 * platform thread ({@code channels4j-redis-pubsub-<n>}, daemon, started on the first
 * subscription) that runs jedis's {@code SUBSCRIBE} loop with a {@link BinaryJedisPubSub}.
 *
 * <p>Subscriptions are kept as a desired set. Other threads add and remove names at any time:
 * the command is written on the live subscriber connection (writes are serialised by this
 * shard's lock), and the future returned by {@link #subscribe} completes when Redis has confirmed
 * every outstanding {@code SUBSCRIBE}/{@code UNSUBSCRIBE} for the name, so a caller knows it will
 * see messages published from then on. The connection itself is always subscribed to one private
 * keep-alive channel so that the jedis loop never ends while the layer is open (it would end at
 * zero subscriptions).
 *
 * <p>When the connection breaks (Redis restarted, killed client, network), the thread reconnects
 * with exponential backoff (100 ms doubling to 5 s) and resubscribes the whole desired set in one
 * command; futures of names not yet resubscribed are pending again meanwhile. Messages published
 * while the subscriber is disconnected are lost: Redis pub/sub keeps nothing.
 *
 * <p>Thread-safe. Lock order: the layer's state lock, then this shard's lock; the message
 * callback runs on the shard thread without this lock held.
 */
final class RedisPubSubShard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubShard.class);
    private static final AtomicLong THREADS = new AtomicLong();
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;

    /** Receives what the subscriber connection reads; called on the shard thread. */
    @FunctionalInterface
    interface MessageHandler {
        void onMessage(String channel, byte[] body);
    }

    private final RedisShard redis;
    private final Pool<Jedis> pool;
    private final byte[] keepAlive;
    private final MessageHandler handler;
    private final long closeWaitMillis;

    private final ReentrantLock lock = new ReentrantLock();
    /** Names that should be subscribed, each with a future completed once Redis confirmed it. */
    private final Map<String, CompletableFuture<Void>> desired = new HashMap<>();
    /** Per name, SUBSCRIBE/UNSUBSCRIBE commands written on the live connection and not yet confirmed. */
    private final Map<String, Integer> inflight = new HashMap<>();
    /** The live subscriber, once its keep-alive subscription is confirmed; else null. */
    private Subscriber live;
    /** The subscriber thread's connection, for a forced close. */
    private Jedis connection;
    private Thread thread;
    private boolean closed;
    /** Whether a connection failed since the last good one; only the shard thread uses it. */
    private boolean reconnecting;

    RedisPubSubShard(RedisShard redis, Pool<Jedis> pool, String keepAliveChannel, long closeWaitMillis,
                     MessageHandler handler) {
        this.redis = redis;
        this.pool = pool;
        this.keepAlive = keepAliveChannel.getBytes(StandardCharsets.UTF_8);
        this.closeWaitMillis = closeWaitMillis;
        this.handler = handler;
    }

    String name() {
        return redis.name();
    }

    /**
     * Publishes a message body.
     *
     * @return how many subscribers Redis delivered it to
     * @throws io.channels4j.layer.ChannelLayerException if Redis cannot be reached
     */
    long publish(String channel, byte[] body, String operation) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return redis.call(operation, jedis -> jedis.publish(name, body));
    }

    /**
     * Adds a name to the subscriptions (idempotent) and starts the subscriber thread if needed.
     *
     * @return completes when Redis has confirmed the subscription; pending while disconnected
     * @throws IllegalStateException if the shard is closed
     */
    CompletableFuture<Void> subscribe(String channel) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("layer is closed");
            }
            CompletableFuture<Void> confirmed = desired.get(channel);
            if (confirmed == null) {
                confirmed = new CompletableFuture<>();
                desired.put(channel, confirmed);
                if (live != null) {
                    write(live, true, List.of(channel));
                }
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon()
                            .name("channels4j-redis-pubsub-" + THREADS.incrementAndGet())
                            .start(this::run);
                }
            }
            return confirmed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a name from the subscriptions; a no-op if it is not subscribed or the shard is closed. */
    void unsubscribe(String channel) {
        lock.lock();
        try {
            CompletableFuture<Void> confirmed = desired.remove(channel);
            if (confirmed == null) {
                return;
            }
            confirmed.complete(null); // nothing left to wait for
            if (live != null) {
                write(live, false, List.of(channel));
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return how many names are subscribed or being subscribed (for tests and leak checks) */
    int subscriptionCount() {
        lock.lock();
        try {
            return desired.size();
        } finally {
            lock.unlock();
        }
    }

    /** Writes a (UN)SUBSCRIBE on the live connection; caller holds the lock. */
    private void write(Subscriber subscriber, boolean subscribe, Collection<String> names) {
        byte[][] raw = new byte[names.size()][];
        int i = 0;
        for (String name : names) {
            raw[i++] = name.getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (subscribe) {
                subscriber.subscribe(raw);
            } else {
                subscriber.unsubscribe(raw);
            }
            for (String name : names) {
                inflight.merge(name, 1, Integer::sum);
            }
        } catch (JedisException e) {
            // The connection is broken: make sure the subscriber thread notices, so it reconnects
            // and resubscribes the desired set.
            log.debug("Redis {}: could not write {} on the subscriber connection: {}", name(),
                    subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", e.getMessage());
            forceDisconnect();
        }
    }

    // ------------------------------------------------------------------ the subscriber thread

    private void run() {
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        boolean failing = false;
        while (true) {
            Subscriber subscriber = new Subscriber();
            try (Jedis jedis = pool.getResource()) {
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    connection = jedis;
                } finally {
                    lock.unlock();
                }
                // Blocks until every subscription is gone (close) or the connection breaks.
                jedis.subscribe(subscriber, keepAlive);
            } catch (JedisException e) {
                if (!isClosed()) {
                    if (subscriber.connected) {
                        log.warn("Redis {}: subscriber connection lost ({}); reconnecting. Messages published "
                                + "until it is back are lost", name(), e.getMessage());
                    } else if (!failing) {
                        log.warn("Redis {}: cannot open the subscriber connection ({}); retrying with backoff",
                                name(), e.getMessage());
                    } else {
                        log.debug("Redis {}: still unreachable: {}", name(), e.getMessage());
                    }
                }
            } catch (RuntimeException e) {
                if (!isClosed()) {
                    log.error("Redis {}: subscriber loop failed; reconnecting", name(), e);
                }
            } finally {
                disconnected(subscriber);
            }
            if (isClosed()) {
                return;
            }
            reconnecting = true;
            failing = true; // warned already: later failed attempts log at debug until a connection succeeds
            if (subscriber.connected) {
                backoffMillis = FIRST_BACKOFF_MILLIS;
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                if (isClosed()) {
                    return;
                }
            }
            if (!subscriber.connected) {
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** The keep-alive subscription is confirmed: the connection is live; subscribe the desired set. */
    private void connected(Subscriber subscriber, boolean afterFailure) {
        int count;
        lock.lock();
        try {
            if (closed) {
                subscriber.unsubscribe();
                return;
            }
            live = subscriber;
            inflight.clear();
            count = desired.size();
            if (count > 0) {
                write(subscriber, true, new ArrayList<>(desired.keySet()));
            }
        } finally {
            lock.unlock();
        }
        if (afterFailure) {
            log.info("Redis {}: subscriber connection is back; resubscribing {} channels", name(), count);
        }
    }

    /** A (un)subscribe reply for a name: complete its future once nothing is outstanding. */
    private void confirmed(String channel) {
        lock.lock();
        try {
            Integer outstanding = inflight.get(channel);
            if (outstanding == null) {
                return;
            }
            if (outstanding > 1) {
                inflight.put(channel, outstanding - 1);
                return;
            }
            inflight.remove(channel);
            CompletableFuture<Void> future = desired.get(channel);
            if (future != null) {
                future.complete(null);
            }
        } finally {
            lock.unlock();
        }
    }

    private void disconnected(Subscriber subscriber) {
        lock.lock();
        try {
            if (live == subscriber) {
                live = null;
            }
            connection = null;
            inflight.clear();
            if (!closed) {
                // Not subscribed any more: callers from now on wait for the resubscription.
                desired.replaceAll((name, future) -> future.isDone() ? new CompletableFuture<>() : future);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the subscriber socket so the blocked read fails and the thread reconnects or ends. */
    private void forceDisconnect() {
        Jedis current = connection;
        if (current != null) {
            try {
                current.disconnect();
            } catch (RuntimeException e) {
                log.debug("Redis {}: closing the subscriber connection failed: {}", name(), e.getMessage());
            }
        }
    }

    /**
     * Unsubscribes everything, stops the thread (closing its socket if Redis does not answer
     * within the timeout) and closes the pool. Idempotent.
     */
    @Override
    public void close() {
        Thread running;
        boolean wasLive;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            desired.values().forEach(f -> f.completeExceptionally(new IllegalStateException("layer is closed")));
            desired.clear();
            if (live != null) {
                try {
                    live.unsubscribe(); // all channels: the jedis loop ends at zero subscriptions
                } catch (JedisException e) {
                    forceDisconnect();
                }
            }
            running = thread;
            wasLive = live != null;
        } finally {
            lock.unlock();
        }
        if (running != null) {
            if (!wasLive) {
                running.interrupt(); // connecting or in a backoff sleep: nothing to unsubscribe
            }
            try {
                running.join(closeWaitMillis);
                if (running.isAlive()) {
                    lock.lock();
                    try {
                        forceDisconnect();
                    } finally {
                        lock.unlock();
                    }
                    running.interrupt(); // wakes a backoff sleep
                    running.join(closeWaitMillis);
                }
                if (running.isAlive()) {
                    log.warn("Redis {}: subscriber thread {} did not stop within {} ms", name(), running.getName(),
                            2 * closeWaitMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
    }

    @Override
    public String toString() {
        return name();
    }

    /** One subscriber connection's jedis callbacks; runs on the shard thread. */
    private final class Subscriber extends BinaryJedisPubSub {
        /** Whether the keep-alive subscription was confirmed on this connection. */
        boolean connected;

        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (!connected && Arrays.equals(channel, keepAlive)) {
                connected = true;
                connected(this, reconnecting);
                reconnecting = false;
                return;
            }
            confirmed(new String(channel, StandardCharsets.UTF_8));
        }

        @Override
        public void onUnsubscribe(byte[] channel, int subscribedChannels) {
            if (channel != null) {
                confirmed(new String(channel, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            String name = new String(channel, StandardCharsets.UTF_8);
            try {
                handler.onMessage(name, message);
            } catch (RuntimeException e) {
                log.error("Redis {}: dropped a message on {}: delivering it failed", RedisPubSubShard.this.name(),
                        name, e);
            }
        }
    }
}

package io.channels4j.layer;

import io.channels4j.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel of an {@link InMemoryChannelLayer}: a FIFO of unexpired messages, or a
 * {@link ChannelSink} while subscribed, guarded by its own lock with its own condition, so
 * receivers on different channels never wake each other.
 *
 * <p>Every method except {@link #lock}, {@link #lockInterruptibly} and {@link #unlock} requires
 * the caller to hold the lock. Lock order: a channel lock may be held while taking the groups
 * lock ({@link InMemoryGroups}), never the other way round; no thread holds two channel locks.
 *
 * <p>Lifecycle: created on first use by the layer; <em>retired</em> (removed from the layer's
 * map, never used again) once it is idle: no messages, no waiting receiver, no subscription. A
 * caller that locks a retired channel must look it up again.
 */
final class InMemoryChannel {

    private static final Logger log = LoggerFactory.getLogger(InMemoryChannel.class);

    /** What happened to an offered message. */
    enum Offer {
        /** Queued, or taken by the sink. */
        ACCEPTED,
        /** The channel holds its capacity, or the sink refused. */
        FULL,
        /** Not delivered: the channel had expired messages and left its groups (group sends only). */
        EXPIRED_MEMBER
    }

    private record Entry(Message message, Instant expiresAt) {
    }

    private final String name;
    private final int capacity;
    private final InMemoryGroups groups;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private int waiters;
    private ChannelSink sink;
    private Object subscription;
    private boolean retired;

    InMemoryChannel(String name, int capacity, InMemoryGroups groups) {
        this.name = name;
        this.capacity = capacity;
        this.groups = groups;
    }

    void lock() {
        lock.lock();
    }

    void lockInterruptibly() throws InterruptedException {
        lock.lockInterruptibly();
    }

    void unlock() {
        lock.unlock();
    }

    String name() {
        return name;
    }

    boolean isRetired() {
        return retired;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Drops expired messages from the head; if any, removes the channel from every group (the
     * spec's rule: membership lasts until a message on the channel expires unread).
     *
     * @return how many were dropped
     */
    int purgeExpired(Instant now) {
        int dropped = 0;
        while (!queue.isEmpty() && !now.isBefore(queue.peekFirst().expiresAt())) {
            queue.pollFirst();
            dropped++;
        }
        if (dropped > 0) {
            groups.removeEverywhere(name);
        }
        return dropped;
    }

    /**
     * Offers a message: to the sink while subscribed (after any backlog), else to the queue.
     *
     * @param groupMember true for a group send: a member with expired messages is skipped
     */
    Offer offer(Message message, Instant now, Instant expiresAt, boolean groupMember) {
        if (purgeExpired(now) > 0 && groupMember) {
            return Offer.EXPIRED_MEMBER;
        }
        if (sink != null) {
            drainBacklog();
            return queue.isEmpty() && offerToSink(message) ? Offer.ACCEPTED : Offer.FULL;
        }
        if (queue.size() >= capacity) {
            return Offer.FULL;
        }
        queue.addLast(new Entry(message, expiresAt));
        if (waiters > 0) {
            available.signal();
        }
        return Offer.ACCEPTED;
    }

    /** The next queued message, or null; passes the turn on to another waiter if more remain. */
    Message poll() {
        Entry entry = queue.pollFirst();
        if (entry != null && !queue.isEmpty() && waiters > 0) {
            available.signal();
        }
        return entry == null ? null : entry.message();
    }

    /**
     * Waits for a signal.
     *
     * @param nanos how long, or a negative number for no limit
     * @return the time left (0 or less when timed out); a positive value when untimed
     */
    long await(long nanos) throws InterruptedException {
        waiters++;
        try {
            if (nanos < 0) {
                available.await();
                return 1;
            }
            return available.awaitNanos(nanos);
        } finally {
            waiters--;
        }
    }

    /** Called by a receiver leaving without a message, so a signal meant for it is not lost. */
    void passSignalOn() {
        if (!queue.isEmpty() && waiters > 0) {
            available.signal();
        }
    }

    /** Wakes every waiting receiver, which then re-checks the layer and channel state. */
    void wakeAll() {
        available.signalAll();
    }

    boolean isSubscribed() {
        return sink != null;
    }

    /**
     * Starts push delivery: queued messages go to the sink first, in order; those it refuses
     * stay queued and are offered again before the next send. Wakes blocked receivers so they
     * fail.
     */
    void subscribe(ChannelSink newSink, Object token, Instant now) {
        purgeExpired(now);
        sink = newSink;
        subscription = token;
        drainBacklog();
        available.signalAll();
    }

    /** Stops push delivery if {@code token} is still the current subscription. */
    void unsubscribe(Object token) {
        if (subscription == token) {
            sink = null;
            subscription = null;
        }
    }

    /** Empties the queue; subscription and waiters stay. */
    void clear() {
        queue.clear();
    }

    /**
     * Retires the channel if idle.
     *
     * @return true if it is now retired (the caller removes it from the layer's map)
     */
    boolean retireIfIdle() {
        if (!retired && queue.isEmpty() && waiters == 0 && sink == null) {
            retired = true;
        }
        return retired;
    }

    private void drainBacklog() {
        while (!queue.isEmpty() && offerToSink(queue.peekFirst().message())) {
            queue.pollFirst();
        }
    }

    private boolean offerToSink(Message message) {
        try {
            return sink.offer(message);
        } catch (RuntimeException e) {
            log.warn("subscription sink for channel {} failed; treating the message as refused", name, e);
            return false;
        }
    }

    @Override
    public String toString() {
        return "InMemoryChannel[" + name + ", queued=" + queue.size() + ", capacity=" + capacity
                + (sink != null ? ", subscribed" : "") + "]";
    }

    static long toNanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return TimeUnit.DAYS.toNanos(365L * 100);
        }
    }
}

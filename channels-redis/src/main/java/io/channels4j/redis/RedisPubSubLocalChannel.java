package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelSink;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A channel this process listens to through a {@link RedisPubSubChannelLayer}: while a
 * {@link ChannelSink} is attached, messages go straight to it; otherwise they wait in a buffer
 * bounded by the channel's capacity for {@code receive}. A message that finds the buffer full, or
 * that the sink refuses, is not delivered ({@link #deliver} returns false and the layer counts the
 * drop).
 *
 * <p>Once released (subscription closed, {@code release}, {@code flush}, {@code close}) the
 * channel takes nothing more, and every blocked receiver wakes up with {@link #RELEASED}.
 *
 * <p>Thread-safe: delivery, attach, detach and release synchronise on the instance; receivers
 * block on the buffer without holding the monitor. {@link #groups} is guarded by the layer's state
 * lock.
 */
final class RedisPubSubLocalChannel {

    /** What {@link #poll} returns once the channel has been released. */
    static final Object RELEASED = new Object();

    final String name;
    final int capacity;
    /** The group channels ({@code prefix__group__name}) it is a member of; guarded by the layer's state lock. */
    final Set<String> groups = new HashSet<>();

    /** Messages, and the {@link #RELEASED} marker at the end once released. */
    private final LinkedBlockingDeque<Object> buffer = new LinkedBlockingDeque<>();
    private ChannelSink sink;
    private boolean released;

    RedisPubSubLocalChannel(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
    }

    /**
     * Hands a message to the sink, or buffers it.
     *
     * @return false if the channel is full or the sink refused (a drop); true if delivered, or
     *         ignored because the channel was released meanwhile
     */
    synchronized boolean deliver(Message message) {
        if (released) {
            return true;
        }
        if (sink != null) {
            return sink.offer(message);
        }
        if (buffer.size() >= capacity) {
            return false;
        }
        buffer.addLast(message);
        return true;
    }

    /**
     * Waits for the next buffered message.
     *
     * @return a {@link Message}, {@link #RELEASED}, or null on timeout
     * @throws IllegalStateException if a sink is attached
     */
    Object poll(long timeoutNanos) throws InterruptedException {
        synchronized (this) {
            if (sink != null) {
                throw new IllegalStateException("channel '" + name + "' has an active subscription; "
                        + "receive is not supported until it is closed");
            }
        }
        Object item = buffer.pollFirst(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (item == RELEASED) {
            buffer.addFirst(RELEASED); // for the other waiters
        }
        return item;
    }

    /**
     * Attaches a sink and offers it the buffered messages, in order.
     *
     * @return how many buffered messages the sink refused (dropped), or -1 if the channel was
     *         released meanwhile (nothing attached)
     * @throws IllegalStateException if a sink is attached already
     */
    synchronized int attach(ChannelSink newSink) {
        if (released) {
            return -1;
        }
        if (sink != null) {
            throw new IllegalStateException("channel '" + name + "' already has an active subscription");
        }
        sink = newSink;
        int refused = 0;
        Object item;
        while ((item = buffer.pollFirst()) != null) {
            if (!newSink.offer((Message) item)) {
                refused++;
            }
        }
        return refused;
    }

    /** @return true if the sink was attached and is now detached */
    synchronized boolean detach(ChannelSink oldSink) {
        if (sink != oldSink || released) {
            return false;
        }
        sink = null;
        return true;
    }

    /** Drops the buffer and the sink, and wakes every receiver with {@link #RELEASED}. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        sink = null;
        buffer.clear();
        buffer.addLast(RELEASED);
    }

    /** @return how many messages wait for {@code receive} */
    int buffered() {
        int size = buffer.size();
        return buffer.peekLast() == RELEASED ? size - 1 : size;
    }
}

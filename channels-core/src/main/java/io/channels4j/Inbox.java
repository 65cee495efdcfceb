package io.channels4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection's mailbox: the single queue where client events and channel-layer messages meet,
 * to be taken one at a time, in arrival order, by the application's thread (DESIGN.md §3).
 *
 * <p>A protocol server hands an {@code Inbox} to the application as its {@link Receive}; a
 * {@link io.channels4j.consumer.Consumer} that sees one subscribes its channel-layer channel to the
 * same inbox, so no thread is spent pumping events from one queue into another.
 *
 * <p>Threading: {@link #put} and {@link #offerFromLayer} may be called from any thread and never
 * block; {@link #receive()} and {@link #poll(Duration)} are for one application thread at a time
 * (a second thread that starts waiting while one waits gets an {@link IllegalStateException}, on a
 * best-effort check). The waiting thread parks right here rather than inside a blocking queue: a
 * connection's thread spends its life waiting in {@code receive()}, and every frame on its stack
 * is kept for as long as it does. Client events are unbounded here (the server bounds what it
 * reads); channel-layer messages are bounded by the channel's capacity, as Channels' layers bound
 * a channel's queue.
 */
public final class Inbox implements Receive {

    /** Marks a message that came from the channel layer, so its slot is given back on take. */
    private record LayerEntry(Message message) {
    }

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger layerPending = new AtomicInteger();
    /** The thread parked (or about to park) in receive or poll; null when none is. */
    private volatile Thread waiter;

    /** Creates an empty inbox. */
    public Inbox() {
    }

    /**
     * Adds a client or server event. Never blocks.
     *
     * @param event the event
     */
    public void put(Message event) {
        queue.add(Objects.requireNonNull(event, "event"));
        wakeWaiter();
    }

    /**
     * Adds a channel-layer message unless {@code capacity} layer messages are already waiting.
     * Never blocks.
     *
     * @param message  the message
     * @param capacity the channel's capacity
     * @return false if the inbox holds {@code capacity} unread layer messages (the layer then
     *         treats the channel as full)
     */
    public boolean offerFromLayer(Message message, int capacity) {
        Objects.requireNonNull(message, "message");
        while (true) {
            int pending = layerPending.get();
            if (pending >= capacity) {
                return false;
            }
            if (layerPending.compareAndSet(pending, pending + 1)) {
                queue.add(new LayerEntry(message));
                wakeWaiter();
                return true;
            }
        }
    }

    /**
     * Takes the next event or message, waiting as long as needed.
     *
     * @return the next item
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public Message receive() throws InterruptedException {
        Object item = queue.poll();
        if (item != null) {
            return unwrap(item);
        }
        // the wait is written out here rather than shared with poll: one frame fewer on a stack kept for life
        claimWaiter();
        try {
            while ((item = queue.poll()) == null) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.park(this);
            }
        } finally {
            waiter = null;
        }
        return unwrap(item);
    }

    /**
     * Takes the next event or message, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the next item, or null on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public Message poll(Duration timeout) throws InterruptedException {
        Object item = queue.poll();
        if (item == null) {
            long nanos = timeout.toNanos();
            if (nanos <= 0) {
                return null;
            }
            item = awaitUntil(System.nanoTime() + nanos);
        }
        return item == null ? null : unwrap(item);
    }

    /**
     * Publishes the calling thread as the waiter. It is published before the queue is checked
     * again, and a producer adds before it reads the waiter, so one of the two always sees the
     * other: an item is never left behind a parked thread.
     */
    private void claimWaiter() {
        Thread current = Thread.currentThread();
        Thread other = waiter;
        if (other != null && other != current) {
            throw new IllegalStateException("two threads are receiving from one inbox: " + other.getName()
                    + " and " + current.getName());
        }
        waiter = current;
    }

    /**
     * Parks until an item arrives or the deadline passes.
     *
     * @param deadline {@code System.nanoTime()} to give up at
     * @return the item, or null at the deadline
     */
    private Object awaitUntil(long deadline) throws InterruptedException {
        claimWaiter();
        try {
            Object item;
            while ((item = queue.poll()) == null) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, left);
            }
            return item;
        } finally {
            waiter = null;
        }
    }

    private void wakeWaiter() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** @return the number of items waiting; counted by walking the queue, so not for hot paths */
    public int size() {
        return queue.size();
    }

    /** @return the number of channel-layer messages waiting */
    public int layerPending() {
        return layerPending.get();
    }

    private Message unwrap(Object item) {
        if (item instanceof LayerEntry entry) {
            layerPending.decrementAndGet();
            return entry.message();
        }
        return (Message) item;
    }
}

package io.channels4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * is kept for as long as it does. Client events are not bounded here: {@link #put(Message, int)}
 * counts their weight for a server that bounds it (channels4j's server cuts off a client whose
 * waiting messages pass {@code maxInboundBytes}); channel-layer messages are bounded by the
 * channel's capacity, as Channels' layers bound a channel's queue.
 *
 * <p><b>Stepping off the thread.</b> An application that handles events one at a time (a
 * {@link Resumable} such as every {@link io.channels4j.consumer.Consumer}) need not keep a parked
 * thread while its inbox is empty: {@link #pollOrDetach} hands it the next item or, when there is
 * none, keeps a {@link Step} that the next {@link #put} or {@link #offerFromLayer} hands to the
 * owner's {@link Launcher}, once, to run on a new thread. The application's calling thread then
 * returns. Items are still taken one at a time and in order: at any moment either one thread is
 * taking items, or a step is kept, never both.
 */
public final class Inbox implements Receive {

    /**
     * The rest of an application that stepped off its thread ({@link #pollOrDetach}).
     */
    @FunctionalInterface
    public interface Step {
        /**
         * Goes on taking items from the inbox.
         *
         * @return true if the application finished; false if it stepped off again, leaving this
         *         step (or another) with the inbox
         * @throws Exception what the application threw; it finished
         */
        boolean run() throws Exception;
    }

    /**
     * Runs a kept {@link Step} on a new thread: supplied by whoever owns the inbox (a protocol
     * server), who also learns from the step's result when the application has finished.
     */
    @FunctionalInterface
    public interface Launcher {
        /**
         * Starts {@code step} on a new thread. Called on the thread that added an item, which may be
         * a server's I/O thread or a channel layer's: must not block.
         *
         * @param step the rest of the application
         */
        void launch(Step step);
    }

    private static final VarHandle DETACHED;
    private static final VarHandle WEIGHT_PENDING;

    static {
        try {
            DETACHED = MethodHandles.lookup().findVarHandle(Inbox.class, "detached", Step.class);
            WEIGHT_PENDING = MethodHandles.lookup().findVarHandle(Inbox.class, "weightPending", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks a message that came from the channel layer, so its slot is given back on take. */
    private record LayerEntry(Message message) {
    }

    /** A client event counted against {@link #weightPending()}, given back on take. */
    private record WeightedEntry(Message message, int weight) {
    }

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger layerPending = new AtomicInteger();
    /** The weight of the weighted events waiting (a field, not an AtomicLong: one object less per connection). */
    private volatile long weightPending;
    /** The thread parked (or about to park) in receive or poll; null when none is. */
    private volatile Thread waiter;
    /** The step kept by {@link #pollOrDetach} while no thread takes items; null otherwise. */
    private volatile Step detached;
    /** Where {@link #detached} is launched; written before it. */
    private Launcher launcher;

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
     * Adds a client event that weighs {@code weight} (its payload's size, for a server that bounds
     * how much a client may have waiting for its application). Never blocks.
     *
     * @param event  the event
     * @param weight what it counts, at least 0
     * @return the weight waiting now, this event's included
     */
    public long put(Message event, int weight) {
        Objects.requireNonNull(event, "event");
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0, was " + weight);
        }
        long waiting = addWeight(weight);
        queue.add(new WeightedEntry(event, weight));
        wakeWaiter();
        return waiting;
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
        Step step = detached;
        if (step != null && DETACHED.compareAndSet(this, step, null)) {
            launcher.launch(step);
        }
    }

    /**
     * Takes the next item, or, when there is none, steps off: keeps {@code step}, to be handed to
     * {@code launcher} when the next item arrives, and returns null. The caller must then return
     * without touching the inbox again; the launched step goes on from here. For one application
     * thread at a time, as {@link #receive()}.
     *
     * <p>Publishing the step and adding an item are ordered as for a parked thread: the step is
     * published before the queue is checked again, and a producer adds before it reads the step,
     * so an item is never left behind a step that nobody launches.
     *
     * @param step     the rest of the application, to run when an item arrives
     * @param launcher runs {@code step} on a new thread
     * @return the next item, or null if the caller stepped off
     * @throws InterruptedException if the thread is interrupted and no item is waiting (a server
     *                              stopping an application that outlived its connection)
     */
    public Message pollOrDetach(Step step, Launcher launcher) throws InterruptedException {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(launcher, "launcher");
        while (true) {
            Object item = queue.poll();
            if (item != null) {
                return unwrap(item);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            this.launcher = launcher;
            detached = step;
            if (queue.isEmpty()) {
                return null; // whoever adds next launches the step
            }
            if (!DETACHED.compareAndSet(this, step, null)) {
                return null; // an item came and its producer launched the step already: it is that thread's now
            }
            // an item came before any producer saw the step: take it here
        }
    }

    /**
     * Takes back the step kept by {@link #pollOrDetach}, so that no item launches it: for an owner
     * that runs it itself (to stop an application whose connection is gone).
     *
     * @return the step, or null if none is kept (a thread is taking items, or none ever stepped off)
     */
    public Step takeDetached() {
        Step step = detached;
        return step != null && DETACHED.compareAndSet(this, step, null) ? step : null;
    }

    /** @return the number of items waiting; counted by walking the queue, so not for hot paths */
    public int size() {
        return queue.size();
    }

    /** @return the number of channel-layer messages waiting */
    public int layerPending() {
        return layerPending.get();
    }

    /** @return the weight of the events added with {@link #put(Message, int)} still waiting */
    public long weightPending() {
        return weightPending;
    }

    /** @return the weight waiting after adding {@code delta} */
    private long addWeight(long delta) {
        return (long) WEIGHT_PENDING.getAndAdd(this, delta) + delta;
    }

    private Message unwrap(Object item) {
        if (item instanceof LayerEntry entry) {
            layerPending.decrementAndGet();
            return entry.message();
        }
        if (item instanceof WeightedEntry entry) {
            addWeight(-entry.weight());
            return entry.message();
        }
        return (Message) item;
    }
}

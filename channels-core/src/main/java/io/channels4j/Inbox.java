package io.channels4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's mailbox: the single queue where client events and channel-layer messages meet,
 * to be taken one at a time, in arrival order, by the application's thread (DESIGN.md §3).
 *
 * <p>A protocol server hands an {@code Inbox} to the application as its {@link Receive}; a
 * {@link io.channels4j.consumer.Consumer} that sees one subscribes its channel-layer channel to the
 * same inbox, so no thread is spent pumping events from one queue into another.
 *
 * <p>Threading: {@link #put} and {@link #offerFromLayer} may be called from any thread and never
 * block; {@link #receive()} and {@link #poll(Duration)} are for the single application thread.
 * Client events are unbounded here (the server bounds what it reads); channel-layer messages are
 * bounded by the channel's capacity, as Channels' layers bound a channel's queue.
 */
public final class Inbox implements Receive {

    /** Marks a message that came from the channel layer, so its slot is given back on take. */
    private record LayerEntry(Message message) {
    }

    private final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();
    private final AtomicInteger layerPending = new AtomicInteger();

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
        return unwrap(queue.take());
    }

    /**
     * Takes the next event or message, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the next item, or null on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public Message poll(Duration timeout) throws InterruptedException {
        Object item = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return item == null ? null : unwrap(item);
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

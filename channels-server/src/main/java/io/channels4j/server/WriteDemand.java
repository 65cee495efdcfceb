package io.channels4j.server;

import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.java_websocket.WebSocketImpl;

/**
 * Plain connections that have frames queued, handed from the threads that queue them to the
 * selector thread, which writes them at its next turn.
 *
 * <p>Java-WebSocket asks for a write by setting write interest on the connection's key from the
 * sending thread ({@code WebSocketServer.onWriteDemand}): a call that takes the selector's update
 * lock (held by the selector thread while it registers changes, so a sending virtual thread that
 * finds it taken unmounts, allocating a stack chunk), then one {@code epoll_ctl} to add the
 * interest, one wake-up for the kernel to report the socket writable (it nearly always is), and
 * one more {@code epoll_ctl} to drop the interest after the write. Here a sending thread only
 * appends the connection to a queue and wakes the selector if no wake-up is pending; the selector
 * writes at once, and sets write interest only for a socket whose buffer is full.
 *
 * <p>Threading: {@link #demand} from any thread; {@link #attach}, {@link #rearm} and
 * {@link #poll} from the selector thread.
 */
final class WriteDemand {

    private final ConcurrentLinkedQueue<WebSocketImpl> pending = new ConcurrentLinkedQueue<>();
    /** Set by the first demand after the selector last looked; the selector clears it before it drains. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile Selector selector;
    private volatile Thread selectorThread;

    /**
     * Called by the selector loop when it starts: from then on demands go to it.
     *
     * @param selector       the server's selector
     * @param selectorThread the thread that runs the loop
     */
    void attach(Selector selector, Thread selectorThread) {
        this.selectorThread = selectorThread;
        this.selector = selector;
    }

    /** @return whether a selector loop takes demands (false with the library's own loop) */
    boolean active() {
        return selector != null;
    }

    /**
     * Asks the selector thread to write what is queued for {@code socket}. Never blocks.
     *
     * @param socket a plain connection with frames queued
     */
    void demand(WebSocketImpl socket) {
        pending.add(socket);
        // the selector thread drains after it handles its keys: a demand of its own needs no wake-up
        if (Thread.currentThread() != selectorThread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Called by the selector thread after each {@code select}, before it drains: a demand added
     * after this call wakes the selector again, one added before is drained now.
     */
    void rearm() {
        wakeupPending.set(false);
    }

    /** @return the next connection to write, or null */
    WebSocketImpl poll() {
        return pending.poll();
    }
}

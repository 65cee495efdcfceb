package io.channels4j.server;

import io.channels4j.Inbox;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.java_websocket.WebSocketImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection as the server sees it: the socket, the scope, the application instance running
 * on its own virtual thread, and the inbox the engine's threads hand events to. Subclasses speak
 * WebSocket or HTTP.
 *
 * <p>Threading: the engine's decoder and selector threads call the {@code on...} methods and
 * never block in them; the application's thread calls {@link #send}; the server's timer thread
 * calls {@link #sweep}. State changes are guarded by {@code this}.
 */
abstract class ServerConnection implements Send, Runnable {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    final Engine engine;
    final WebSocketImpl socket;
    final ServerDraft draft;
    final Scope scope;
    final Inbox inbox = new Inbox();
    final long id = IDS.incrementAndGet();
    final long openedNanos = System.nanoTime();
    private volatile Thread applicationThread;
    private volatile long socketClosedNanos;

    ServerConnection(Engine engine, WebSocketImpl socket, ServerDraft draft, Scope scope) {
        this.engine = engine;
        this.socket = socket;
        this.draft = draft;
        this.scope = scope;
    }

    /** Starts the application instance for this connection. */
    final void startApplication() {
        applicationThread = Thread.ofVirtual().name("channels4j-app-" + id).start(this);
    }

    /**
     * The application thread's body: runs the application for the whole connection, then cleans up.
     * The connection is the thread's task itself, with no lambda in between: the thread's stack is
     * kept while the application waits for events, for the connection's lifetime.
     */
    @Override
    public final void run() {
        Throwable failure = null;
        try {
            engine.settings().application().run(scope, inbox, this);
        } catch (Throwable t) {
            failure = t;
        }
        try {
            applicationReturned(failure);
        } catch (RuntimeException e) {
            log.warn("cleaning up after the application for {} failed", scope.path(), e);
        } finally {
            engine.applicationEnded(this);
        }
    }

    /**
     * Called on the application's thread when it returns.
     *
     * @param failure what it threw, or null
     */
    abstract void applicationReturned(Throwable failure);

    /**
     * Called on the selector thread when the socket is closed, once.
     *
     * @param code   the close code
     * @param remote whether the peer closed
     */
    abstract void socketClosed(int code, boolean remote);

    /**
     * Request body bytes (HTTP) arriving before the connection is a WebSocket; decoder thread.
     *
     * @param bytes the bytes; consume what is needed
     */
    void onRequestBytes(ByteBuffer bytes) {
    }

    /**
     * Periodic checks (timeouts, pings, and writes the selector may have lost); timer thread.
     *
     * @param now {@link System#nanoTime()}
     */
    void sweep(long now) {
        if (!socket.outQueue.isEmpty()) {
            engine.rearmWrites(socket);
        }
        long closed = socketClosedNanos;
        if (closed != 0 && now - closed > engine.settings().applicationCloseTimeout().toNanos()) {
            Thread thread = applicationThread();
            if (thread != null && thread.isAlive()) {
                log.warn("Application instance for {} took too long to shut down and was killed", scope.path());
                thread.interrupt();
                socketClosedNanos = now; // interrupt again later if it still hangs on
            }
        }
    }

    final void markSocketClosed() {
        socketClosedNanos = System.nanoTime();
    }

    final boolean isSocketClosed() {
        return socketClosedNanos != 0;
    }

    final Thread applicationThread() {
        return applicationThread;
    }

    /** @return the client as logged: {@code host:port} */
    final String clientForLog() {
        return scope.client() == null ? "-" : scope.client().toString();
    }

    /**
     * Writes raw bytes to the socket, unframed.
     *
     * @param bytes the bytes
     * @return false if the socket is already closed
     */
    final boolean writeRaw(byte[] bytes) {
        try {
            socket.sendFrame(new RawFrame(ByteBuffer.wrap(bytes)));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return bytes queued for the socket and not yet written */
    final long queuedBytes() {
        long total = 0;
        for (ByteBuffer buffer : socket.outQueue) {
            total += buffer.remaining();
        }
        return total;
    }
}

package io.channels4j.server;

import io.channels4j.Delegating;
import io.channels4j.Inbox;
import io.channels4j.Resumable;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.java_websocket.WebSocketImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection as the server sees it: the socket, the scope, the application instance running
 * on a virtual thread, and the inbox the engine's threads hand events to. Subclasses speak
 * WebSocket or HTTP.
 *
 * <p>The application runs on a virtual thread of its own. A {@link Resumable} application (every
 * consumer) reached through hand-offs only is started as one: it leaves its thread whenever its
 * inbox is empty, and each later run (a "step") gets a new virtual thread, named as the first,
 * when an event arrives. So a quiet connection holds no thread and no stack.
 *
 * <p>Threading: the engine's decoder and selector threads call the {@code on...} methods and
 * never block in them; the application's thread calls {@link #send}; the server's timer thread
 * calls {@link #sweep}. State changes are guarded by {@code this}.
 */
abstract class ServerConnection implements Send, Inbox.Launcher, Inbox.Step {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle APPLICATION_THREAD;

    static {
        try {
            APPLICATION_THREAD = MethodHandles.lookup().findVarHandle(ServerConnection.class, "applicationThread",
                    Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Engine engine;
    final WebSocketImpl socket;
    final ServerDraft draft;
    final Scope scope;
    final Inbox inbox = new Inbox();
    final long id = IDS.incrementAndGet();
    final long openedNanos = System.nanoTime();
    /** The thread running the application (or a step of it) and not yet done; null between steps. */
    private volatile Thread applicationThread;
    private volatile long socketClosedNanos;

    ServerConnection(Engine engine, WebSocketImpl socket, ServerDraft draft, Scope scope) {
        this.engine = engine;
        this.socket = socket;
        this.draft = draft;
        this.scope = scope;
    }

    /** Starts the application instance for this connection: its first step ({@link #run}). */
    final void startApplication() {
        startStep(this, false);
    }

    /**
     * The application's first step: resolves which application serves the connection and starts
     * it. An application that is not started as a {@link Resumable} runs here for the whole
     * connection.
     *
     * @return true if the application finished; false if it stepped off its thread
     * @throws Exception what the application threw; it has finished
     */
    @Override
    public final boolean run() throws Exception {
        Delegating.Next last = Delegating.resolve(engine.settings().application(), scope, inbox, this);
        if (last.application() instanceof Resumable resumable && last.receive() == inbox) {
            return resumable.start(last.scope(), inbox, last.send(), this);
        }
        last.run();
        return true;
    }

    /** Runs the rest of a {@link Resumable} application on a new virtual thread: an event arrived. */
    @Override
    public final void launch(Inbox.Step step) {
        startStep(step, false);
    }

    /** Starts a step of the application on a virtual thread named for the connection. */
    private void startStep(Inbox.Step step, boolean interrupted) {
        Thread.ofVirtual().name("channels4j-app-" + id).start(new StepRun(step, interrupted));
    }

    /**
     * One step of the application, as the body of its thread; cleans up when the application has
     * finished (in this step or a later one).
     */
    private final class StepRun implements Runnable {
        private final Inbox.Step step;
        private final boolean interrupted;

        StepRun(Inbox.Step step, boolean interrupted) {
            this.step = step;
            this.interrupted = interrupted;
        }

        @Override
        public void run() {
            // set by each step's own thread, before its step runs: the steps of one application follow one
            // another, so the last one written is the one running (or the last to have run)
            applicationThread = Thread.currentThread();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            boolean finished;
            Throwable failure = null;
            try {
                finished = step.run();
            } catch (Throwable t) {
                finished = true;
                failure = t;
            }
            stepEnded(finished, failure);
        }
    }

    private void stepEnded(boolean finished, Throwable failure) {
        // forget this thread unless a later step's thread has already taken its place: a quiet connection keeps none
        APPLICATION_THREAD.compareAndSet(this, Thread.currentThread(), null);
        if (!finished) {
            return; // the application stepped off; an event launches its next step
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
     * Stops an application that outlived its connection: interrupts its thread, or, if it is
     * waiting off any thread, runs its next step on an interrupted thread (its wait then throws
     * {@link InterruptedException}).
     *
     * @return true if there was something to stop
     */
    final boolean kill() {
        Thread thread = applicationThread;
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
            return true;
        }
        Inbox.Step step = inbox.takeDetached();
        if (step == null) {
            // none kept: a step is starting, or the application has finished; look again at the next sweep
            return false;
        }
        startStep(step, true);
        return true;
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
            if (kill()) {
                log.warn("Application instance for {} took too long to shut down and was killed", scope.path());
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

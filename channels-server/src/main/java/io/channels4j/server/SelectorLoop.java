package io.channels4j.server;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WrappedIOException;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.invoke.MethodType.methodType;

/**
 * The selector loop of Java-WebSocket 1.6.0's {@code WebSocketServer.run()}, with one change: every
 * selected key is taken out of the selector's selected-key set before it is handled, as an NIO
 * loop should. The library's loop removes a key only after an accept or a read that returned
 * data, never after a write, so a connection that was written to and has not sent anything since
 * (every idle WebSocket after its 101 response) stays in the set with a stale "writable" bit and
 * is handled again at every wake-up of the selector: the loop walked every idle connection for
 * every new one, O(N²) over a connect ramp (JFR: 79 % of the server's samples on the selector
 * thread while 10,000 clients connected; the application's connect path was 11 %). epoll is
 * level-triggered, so a channel still ready after its turn (more bytes, more pending accepts) is
 * selected again at the next {@code select}; nothing waits on the old set.
 *
 * <p>A second change follows from the first: an I/O failure is handled for the key that failed,
 * and the walk goes on with the other keys of the wake-up (the library catches it around the
 * whole walk and finds the rest still in the set next time; see {@link #handle}).
 *
 * <p>A third: a plain connection's queued frames are written several per system call
 * ({@link QueuedWrites}; the library writes one buffer per call), and the queue is checked again
 * after write interest is dropped, so a frame queued in that instant is not stranded (see
 * {@link #write}).
 *
 * <p>A fourth: a plain connection's bytes are decoded on this thread ({@link InlineReads}), not
 * handed to one of the library's decoder threads, which cost a thread wake-up per message.
 *
 * <p>A fifth: a plain connection's write request from another thread goes to
 * {@link WriteDemand}, and this thread writes at its next turn, instead of the sending thread
 * setting write interest on the key (see {@link #demanded}).
 *
 * <p>Everything else is the library's own code, called through its private methods (accept, TLS
 * reads and writes, the TLS re-reads, error handling, shutdown), in the library's order, with its
 * exception handlers. The handles are looked up once; if the library ever stops matching (another
 * version), {@link #available()} is false and the server runs the library's loop unchanged, with
 * a warning.
 *
 * <p>Threading: {@link #run} runs on the server's selector thread, like the loop it replaces.
 */
final class SelectorLoop {

    private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);
    private static final Handles HANDLES = Handles.lookUp();

    /** doAccept and doRead remove the key through the iterator they are given: it is already out. */
    private static final Iterator<SelectionKey> ALREADY_REMOVED = new Iterator<>() {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public SelectionKey next() {
            throw new NoSuchElementException();
        }

        @Override
        public void remove() {
            // the key left the selected set before it was handled
        }
    };

    private SelectorLoop() {
    }

    /** @return whether this library version matched and the fixed loop can run */
    static boolean available() {
        return HANDLES != null;
    }

    /**
     * The number of keys in the server's selected-key set: what the next wake-up will walk before
     * the keys the kernel reports. For tests; a racy read of a set the selector thread owns.
     *
     * @param server a started server
     * @return the count
     */
    static int selectedKeyCount(WebSocketServer server) {
        Selector selector = (Selector) HANDLES.selector.get(server);
        return selector.selectedKeys().size();
    }

    /**
     * Runs the loop until the server stops; the body of {@code WebSocketServer.run()}.
     *
     * @param server the server, whose {@code run()} this replaces
     * @param demand where the server's plain connections ask for writes
     */
    static void run(WebSocketServer server, WriteDemand demand) {
        Handles h = HANDLES;
        try {
            if (!(boolean) h.doEnsureSingleThread.invokeExact(server)
                    || !(boolean) h.doSetupSelectorAndServerThread.invokeExact(server)) {
                return;
            }
        } catch (Throwable t) {
            throw unchecked(t);
        }
        try {
            loop(server, h, demand);
        } catch (RuntimeException e) {
            invoke(() -> {
                h.handleFatal.invokeExact(server, (WebSocket) null, (Exception) e);
            });
        } finally {
            invoke(() -> {
                h.doServerShutdown.invokeExact(server);
            });
        }
    }

    private static void loop(WebSocketServer server, Handles h, WriteDemand demand) {
        Thread selectorThread = (Thread) h.selectorThread.get(server);
        AtomicBoolean closed = (AtomicBoolean) h.closed.get(server);
        Selector selector = (Selector) h.selector.get(server);
        demand.attach(selector, selectorThread);
        QueuedWrites writes = new QueuedWrites();
        InlineReads reads = new InlineReads(server.createBuffer());
        int shutdownCount = 5;
        int selectTimeout = 0;
        while (!selectorThread.isInterrupted() && shutdownCount != 0) {
            try {
                if (closed.get()) {
                    selectTimeout = 5;
                }
                int keyCount = selector.select(selectTimeout);
                if (keyCount == 0 && closed.get()) {
                    shutdownCount--;
                }
                demand.rearm();
                Set<SelectionKey> selected = selector.selectedKeys();
                if (!selected.isEmpty()) {
                    SelectionKey[] keys = selected.toArray(new SelectionKey[0]);
                    selected.clear();
                    for (SelectionKey key : keys) {
                        handle(server, h, key, reads, writes);
                    }
                }
                for (WebSocketImpl socket; (socket = demand.poll()) != null; ) {
                    demanded(server, h, socket, writes);
                }
                h.doAdditionalRead.invokeExact(server);
            } catch (CancelledKeyException e) {
                // a connection closed meanwhile: as the library, go on
            } catch (ClosedByInterruptException e) {
                return; // the finally of run() shuts the server down, as the library does here
            } catch (IOException e) {
                // from select or the TLS re-reads, not from one key: the library passed the last key it
                // had walked, and so cancelled an unrelated connection; key failures are handled in handle
                invoke(() -> {
                    h.handleIOException.invokeExact(server, (SelectionKey) null, (WebSocket) null, e);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                throw unchecked(t);
            }
        }
    }

    /**
     * Accepts, reads and writes for one selected key. An I/O failure of this key is handled here,
     * so that the other keys of the same wake-up are still served: the library catches it around
     * the whole walk, and then serves the rest from the selected-key set at the next wake-up; this
     * loop has already taken them out of that set, so when many peers failed at once (a mass
     * disconnect: writes of close frames to sockets already reset), every wake-up served one key
     * and the kernel reported all the others again, O(N²) ready events for N closes.
     */
    private static void handle(WebSocketServer server, Handles h, SelectionKey key, InlineReads reads,
            QueuedWrites writes) throws Throwable {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                h.doAccept.invokeExact(server, key, ALREADY_REMOVED);
                return;
            }
            if (key.isReadable() && !read(server, h, key, reads)) {
                return;
            }
            // a read that met the end of the stream has closed the connection and cancelled its key; asking
            // a cancelled key for its ready set throws (one exception per closed connection, caught below)
            if (key.isValid() && key.isWritable()) {
                write(server, h, key, writes);
            }
        } catch (CancelledKeyException e) {
            // this connection closed meanwhile: go on with the others
        } catch (ClosedByInterruptException e) {
            throw e;
        } catch (WrappedIOException e) {
            h.handleIOException.invokeExact(server, key, e.getConnection(), e.getIOException());
        } catch (IOException e) {
            h.handleIOException.invokeExact(server, key, (WebSocket) null, e);
        }
    }

    /**
     * Reads for a readable key: the library's {@code doRead} (which hands the bytes to a decoder
     * thread) for TLS, otherwise {@link InlineReads} (decoded on this thread).
     *
     * @return false when the key is done with for this wake-up (as the library's {@code doRead})
     */
    private static boolean read(WebSocketServer server, Handles h, SelectionKey key, InlineReads reads)
            throws Throwable {
        WebSocketImpl socket = (WebSocketImpl) key.attachment();
        if (!(socket.getChannel() instanceof SocketChannel channel)) {
            return (boolean) h.doRead.invokeExact(server, key, ALREADY_REMOVED);
        }
        try {
            reads.read(socket, channel);
        } catch (IOException e) {
            throw new WrappedIOException(socket, e);
        }
        return true;
    }

    /**
     * Writes what is queued for a writable key: the library's {@code doWrite} for TLS, otherwise
     * {@link QueuedWrites} (several frames per system call), then read-only interest once the
     * queue is empty. Unlike the library, the queue is checked again after the interest is reset:
     * a frame queued by another thread between the last write and the reset (its
     * {@code onWriteDemand} set write interest, which the reset then cleared) is not left waiting
     * for the next write on that connection. Both sides order a volatile write before a volatile
     * read (queue count, then interest; interest, then queue count), so at least one of them sees
     * the other's.
     */
    private static void write(WebSocketServer server, Handles h, SelectionKey key, QueuedWrites writes)
            throws Throwable {
        WebSocketImpl socket = (WebSocketImpl) key.attachment();
        if (!(socket.getChannel() instanceof SocketChannel channel)) {
            h.doWrite.invokeExact(server, key);
            return;
        }
        boolean drained;
        try {
            drained = writes.flush(socket, channel);
        } catch (IOException e) {
            throw new WrappedIOException(socket, e);
        }
        if (drained && key.isValid()) {
            key.interestOps(SelectionKey.OP_READ);
            if (!socket.outQueue.isEmpty()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
    }

    /**
     * Writes for a plain connection whose queue got frames from another thread
     * ({@link WriteDemand}): at once, without waiting for the kernel to report the socket
     * writable; write interest is set only if the socket's buffer fills, and then the writable
     * key finishes the job ({@link #write}). A connection closed meanwhile has its queue dropped,
     * as the library's {@code onWriteDemand} does when the key is cancelled.
     */
    private static void demanded(WebSocketServer server, Handles h, WebSocketImpl socket, QueuedWrites writes)
            throws Throwable {
        SelectionKey key = socket.getSelectionKey();
        if (key == null || !key.isValid()) {
            socket.outQueue.clear();
            return;
        }
        if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
            return; // already waiting for room in the socket's buffer: the writable key writes it
        }
        try {
            if (!writes.flush(socket, (SocketChannel) socket.getChannel())) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (CancelledKeyException e) {
            socket.outQueue.clear();
        } catch (IOException e) {
            h.handleIOException.invokeExact(server, key, (WebSocket) socket, e);
        }
    }

    /**
     * A call through a handle. The call must be a statement in a block: as the body of an
     * expression lambda, {@code invokeExact} is typed as returning Object and fails at run time.
     */
    private interface HandleCall {
        void call() throws Throwable;
    }

    private static void invoke(HandleCall call) {
        try {
            call.call();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Errors are thrown as they are; a RuntimeException is returned as is, anything else wrapped. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException e ? e : new IllegalStateException(t);
    }

    /** The library's private members the loop needs. */
    private record Handles(MethodHandle doEnsureSingleThread, MethodHandle doSetupSelectorAndServerThread,
            MethodHandle doAccept, MethodHandle doRead, MethodHandle doWrite, MethodHandle doAdditionalRead,
            MethodHandle doServerShutdown, MethodHandle handleIOException, MethodHandle handleFatal,
            VarHandle selector, VarHandle selectorThread, VarHandle closed) {

        static Handles lookUp() {
            try {
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(WebSocketServer.class, MethodHandles.lookup());
                Class<WebSocketServer> s = WebSocketServer.class;
                return new Handles(
                        l.findVirtual(s, "doEnsureSingleThread", methodType(boolean.class)),
                        l.findVirtual(s, "doSetupSelectorAndServerThread", methodType(boolean.class)),
                        l.findVirtual(s, "doAccept", methodType(void.class, SelectionKey.class, Iterator.class)),
                        l.findVirtual(s, "doRead", methodType(boolean.class, SelectionKey.class, Iterator.class)),
                        l.findVirtual(s, "doWrite", methodType(void.class, SelectionKey.class)),
                        l.findVirtual(s, "doAdditionalRead", methodType(void.class)),
                        l.findVirtual(s, "doServerShutdown", methodType(void.class)),
                        l.findVirtual(s, "handleIOException",
                                methodType(void.class, SelectionKey.class, WebSocket.class, IOException.class)),
                        l.findVirtual(s, "handleFatal", methodType(void.class, WebSocket.class, Exception.class)),
                        l.findVarHandle(s, "selector", Selector.class),
                        l.findVarHandle(s, "selectorthread", Thread.class),
                        l.findVarHandle(s, "isclosed", AtomicBoolean.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.warn("Java-WebSocket's selector loop could not be replaced ({}); using the library's, whose "
                        + "cost per wake-up grows with idle connections", e.toString());
                return null;
            }
        }
    }
}

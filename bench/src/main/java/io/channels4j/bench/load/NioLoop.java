package io.channels4j.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector thread of {@link NioWsClient}: owns its connections' sockets, runs their I/O and
 * every task handed to it. The read buffer is shared by all its connections (one per loop, not one
 * per connection, so 50,000 idle connections cost no buffers).
 *
 * <p>Threading: {@link #execute} from any thread; everything else on the loop thread only.
 * Lifecycle: started by the constructor; {@link #close()} closes its connections and ends the
 * thread (waits up to 5 s).
 */
final class NioLoop implements AutoCloseable {

    /** The largest frame (header included) a connection can receive. */
    static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_TASKS_PER_TURN = 100_000;

    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** A second view of {@link #readBuffer}, handed to listeners positioned on one payload. */
    final ByteBuffer payloadView = readBuffer.duplicate();

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Set<NioConnection> connections = new HashSet<>();
    private volatile boolean running = true;
    private int maskState = (int) System.nanoTime() | 1;

    NioLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /** @return true on this loop's thread */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs a task on the loop thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    Selector selector() {
        return selector;
    }

    void register(NioConnection connection) {
        connections.add(connection);
    }

    void unregister(NioConnection connection) {
        connections.remove(connection);
    }

    /** @return a masking key (xorshift: masking needs no cryptographic randomness here) */
    int nextMask() {
        int x = maskState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskState = x;
        return x;
    }

    private void run() {
        try {
            while (running) {
                if (tasks.isEmpty()) {
                    selector.select(this::onReady, 1000);
                } else {
                    selector.selectNow(this::onReady);
                }
                wakeupPending.set(false);
                Runnable task;
                for (int i = 0; i < MAX_TASKS_PER_TURN && (task = tasks.poll()) != null; i++) {
                    task.run();
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(thread.getName() + " stopped: " + e);
        } finally {
            for (NioConnection connection : new ArrayList<>(connections)) {
                connection.abort("client closed");
            }
            try {
                selector.close();
            } catch (IOException e) {
                System.err.println(thread.getName() + ": closing the selector: " + e);
            }
        }
    }

    private void onReady(SelectionKey key) {
        ((NioConnection) key.attachment()).onReady(key);
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

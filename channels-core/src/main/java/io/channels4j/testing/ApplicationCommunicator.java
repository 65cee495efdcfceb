package io.channels4j.testing;

import io.channels4j.Application;
import io.channels4j.Inbox;
import io.channels4j.Message;
import io.channels4j.Scope;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one application instance in-process and talks to it through its event streams, as
 * asgiref's {@code ApplicationCommunicator}: {@link #sendInput} feeds {@code receive},
 * {@link #receiveOutput} reads what it {@code send}s.
 *
 * <p>The application starts on first use (the first {@code send}/{@code receive} call) on its own
 * virtual thread, named
 * {@code channels4j-communicator-N}. Methods are for one test thread; a timeout fails the test
 * with an {@link AssertionError}. An exception thrown by the application is reported by
 * {@link #receiveOutput} once every event it sent before failing has been read, and by
 * {@link #await(Duration)}. {@link #close()} stops the application if it is still running.
 */
public class ApplicationCommunicator implements AutoCloseable {

    /** The default timeout of waiting calls, as in Channels. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    private static final AtomicLong COUNTER = new AtomicLong();

    private final Scope scope;
    private final Inbox input = new Inbox();
    private final LinkedBlockingQueue<Message> output = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Application application;
    private volatile Thread thread;
    private volatile Throwable failure;

    /**
     * Starts the application.
     *
     * @param application the application under test
     * @param scope       the scope it runs with
     */
    public ApplicationCommunicator(Application application, Scope scope) {
        this.application = Objects.requireNonNull(application, "application");
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /** Starts the application on first use, once construction (of subclasses too) is complete. */
    private void ensureStarted() {
        if (thread != null) {
            return; // fast path: the application's own thread calls here too (a close answered with a disconnect)
        }
        synchronized (this) {
            if (thread == null) {
                start();
            }
        }
    }

    private void start() {
        thread = Thread.ofVirtual()
                .name("channels4j-communicator-" + COUNTER.incrementAndGet())
                .start(() -> {
                    try {
                        application.run(scope, input, this::onOutput);
                    } catch (Throwable t) {
                        failure = t;
                    } finally {
                        finished.countDown();
                    }
                });
    }

    /** @return the scope the application runs with */
    public Scope scope() {
        return scope;
    }

    /**
     * Called on the application's thread for every event it sends; subclasses may check or react
     * (a WebSocket communicator answers a close with a disconnect, as a server does).
     *
     * @param event the event
     */
    protected void onOutput(Message event) {
        output.add(event);
    }

    /**
     * Delivers an event to the application's {@code receive}.
     *
     * @param event the event
     */
    public void sendInput(Message event) {
        ensureStarted();
        input.put(event);
    }

    /**
     * Waits up to {@link #DEFAULT_TIMEOUT} for the application's next event.
     *
     * @return the event
     * @throws AssertionError if none arrives in time, or the application failed
     */
    public Message receiveOutput() {
        return receiveOutput(DEFAULT_TIMEOUT);
    }

    /**
     * Waits for the application's next event.
     *
     * @param timeout how long to wait
     * @return the event
     * @throws AssertionError if none arrives in time (the failure of the application, if it
     *                        failed, is the cause)
     */
    public Message receiveOutput(Duration timeout) {
        ensureStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Message event = output.poll();
                if (event != null) {
                    return event;
                }
                if (finished.getCount() == 0) {
                    event = output.poll();
                    if (event != null) {
                        return event;
                    }
                    throw new AssertionError(failure != null
                            ? "application failed: " + failure
                            : "application finished without sending another event", failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no event from the application within " + timeout);
                }
                event = output.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                if (event != null) {
                    return event;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the application", e);
        }
    }

    /**
     * Checks that the application sends nothing for 100 ms.
     *
     * @return true if nothing arrived
     */
    public boolean receiveNothing() {
        return receiveNothing(Duration.ofMillis(100));
    }

    /**
     * Checks that the application sends nothing for a while. Unlike {@link #receiveOutput}, an
     * event that does arrive stays queued for the next {@code receiveOutput}.
     *
     * @param timeout how long to watch
     * @return true if nothing arrived
     */
    public boolean receiveNothing(Duration timeout) {
        ensureStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (output.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            // receive_nothing is a watch over time by definition; look again every few ms.
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
        }
        return false;
    }

    /**
     * Waits for the application to return.
     *
     * @param timeout how long to wait
     * @throws AssertionError if it is still running after the timeout (it is then stopped), or it
     *                        failed (the failure is the cause)
     */
    public void await(Duration timeout) {
        ensureStarted();
        try {
            if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                stop();
                throw new AssertionError("application still running after " + timeout + "; it was stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (failure != null) {
            throw new AssertionError("application failed: " + failure, failure);
        }
    }

    /** @return true once the application has returned (normally or not) */
    public boolean isDone() {
        return finished.getCount() == 0;
    }

    /** @return what the application threw, or null */
    public Throwable failure() {
        return failure;
    }

    /**
     * Interrupts the application if it still runs and waits up to a second for it to end.
     */
    public void stop() {
        Thread running = thread;
        if (running != null && finished.getCount() != 0) {
            running.interrupt();
            try {
                if (!finished.await(1, TimeUnit.SECONDS)) {
                    throw new AssertionError("application did not stop within 1 s of being interrupted");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the application if it still runs. */
    @Override
    public void close() {
        stop();
    }
}

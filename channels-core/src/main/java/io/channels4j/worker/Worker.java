package io.channels4j.worker;

import io.channels4j.Application;
import io.channels4j.Inbox;
import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.Send;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelNames;
import io.channels4j.routing.ChannelNameRouter;
import io.channels4j.routing.ProtocolTypeRouter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background worker: Channels' {@code Worker} behind {@code runworker}. It receives on named
 * channels of a channel layer and runs each message through an {@link Application} whose scope
 * is {@code {type: "channel", channel: <name>}}, usually a {@link ChannelNameRouter} of
 * background {@link io.channels4j.consumer.Consumer}s:
 *
 * <pre>{@code
 * Application app = ChannelNameRouter.of(Map.of(
 *         "thumbnails-generate", Consumer.asApplication(ThumbnailConsumer::new)));
 * try (Worker worker = new Worker(app, layer, List.of("thumbnails-generate"))) {
 *     worker.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Instances.</b> As in Channels, there is <em>one long-lived application instance per
 * channel name</em> (Channels' {@code scope_id} is the channel name): every message of a channel
 * goes, in arrival order, into that instance's {@link Inbox}, which is its {@link io.channels4j.Receive}.
 * A {@code Consumer} therefore keeps its fields from one message to the next and handles the
 * messages of a channel one at a time; different channels run concurrently. The instance is
 * started when the first message arrives. The application's {@link Send} is not supported (there
 * is no client): it throws {@link UnsupportedOperationException}, as Channels' worker raises
 * {@code NotImplementedError}; reply through the channel layer instead.
 *
 * <p><b>Failures.</b> When an instance throws (or returns), the exception is logged and a new
 * instance is started for the next message: at once if messages are already waiting for it, or
 * when the next one arrives. Messages that were waiting for an instance that ended without
 * receiving anything are dropped (logged), so an application that fails on start cannot spin.
 * A message without a {@code type} is logged and skipped; Channels raises {@code ValueError} there,
 * which kills the channel's listener for good. A receive that fails (for example Redis is down)
 * is logged and retried with backoff (up to {@value #MAX_BACKOFF_MILLIS} ms between tries); a
 * closed layer ({@link IllegalStateException}) ends the listener and closes the worker
 * ({@link #failure()}).
 *
 * <p><b>At most once.</b> There are no retries, results or acknowledgements (Channels' design):
 * a message is gone from the layer once a listener received it. A message is lost if its handler
 * throws, if the process dies, or if {@link #close()} interrupts its handler. Use a task queue if
 * you need more. To bound what a crash can lose, a listener takes another message from the layer
 * only while fewer than {@code prefetch} (default {@value #DEFAULT_PREFETCH}) are waiting for the
 * instance: the rest stay in the layer, where another worker process on the same channel can take
 * them (Channels' worker reads ahead without a bound).
 *
 * <p><b>Threading.</b> {@link #start()} starts one listener per channel, a virtual thread named
 * {@code channels4j-worker-<channel>} that loops on {@link ChannelLayer#receive(String, Duration)}
 * with the {@linkplain Builder#receiveTimeout receive timeout}, so it notices {@link #close()}
 * without being interrupted. Each application instance runs on its own virtual thread, named
 * {@code channels4j-worker-<channel>-app-<n>} ({@code n} counts restarts). The methods of this
 * class are thread-safe. The worker does not own the layer: close the layer after the worker.
 *
 * <p><b>Lifecycle.</b> New, then running after {@link #start()}, then closed after
 * {@link #close()}, which, within the {@linkplain Builder#shutdownTimeout shutdown timeout}: stops
 * the listeners (waiting up to the receive timeout for their current receive, then interrupting
 * them), lets each instance take the messages already handed to it, then interrupts the instances
 * and waits for them (at least one more second). {@link #run()} and {@link #awaitTermination()}
 * block until then. A worker is not restartable.
 */
public final class Worker implements AutoCloseable {

    /** How long one receive call waits by default before a listener checks for {@link #close()}. */
    public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(1);
    /** How long {@link #close()} waits by default before it interrupts the application instances. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** How many received messages may wait for a channel's instance by default. */
    public static final int DEFAULT_PREFETCH = 1;
    /** The start of every worker thread's name. */
    public static final String THREAD_PREFIX = "channels4j-worker-";
    /** The longest pause between two failed receives on one channel, in milliseconds. */
    public static final long MAX_BACKOFF_MILLIS = 5000;

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration INSTANCE_GRACE = Duration.ofSeconds(1);
    private static final long ROOM_POLL_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long ROOM_POLL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private enum State { NEW, RUNNING, CLOSING, CLOSED }

    private final Application application;
    private final ChannelLayer layer;
    private final List<String> channels;
    private final Duration receiveTimeout;
    private final Duration shutdownTimeout;
    private final int prefetch;
    private final Map<String, Slot> slots;

    private final Object lock = new Object();
    private final List<Thread> listeners = new ArrayList<>(); // guarded by lock
    private State state = State.NEW; // guarded by lock
    private volatile boolean closing;
    private volatile boolean stoppingInstances;
    private volatile Throwable failure;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private final LongAdder received = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failedInstances = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /**
     * A worker with the default receive timeout, shutdown timeout and prefetch. Channels'
     * {@code Worker(application, channels, channel_layer)}.
     *
     * @param application the application for {@code channel} scopes, e.g. a {@link ChannelNameRouter}
     * @param layer       the layer to receive from; not owned by the worker
     * @param channels    the channel names to listen on: valid, not process-local, no duplicates
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code channels} is empty, repeats a name, or holds a
     *                                  process-local name ({@code ...!...})
     * @throws io.channels4j.layer.InvalidChannelNameException if a name breaks the name rules
     */
    public Worker(Application application, ChannelLayer layer, List<String> channels) {
        this(builder().application(application).layer(layer).channels(channels));
    }

    private Worker(Builder b) {
        this.application = Objects.requireNonNull(b.application, "application");
        this.layer = Objects.requireNonNull(b.layer, "channel layer");
        this.channels = validateChannels(b.channels);
        this.receiveTimeout = b.receiveTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        this.prefetch = b.prefetch;
        Map<String, Slot> map = new LinkedHashMap<>();
        for (String channel : channels) {
            map.put(channel, new Slot(channel));
        }
        this.slots = Collections.unmodifiableMap(map);
    }

    /**
     * Starts building a worker with non-default timeouts or prefetch.
     *
     * @return a builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    static List<String> validateChannels(List<String> channels) {
        Objects.requireNonNull(channels, "channels");
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one channel name to listen on");
        }
        List<String> copy = new ArrayList<>(channels.size());
        for (String channel : channels) {
            ChannelNames.requireValidChannelName(Objects.requireNonNull(channel, "channel name"));
            if (ChannelNames.isProcessLocal(channel)) {
                throw new IllegalArgumentException("a worker cannot listen on the process-local channel '" + channel
                        + "': only the layer instance that created it can receive there; use a plain name such as"
                        + " 'thumbnails-generate'");
            }
            if (copy.contains(channel)) {
                throw new IllegalArgumentException("channel '" + channel + "' is given twice");
            }
            copy.add(channel);
        }
        return List.copyOf(copy);
    }

    /**
     * Starts one listener per channel and returns at once.
     *
     * @return this worker
     * @throws IllegalStateException if the worker was already started or closed
     */
    public Worker start() {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("the worker was already " + (state == State.RUNNING ? "started" : "closed"));
            }
            state = State.RUNNING;
            warnAboutUnroutedChannels();
            log.info("Running worker for channels {}", channels);
            for (Slot slot : slots.values()) {
                Thread listener = Thread.ofVirtual().name(THREAD_PREFIX + slot.channel).unstarted(() -> listen(slot));
                listeners.add(listener);
                listener.start();
            }
        }
        return this;
    }

    /**
     * Starts the worker and blocks until it is closed, from another thread or a shutdown hook,
     * or because its layer was closed under it. Channels' {@code worker.run()}.
     *
     * @throws InterruptedException  if the calling thread is interrupted while waiting (the worker
     *                               keeps running)
     * @throws IllegalStateException if the worker was already started or closed
     */
    public void run() throws InterruptedException {
        start();
        awaitTermination();
    }

    /**
     * Waits until {@link #close()} has finished.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Waits at most {@code timeout} until {@link #close()} has finished.
     *
     * @param timeout how long to wait
     * @return true if the worker is closed
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the channel names this worker listens on, in the order given */
    public List<String> channels() {
        return channels;
    }

    /** @return the layer this worker receives from */
    public ChannelLayer layer() {
        return layer;
    }

    /** @return true between {@link #start()} and the beginning of {@link #close()} */
    public boolean isRunning() {
        synchronized (lock) {
            return state == State.RUNNING;
        }
    }

    /**
     * What stopped the worker on its own: a listener whose layer was closed, or an unexpected
     * error in a listener. Empty while running and after a plain {@link #close()}.
     *
     * @return the failure, if any
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return how many messages the listeners have received from the layer, including skipped ones */
    public long receivedMessages() {
        return received.sum();
    }

    /** @return how many received messages were skipped because they had no {@code type} */
    public long skippedMessages() {
        return skipped.sum();
    }

    /** @return how many application instances ended with an exception (outside {@link #close()}) */
    public long failedInstances() {
        return failedInstances.sum();
    }

    /**
     * @return how many received messages were dropped without being handed to an instance: left
     *         over by an instance that ended without receiving anything, or still waiting when
     *         {@link #close()} stopped the instances
     */
    public long droppedMessages() {
        return dropped.sum();
    }

    /**
     * Stops the worker, waiting a bounded time (see the class documentation); idempotent. A
     * concurrent caller waits for the first one to finish. Does not close the layer.
     */
    @Override
    public void close() {
        State was;
        synchronized (lock) {
            was = state;
            if (was == State.NEW) {
                state = State.CLOSED;
                closing = true;
                stoppingInstances = true;
            } else if (was == State.RUNNING) {
                state = State.CLOSING;
                closing = true;
            }
        }
        if (was == State.NEW) {
            terminated.countDown();
            return;
        }
        if (was != State.RUNNING) {
            awaitTerminationQuietly(shutdownTimeout.plus(receiveTimeout).plus(INSTANCE_GRACE.multipliedBy(3)));
            return;
        }
        try {
            shutdown();
        } finally {
            synchronized (lock) {
                state = State.CLOSED;
            }
            terminated.countDown();
        }
    }

    private void shutdown() {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        List<Thread> listenerThreads;
        synchronized (lock) {
            listenerThreads = List.copyOf(listeners);
        }
        // 1. Listeners see `closing` after their current receive.
        long listenDeadline = Math.min(deadline, System.nanoTime() + receiveTimeout.toNanos() + INSTANCE_GRACE.toNanos());
        joinAll(listenerThreads, listenDeadline);
        List<Thread> stuck = alive(listenerThreads);
        if (!stuck.isEmpty()) {
            stuck.forEach(Thread::interrupt);
            joinAll(stuck, System.nanoTime() + INSTANCE_GRACE.toNanos());
            for (Thread t : alive(stuck)) {
                log.warn("worker listener {} did not stop; abandoning it", t.getName());
            }
        }
        // 2. Instances take what was already handed to them.
        try {
            while (System.nanoTime() < deadline && slots.values().stream().anyMatch(s -> s.inbox.size() > 0)) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // 3. Instances are interrupted: what they are doing now is cut short.
        stoppingInstances = true;
        List<Thread> instances = new ArrayList<>();
        for (Slot slot : slots.values()) {
            Thread instance = slot.instance();
            if (instance != null && instance != Thread.currentThread()) {
                instance.interrupt();
                instances.add(instance);
            }
        }
        joinAll(instances, Math.max(deadline, System.nanoTime() + INSTANCE_GRACE.toNanos()));
        for (Thread t : alive(instances)) {
            log.warn("worker application thread {} did not stop within the shutdown timeout; abandoning it", t.getName());
        }
        for (Slot slot : slots.values()) {
            int left = slot.drain();
            if (left > 0) {
                log.warn("worker stopped with {} received message(s) on channel '{}' not handled (at-most-once delivery)",
                        left, slot.channel);
            }
        }
        log.info("Worker stopped (channels {})", channels);
    }

    @Override
    public String toString() {
        return "Worker" + channels;
    }

    // ------------------------------------------------------------------ listeners

    private void listen(Slot slot) {
        long backoffMillis = 0;
        try {
            while (!closing) {
                if (!slot.awaitRoom()) {
                    break;
                }
                Message message;
                try {
                    message = layer.receive(slot.channel, receiveTimeout);
                    backoffMillis = 0;
                } catch (IllegalStateException e) {
                    if (!closing) {
                        stopOnFailure(slot.channel, e);
                    }
                    break;
                } catch (RuntimeException e) {
                    if (closing) {
                        break;
                    }
                    backoffMillis = backoffMillis == 0 ? 100 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                    log.warn("receive on channel '{}' failed: {}; retrying in {} ms", slot.channel, e.toString(), backoffMillis);
                    Thread.sleep(backoffMillis);
                    continue;
                }
                if (message == null) {
                    continue;
                }
                received.increment();
                if (typeOf(message) == null) {
                    skipped.increment();
                    log.warn("Worker received a message with no 'type' on channel '{}'; skipped it: {}",
                            slot.channel, abbreviate(message));
                    continue;
                }
                slot.deliver(message);
            }
        } catch (InterruptedException e) {
            if (!closing) {
                stopOnFailure(slot.channel, e);
            }
        } catch (Throwable t) {
            stopOnFailure(slot.channel, t);
        }
    }

    private static String typeOf(Message message) {
        try {
            return message.type();
        } catch (InvalidMessageException e) {
            return null; // a 'type' that is not a String is no type
        }
    }

    private static String abbreviate(Message message) {
        String text = message.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** Records the first failure and closes the worker from another thread (close joins listeners). */
    private void stopOnFailure(String channel, Throwable t) {
        synchronized (lock) {
            if (failure == null) {
                failure = t;
            }
            if (state != State.RUNNING) {
                return;
            }
        }
        log.error("worker listener for channel '{}' failed; stopping the worker", channel, t);
        Thread.ofVirtual().name(THREAD_PREFIX + "stop").start(this::close);
    }

    private void warnAboutUnroutedChannels() {
        Application app = application;
        if (app instanceof ProtocolTypeRouter protocols) {
            app = protocols.applications().get(Scope.CHANNEL);
            if (app == null) {
                log.warn("the worker's application is a ProtocolTypeRouter without a '{}' application; "
                        + "every message will fail", Scope.CHANNEL);
                return;
            }
        }
        if (app instanceof ChannelNameRouter router) {
            for (String channel : channels) {
                if (!router.applications().containsKey(channel)) {
                    log.warn("the worker listens on channel '{}', which its ChannelNameRouter does not route "
                            + "(routes: {}); its messages will fail", channel, router.applications().keySet());
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void joinAll(List<Thread> threads, long deadlineNanos) {
        boolean interrupted = false;
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            while (t.isAlive()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Thread> alive(List<Thread> threads) {
        return threads.stream().filter(t -> t.isAlive() && t != Thread.currentThread()).toList();
    }

    private void awaitTerminationQuietly(Duration timeout) {
        try {
            if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("the worker did not finish closing within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code send} of worker applications: there is no client to send to. */
    private static Send unsupportedSend(String channel) {
        return message -> {
            throw new UnsupportedOperationException("a worker application cannot send events (got "
                    + (message == null ? "null" : "'" + message.get(Message.TYPE) + "'") + " on channel '" + channel
                    + "'): there is no client; reply through the channel layer instead, e.g. "
                    + "channelLayer().send(replyChannel, ...) or channelLayer().groupSend(group, ...)");
        };
    }

    // ------------------------------------------------------------------ one channel

    /** One channel's inbox and its (single, restartable) application instance. */
    private final class Slot {
        final String channel;
        final Scope scope;
        final Send send;
        final Inbox inbox = new Inbox();

        private Thread instance; // guarded by this
        private int generation; // guarded by this
        private long delivered; // guarded by this
        private long deliveredAtStart; // guarded by this
        private int pendingAtStart; // guarded by this

        Slot(String channel) {
            this.channel = channel;
            this.scope = Scope.builder(Scope.CHANNEL).channel(channel).build();
            this.send = unsupportedSend(channel);
        }

        synchronized Thread instance() {
            return instance;
        }

        /**
         * Waits until fewer than {@code prefetch} messages wait in the inbox.
         *
         * @return false if the worker is closing
         */
        boolean awaitRoom() throws InterruptedException {
            long pause = ROOM_POLL_MIN_NANOS;
            while (inbox.layerPending() >= prefetch) {
                if (closing) {
                    return false;
                }
                Thread.sleep(Duration.ofNanos(pause));
                pause = Math.min(ROOM_POLL_MAX_NANOS, pause * 2);
            }
            return !closing;
        }

        /** Hands a message to the instance, starting one if none runs. Never blocks. */
        synchronized void deliver(Message message) {
            inbox.offerFromLayer(message, Integer.MAX_VALUE);
            delivered++;
            if (stoppingInstances) {
                log.warn("a message received on channel '{}' while the worker stopped will not be handled", channel);
                return;
            }
            if (instance == null) {
                startInstance();
            }
        }

        /** Must hold this slot's lock. */
        private void startInstance() {
            generation++;
            deliveredAtStart = delivered;
            pendingAtStart = inbox.layerPending();
            Thread thread = Thread.ofVirtual().name(THREAD_PREFIX + channel + "-app-" + generation)
                    .unstarted(this::runInstance);
            instance = thread;
            thread.start();
        }

        private void runInstance() {
            Throwable error = null;
            try {
                application.run(scope, inbox, send);
            } catch (Throwable t) {
                error = t;
            }
            onExit(Thread.currentThread(), error);
        }

        private synchronized void onExit(Thread thread, Throwable error) {
            if (instance == thread) {
                instance = null;
            }
            if (stoppingInstances) {
                if (error != null && !(error instanceof InterruptedException)) {
                    log.debug("worker application for channel '{}' ended with {} while stopping", channel, error.toString());
                }
                return;
            }
            if (error != null) {
                failedInstances.increment();
                log.error("Exception inside the worker application for channel '{}'; a new instance will take the "
                        + "next message (the failed message is not retried)", channel, error);
            } else {
                log.info("the worker application for channel '{}' returned; a new instance will take the next message",
                        channel);
            }
            int pending = inbox.layerPending();
            if (pending == 0) {
                return;
            }
            long taken = (delivered - deliveredAtStart) + pendingAtStart - pending;
            if (taken > 0) {
                startInstance();
                return;
            }
            // It ended without receiving anything: another instance would do the same, again and again.
            int left = drain();
            log.error("dropped {} message(s) on channel '{}': the worker application ended without receiving any "
                    + "(at-most-once delivery)", left, channel);
        }

        /** Empties the inbox; returns how many messages it held. */
        int drain() {
            boolean interrupted = Thread.interrupted();
            int count = 0;
            try {
                while (inbox.poll(Duration.ZERO) != null) {
                    count++;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            dropped.add(count);
            return count;
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link Worker}; not thread-safe. */
    public static final class Builder {
        private Application application;
        private ChannelLayer layer;
        private List<String> channels = List.of();
        private Duration receiveTimeout = DEFAULT_RECEIVE_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int prefetch = DEFAULT_PREFETCH;

        private Builder() {
        }

        /**
         * @param application the application for {@code channel} scopes
         * @return this builder
         */
        public Builder application(Application application) {
            this.application = Objects.requireNonNull(application, "application");
            return this;
        }

        /**
         * @param layer the layer to receive from; not owned by the worker
         * @return this builder
         */
        public Builder layer(ChannelLayer layer) {
            this.layer = Objects.requireNonNull(layer, "channel layer");
            return this;
        }

        /**
         * @param channels the channel names to listen on
         * @return this builder
         */
        public Builder channels(List<String> channels) {
            this.channels = Objects.requireNonNull(channels, "channels");
            return this;
        }

        /**
         * @param channels the channel names to listen on
         * @return this builder
         */
        public Builder channels(String... channels) {
            return channels(java.util.Arrays.asList(channels));
        }

        /**
         * How long one receive waits before the listener checks whether the worker is closing
         * ({@link Worker#DEFAULT_RECEIVE_TIMEOUT} by default).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder receiveTimeout(Duration timeout) {
            this.receiveTimeout = positive(timeout, "receive timeout");
            return this;
        }

        /**
         * How long {@link Worker#close()} lets instances work before it interrupts them
         * ({@link #DEFAULT_SHUTDOWN_TIMEOUT} by default).
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdown timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdown timeout must not be negative, was " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * How many received messages may wait for a channel's instance before its listener stops
         * taking more from the layer ({@value Worker#DEFAULT_PREFETCH} by default).
         *
         * @param prefetch at least 1
         * @return this builder
         */
        public Builder prefetch(int prefetch) {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /**
         * @return the worker, not started
         * @throws NullPointerException     if the application or the layer is missing
         * @throws IllegalArgumentException if the channels are empty, repeated or process-local
         */
        public Worker build() {
            return new Worker(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}

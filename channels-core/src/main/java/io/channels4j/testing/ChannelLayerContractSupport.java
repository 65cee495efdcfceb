package io.channels4j.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.channels4j.Message;
import io.channels4j.layer.ChannelCapacities;
import io.channels4j.layer.ChannelLayer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;

/**
 * Hooks and helpers of {@link ChannelLayerContract}: the settings a test asks for, the layer
 * factory and clock hooks a layer's test implements, and tracked layers, unique names, receive
 * and thread helpers. Extend {@link ChannelLayerContract}, not this class.
 *
 * <p>Lifecycle: JUnit creates one instance per test; every layer made with {@link #layer} is
 * cleaned up ({@link #cleanUp}) after the test. Threading: the hooks are called on the test
 * thread; {@link #startThread} threads are named daemons whose failures fail the test.
 */
public abstract class ChannelLayerContractSupport {

    /**
     * What a test asks of the layer under test.
     *
     * @param capacities  default and per-channel capacities
     * @param expiry      message expiry
     * @param groupExpiry group membership expiry
     */
    public record Settings(ChannelCapacities capacities, Duration expiry, Duration groupExpiry) {

        /** Checks the fields. */
        public Settings {
            Objects.requireNonNull(capacities, "capacities");
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(groupExpiry, "groupExpiry");
        }

        /** @return the defaults of Channels' layers: capacity 100, expiry 60 s, group expiry 86400 s */
        public static Settings defaults() {
            return new Settings(ChannelCapacities.of(100), Duration.ofSeconds(60), Duration.ofSeconds(86400));
        }

        /** @return the default capacity */
        public int capacity() {
            return capacities.defaultCapacity();
        }

        /**
         * @param capacity the new default capacity
         * @return a copy with it
         */
        public Settings withCapacity(int capacity) {
            return new Settings(capacities.withDefault(capacity), expiry, groupExpiry);
        }

        /**
         * @param glob     a glob rule, added after earlier rules
         * @param capacity its capacity
         * @return a copy with it
         */
        public Settings withChannelCapacity(String glob, int capacity) {
            return new Settings(capacities.withGlob(glob, capacity), expiry, groupExpiry);
        }

        /**
         * @param regex    a regular expression rule, added after earlier rules
         * @param capacity its capacity
         * @return a copy with it
         */
        public Settings withChannelCapacity(Pattern regex, int capacity) {
            return new Settings(capacities.withRegex(regex, capacity), expiry, groupExpiry);
        }

        /**
         * @param newExpiry message expiry
         * @return a copy with it
         */
        public Settings withExpiry(Duration newExpiry) {
            return new Settings(capacities, newExpiry, groupExpiry);
        }

        /**
         * @param newGroupExpiry group expiry
         * @return a copy with it
         */
        public Settings withGroupExpiry(Duration newGroupExpiry) {
            return new Settings(capacities, expiry, newGroupExpiry);
        }
    }

    /** Code a test thread runs. */
    @FunctionalInterface
    protected interface Body {
        /**
         * Runs.
         *
         * @throws Exception any failure, reported by the test
         */
        void run() throws Exception;
    }

    private final List<ChannelLayer> layers = new ArrayList<>();
    private final String testId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);

    /** For subclasses. */
    protected ChannelLayerContractSupport() {
    }

    // ---------------------------------------------------------------- hooks

    /**
     * Creates a new layer under test.
     *
     * @param settings what the test needs
     * @return a new layer
     */
    protected abstract ChannelLayer createLayer(Settings settings);

    /**
     * Makes {@code duration} pass for message and group expiry of every layer this test created:
     * advance a fake clock, or wait.
     *
     * @param duration how much time
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract void advanceClock(Duration duration) throws InterruptedException;

    /**
     * @return true if {@link #advanceClock} is instant; the expiry tests then use Channels'
     *         default durations instead of one and two seconds
     */
    protected boolean supportsFastClock() {
        return false;
    }

    /** @return how long a receive waits when the test expects nothing (default 100 ms) */
    protected Duration quietPeriod() {
        return Duration.ofMillis(100);
    }

    /** @return how long a receive waits when the test expects a message (default 10 s) */
    protected Duration patience() {
        return Duration.ofSeconds(10);
    }

    /**
     * Releases a layer after the test: flush, then close. Override for shared servers.
     *
     * @param layer a layer this test created
     */
    protected void cleanUp(ChannelLayer layer) {
        try {
            layer.flush();
        } catch (IllegalStateException alreadyClosed) {
            // the test closed it
        }
        layer.close();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A layer cleaned up after the test.
     *
     * @param settings what the test needs
     * @return the layer
     */
    protected final ChannelLayer layer(Settings settings) {
        ChannelLayer layer = Objects.requireNonNull(createLayer(settings), "createLayer returned null");
        layers.add(layer);
        return layer;
    }

    /** @return a layer with {@link Settings#defaults()}, cleaned up after the test */
    protected final ChannelLayer layer() {
        return layer(Settings.defaults());
    }

    /**
     * A name unique to this test run: {@code base-<random>}.
     *
     * @param base the readable part
     * @return a valid channel and group name
     */
    protected final String uniqueName(String base) {
        return base + "-" + testId;
    }

    /**
     * Receives a message that must arrive within {@link #patience()}.
     *
     * @param layer   the layer
     * @param channel the channel
     * @return the message
     * @throws InterruptedException if interrupted
     */
    protected final Message receiveNow(ChannelLayer layer, String channel) throws InterruptedException {
        Message message = layer.receive(channel, patience());
        assertNotNull(message, "no message on " + channel + " within " + patience());
        return message;
    }

    /**
     * Asserts nothing arrives on a channel within {@link #quietPeriod()}.
     *
     * @param layer   the layer
     * @param channel the channel
     * @throws InterruptedException if interrupted
     */
    protected final void assertNothingOn(ChannelLayer layer, String channel) throws InterruptedException {
        Message message = layer.receive(channel, quietPeriod());
        assertNull(message, "expected nothing on " + channel);
    }

    /**
     * Starts a named daemon thread; the future fails if the body throws.
     *
     * @param name the thread's name
     * @param body what it runs
     * @return completes when the body returns
     */
    protected static CompletableFuture<Void> startThread(String name, Body body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /**
     * Waits for a future within {@link #patience()}, failing the test with its error.
     *
     * @param future the future
     * @param <T>    its type
     * @return its value
     * @throws InterruptedException if interrupted
     */
    protected final <T> T awaitCompletion(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return fail("test thread failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            return fail("test thread did not finish within " + patience());
        }
    }

    /** @return the message expiry the expiry tests use: 60 s with a fast clock, else 1 s */
    protected final Duration expiryUnderTest() {
        return supportsFastClock() ? Duration.ofSeconds(60) : Duration.ofSeconds(1);
    }

    /** @return the group expiry the expiry tests use: 86400 s with a fast clock, else 2 s */
    protected final Duration groupExpiryUnderTest() {
        return supportsFastClock() ? Duration.ofSeconds(86400) : Duration.ofSeconds(2);
    }

    /**
     * A test message.
     *
     * @param n its number, under key {@code n}
     * @return {@code {type: test.message, n: n}}
     */
    protected static Message numbered(int n) {
        return Message.of("type", "test.message", "n", n);
    }

    @AfterEach
    final void cleanUpLayers() {
        RuntimeException failure = null;
        for (ChannelLayer layer : layers) {
            try {
                cleanUp(layer);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        layers.clear();
        if (failure != null) {
            throw failure;
        }
    }
}

package io.channels4j.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Opens many connections with a bounded number of handshakes in flight, and counts how it went.
 *
 * <p>Threading: {@link #connectAll} blocks the calling thread until every attempt finished or the
 * deadline passed; results are read after it returns.
 */
final class Connector {

    /** How many opened, how many failed, the first failure, when the first and last finished. */
    static final class Outcome {
        final List<CompletableFuture<WsClient.Connection>> futures = new ArrayList<>();
        final AtomicLong opened = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicLong lastOpenNanos = new AtomicLong();
        long startNanos;
        boolean timedOut;

        /** @return seconds from the first attempt to the last successful handshake */
        double seconds() {
            long last = lastOpenNanos.get();
            return last == 0 ? 0 : (last - startNanos) / 1e9;
        }
    }

    private Connector() {
    }

    /**
     * Starts {@code count} connections, at most {@code concurrency} handshakes at a time.
     *
     * @param count       how many
     * @param concurrency handshakes in flight at most
     * @param timeoutNanos bound for the whole batch
     * @param attempt     starts connection {@code i} and returns its future
     * @return the outcome; failures and the unfinished are counted in {@code failed}
     * @throws InterruptedException when interrupted
     */
    static Outcome connectAll(int count, int concurrency, long timeoutNanos,
            IntFunction<CompletableFuture<WsClient.Connection>> attempt) throws InterruptedException {
        Outcome outcome = new Outcome();
        Semaphore permits = new Semaphore(concurrency);
        outcome.startNanos = System.nanoTime();
        long deadline = outcome.startNanos + timeoutNanos;
        for (int i = 0; i < count; i++) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                outcome.timedOut = true;
                break;
            }
            CompletableFuture<WsClient.Connection> future;
            try {
                future = attempt.apply(i);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            outcome.futures.add(future);
            future.whenComplete((connection, error) -> {
                if (error == null) {
                    outcome.opened.incrementAndGet();
                    outcome.lastOpenNanos.accumulateAndGet(System.nanoTime(), Math::max);
                } else {
                    outcome.failed.incrementAndGet();
                    outcome.firstError.compareAndSet(null, String.valueOf(error.getCause() != null ? error.getCause() : error));
                }
                permits.release(); // after counting: the caller reads the counts once every permit is back
            });
        }
        // wait for the stragglers, bounded
        if (!permits.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            outcome.timedOut = true;
            for (CompletableFuture<WsClient.Connection> future : outcome.futures) {
                future.completeExceptionally(new java.util.concurrent.TimeoutException("connect timed out"));
            }
        } else {
            permits.release(concurrency);
        }
        outcome.failed.set(count - outcome.opened.get());
        return outcome;
    }
}

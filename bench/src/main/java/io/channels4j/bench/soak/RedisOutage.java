package io.channels4j.bench.soak;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fault of the soak: at a set time Redis is killed with SIGKILL, and after a while restarted,
 * empty, on the same port, on a {@code soak-redis-chaos} thread. Times are
 * {@link System#nanoTime()}, -1 until they happen. Lifecycle: {@link #schedule} (or
 * {@link #none}), {@link #awaitRestart}, {@link #close}.
 */
final class RedisOutage implements AutoCloseable {

    private final ScheduledExecutorService thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long killedAt = -1;
    private volatile long restartedAt = -1;
    private volatile String error;

    private RedisOutage(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** @return an outage that never happens */
    static RedisOutage none() {
        RedisOutage outage = new RedisOutage(null);
        outage.done.countDown();
        return outage;
    }

    /**
     * Schedules the kill and the restart.
     *
     * @param redis   the server to kill
     * @param killIn  delay before the kill
     * @param downFor how long it stays down
     * @param ledger  told when Redis was killed and when it was back
     * @return the outage, under way
     */
    static RedisOutage schedule(RedisServerProcess redis, Duration killIn, Duration downFor, Ledger ledger) {
        RedisOutage outage = new RedisOutage(Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("soak-redis-chaos").daemon().factory()));
        outage.thread.schedule(() -> {
            try {
                redis.kill();
                outage.killedAt = System.nanoTime();
                ledger.redisKilled(outage.killedAt);
            } catch (RuntimeException e) {
                outage.error = "kill failed: " + e.getMessage();
                outage.done.countDown();
                return;
            }
            outage.thread.schedule(() -> {
                try {
                    redis.restart();
                    outage.restartedAt = System.nanoTime();
                    ledger.redisRestarted(outage.restartedAt);
                } catch (InterruptedException e) {
                    outage.error = "interrupted while restarting Redis";
                } catch (RuntimeException e) {
                    outage.error = "restart failed: " + e.getMessage();
                } finally {
                    outage.done.countDown();
                }
            }, downFor.toNanos(), TimeUnit.NANOSECONDS);
        }, killIn.toNanos(), TimeUnit.NANOSECONDS);
        return outage;
    }

    boolean enabled() {
        return thread != null;
    }

    long killedAt() {
        return killedAt;
    }

    long restartedAt() {
        return restartedAt;
    }

    /** @return what went wrong killing or restarting Redis, or null */
    String error() {
        return error;
    }

    /**
     * Waits until Redis is back (or the outage failed).
     *
     * @param timeout the longest wait
     * @return whether the outage is over
     * @throws InterruptedException when interrupted
     */
    boolean awaitRestart(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}

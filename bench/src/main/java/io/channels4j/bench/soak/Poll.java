package io.channels4j.bench.soak;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that nothing signals (a process answering on a port), by polling it:
 * bounded in time, so every wait ends. Stateless.
 */
final class Poll {

    private Poll() {
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes.
     *
     * @param timeout   the longest wait
     * @param interval  the pause between polls
     * @param condition what to wait for; evaluated on the calling thread
     * @return whether it held in time
     * @throws InterruptedException when the calling thread is interrupted
     */
    static boolean until(Duration timeout, Duration interval, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, interval.toNanos()));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting");
            }
        }
    }
}

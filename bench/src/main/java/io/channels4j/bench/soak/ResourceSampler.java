package io.channels4j.bench.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads a process's {@link ProcSample} at a fixed rate on its own {@code soak-sampler} thread.
 * Lifecycle: {@link #start}, then {@link #stop} or {@link #close}; {@link #samples} any time. Thread-safe.
 */
final class ResourceSampler implements AutoCloseable {

    private final long pid;
    private final int redisPort;
    private final List<ProcSample> samples = new ArrayList<>(); // guarded by this
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("soak-sampler").daemon().factory());

    /**
     * @param pid       the process
     * @param redisPort its connections to this port are counted apart
     */
    ResourceSampler(long pid, int redisPort) {
        this.pid = pid;
        this.redisPort = redisPort;
    }

    /**
     * Samples now and then every interval.
     *
     * @param interval the period
     */
    void start(Duration interval) {
        thread.scheduleAtFixedRate(this::sample, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Takes one sample now, on the calling thread. */
    void sample() {
        ProcSample.read(pid, redisPort).ifPresent(sample -> {
            synchronized (this) {
                samples.add(sample);
            }
        });
    }

    synchronized List<ProcSample> samples() {
        return List.copyOf(samples);
    }

    /** Stops sampling; the samples stay. Idempotent. */
    void stop() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}

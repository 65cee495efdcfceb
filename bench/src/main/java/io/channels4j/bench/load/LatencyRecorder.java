package io.channels4j.bench.load;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Send-to-receive latencies in microseconds, one HdrHistogram per recording thread (no sharing on
 * the hot path), merged at the end. Values are clamped to 0..1 hour, 3 significant digits.
 *
 * <p>Threading: {@link #record} from any thread; {@link #merged()} once recording has stopped and
 * the recording threads' writes are visible to the caller (the load generator takes each client's
 * lock, under which every value was recorded).
 */
final class LatencyRecorder {

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Queue<Histogram> histograms = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Histogram> local = ThreadLocal.withInitial(() -> {
        Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        histograms.add(histogram);
        return histogram;
    });

    /** Records one latency, microseconds. */
    void record(long micros) {
        local.get().recordValue(Math.max(0, Math.min(micros, HIGHEST_MICROS)));
    }

    /** @return every thread's values in one histogram */
    Histogram merged() {
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        for (Histogram histogram : histograms) {
            all.add(histogram);
        }
        return all;
    }

    /**
     * Adds the percentiles to a result, milliseconds with three decimals.
     *
     * @param result  where to put {@code <prefix>P50Ms}, {@code P90Ms}, {@code P99Ms}, {@code MaxMs}
     * @param prefix  the key prefix, e.g. {@code latency}
     */
    void putPercentiles(Map<String, Object> result, String prefix) {
        Histogram all = merged();
        result.put(prefix + "P50Ms", millis(all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(50)));
        result.put(prefix + "P90Ms", millis(all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(90)));
        result.put(prefix + "P99Ms", millis(all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(99)));
        result.put(prefix + "MaxMs", millis(all.getMaxValue()));
    }

    private static double millis(long micros) {
        return Math.round(micros) / 1000.0;
    }
}

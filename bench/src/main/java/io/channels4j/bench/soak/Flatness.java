package io.channels4j.bench.soak;

import java.util.List;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether one resource of the server stayed flat: the median of the samples in the last third of
 * the measured window (after warm-up) against the median of the first third, with an allowance.
 *
 * @param what       e.g. {@code rss}
 * @param unit       e.g. {@code MiB}
 * @param firstThird median of the first third
 * @param lastThird  median of the last third
 * @param max        the largest sample in the window
 * @param allowed    the largest last-third median that passes
 * @param samples    samples in the window
 * @param ok         whether it passed (false also when there are fewer than 3 samples per third)
 */
public record Flatness(String what, String unit, double firstThird, double lastThird, double max, double allowed,
                       int samples, boolean ok) {

    /**
     * Compares the thirds.
     *
     * @param what      the resource's name
     * @param unit      its unit
     * @param samples   all samples, oldest first
     * @param from      window start ({@link System#nanoTime()})
     * @param to        window end
     * @param value     the resource's value in a sample, in {@code unit}
     * @param tolerance allowed growth as a fraction of the first third
     * @param slack     allowed growth in units, when larger than the fraction
     * @return the verdict
     */
    static Flatness of(String what, String unit, List<ProcSample> samples, long from, long to,
                       ToDoubleFunction<ProcSample> value, double tolerance, double slack) {
        long third = (to - from) / 3;
        List<ProcSample> window = samples.stream().filter(s -> s.atNanos() >= from && s.atNanos() <= to).toList();
        double[] first = window.stream().filter(s -> s.atNanos() < from + third).mapToDouble(value).sorted().toArray();
        double[] last = window.stream().filter(s -> s.atNanos() >= to - third).mapToDouble(value).sorted().toArray();
        double max = window.stream().mapToDouble(value).max().orElse(Double.NaN);
        if (first.length < 3 || last.length < 3) {
            return new Flatness(what, unit, median(first), median(last), max, Double.NaN, window.size(), false);
        }
        double firstMedian = median(first);
        double lastMedian = median(last);
        double allowed = firstMedian + Math.max(slack, firstMedian * tolerance);
        return new Flatness(what, unit, firstMedian, lastMedian, max, allowed, window.size(), lastMedian <= allowed);
    }

    /**
     * The same figures for a resource that is reported but not checked (always ok).
     *
     * @param what    the resource's name
     * @param unit    its unit
     * @param samples all samples, oldest first
     * @param from    window start ({@link System#nanoTime()})
     * @param to      window end
     * @param value   the resource's value in a sample
     * @return the figures, with {@code allowed} NaN
     */
    static Flatness observed(String what, String unit, List<ProcSample> samples, long from, long to,
                             ToDoubleFunction<ProcSample> value) {
        Flatness measured = of(what, unit, samples, from, to, value, 0, 0);
        return new Flatness(what, unit, measured.firstThird(), measured.lastThird(), measured.max(), Double.NaN,
                measured.samples(), true);
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** @return growth of the last third over the first, as a fraction */
    @JsonProperty("growth")
    public double growth() {
        return firstThird == 0 ? Double.NaN : lastThird / firstThird - 1;
    }

    @Override
    public String toString() {
        String limit = Double.isNaN(allowed) && ok ? "not checked"
                : String.format(java.util.Locale.ROOT, "allowed <= %.1f", allowed);
        return String.format(java.util.Locale.ROOT, "%s %.1f -> %.1f %s (%+.1f%%, %s, max %.1f, %d samples)%s",
                what, firstThird, lastThird, unit, growth() * 100, limit, max, samples, ok ? "" : " NOT FLAT");
    }
}

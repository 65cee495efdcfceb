package io.channels4j.bench.soak;

import java.util.Locale;

/**
 * The verdict on one resource of the flatness check: its value at the last sample (e.g. 5M
 * deliveries) against its value at the first (1M), met when it grew by at most the tolerance.
 * Shrinking always meets it. Values are whole numbers (KiB, counts), and the comparison is exact:
 * {@code last * 10000 <= first * (10000 + tolerance in basis points)}, so 10 % of 1000 allows
 * exactly 1100.
 *
 * @param what      e.g. {@code rss}
 * @param unit      e.g. {@code KiB}, empty for counts
 * @param first     the value at the first sample
 * @param last      the value at the last sample
 * @param tolerance the allowed growth as a fraction, e.g. 0.10
 * @param met       whether {@code last} is within the tolerance of {@code first}
 */
record FlatGrowth(String what, String unit, long first, long last, double tolerance, boolean met) {

    /**
     * Judges one resource.
     *
     * @param what      its name
     * @param unit      its unit
     * @param first     its value at the first sample (not negative)
     * @param last      its value at the last sample
     * @param tolerance allowed growth as a fraction, 0..10
     * @return the verdict
     */
    static FlatGrowth of(String what, String unit, long first, long last, double tolerance) {
        if (first < 0 || last < 0) {
            throw new IllegalArgumentException(what + ": values must not be negative: " + first + ", " + last);
        }
        if (!(tolerance >= 0 && tolerance <= 10)) {
            throw new IllegalArgumentException("tolerance must be 0..10, was " + tolerance);
        }
        long basisPoints = Math.round(tolerance * 10_000);
        boolean met = Math.multiplyExact(last, 10_000L) <= Math.multiplyExact(first, 10_000L + basisPoints);
        return new FlatGrowth(what, unit, first, last, tolerance, met);
    }

    /** @return the largest {@code last} that meets the tolerance */
    long allowed() {
        return Math.floorDiv(Math.multiplyExact(first, 10_000L + Math.round(tolerance * 10_000)), 10_000L);
    }

    /** @return growth of last over first as a fraction; NaN when first is 0 */
    double growth() {
        return first == 0 ? Double.NaN : (double) last / first - 1;
    }

    /** @return one line, e.g. {@code rss  812345 -> 830000 KiB  +2.2 %  (<= +10 %)  met} */
    String line() {
        return String.format(Locale.ROOT, "%-8s %,12d -> %,12d %-4s %+7.1f %%  (allowed <= %,d)  %s", what, first, last,
                unit, growth() * 100, allowed(), met ? "met" : "MISSED");
    }
}

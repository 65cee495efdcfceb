package io.channels4j.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlatnessTest {

    private static final long SECOND = 1_000_000_000L;

    /** One sample a second for 30 s, RSS given by the second's number. */
    private static List<ProcSample> samples(LongUnaryOperator rssKbAt) {
        List<ProcSample> samples = new ArrayList<>();
        for (long s = 0; s < 30; s++) {
            samples.add(new ProcSample(s * SECOND, rssKbAt.applyAsLong(s), 30, 100, 4));
        }
        return samples;
    }

    @Test
    void flatWithNoise_passes() {
        Flatness rss = Flatness.of("rss", "KiB", samples(s -> 100_000 + (s % 3) * 1_000), 0, 30 * SECOND,
                ProcSample::rssKb, 0.2, 0);

        assertThat(rss.ok()).isTrue();
        assertThat(rss.samples()).isEqualTo(30);
        assertThat(rss.growth()).isBetween(-0.05, 0.05);
    }

    @Test
    void steadyGrowth_fails() {
        // +2% a second: a leak
        Flatness rss = Flatness.of("rss", "KiB", samples(s -> 100_000 + s * 2_000), 0, 30 * SECOND,
                ProcSample::rssKb, 0.2, 0);

        assertThat(rss.ok()).isFalse();
        assertThat(rss.lastThird()).isGreaterThan(rss.allowed());
        assertThat(rss.toString()).contains("NOT FLAT");
    }

    @Test
    void warmupBeforeTheWindow_isIgnored() {
        // doubles in the first 10 s, flat after
        Flatness rss = Flatness.of("rss", "KiB", samples(s -> s < 10 ? 50_000 + s * 5_000 : 100_000), 10 * SECOND,
                30 * SECOND, ProcSample::rssKb, 0.2, 0);

        assertThat(rss.ok()).isTrue();
    }

    @Test
    void slack_allowsSmallAbsoluteGrowth() {
        Flatness threads = Flatness.of("threads", "", samples(s -> 0).stream()
                        .map(p -> new ProcSample(p.atNanos(), 0, p.atNanos() < 20 * SECOND ? 20 : 24, 100, 4)).toList(),
                0, 30 * SECOND, ProcSample::threads, 0.1, 5);

        assertThat(threads.ok()).isTrue();
        assertThat(threads.allowed()).isEqualTo(25);
    }

    @Test
    void tooFewSamples_fails() {
        Flatness rss = Flatness.of("rss", "KiB", samples(s -> 100_000).subList(0, 5), 0, 30 * SECOND,
                ProcSample::rssKb, 0.2, 0);

        assertThat(rss.ok()).isFalse();
    }
}

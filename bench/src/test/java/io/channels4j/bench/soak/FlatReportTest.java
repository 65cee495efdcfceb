package io.channels4j.bench.soak;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlatReportTest {

    private static final FlatReport.Traffic CLEAN = new FlatReport.Traffic(100, 50_000, 5_000_000, 5_000_000, 0, 0, 0, 0,
            0, null);

    private static List<FlatSample> samples(long rssAtLast, int threadsAtLast) {
        return List.of(
                new FlatSample(0, 0, 0, 70_000, 5_000, 60_000, 25, 111),
                new FlatSample(1_000_000, 8, 125_000, 600_000, 7_000, 200_000, 27, 112),
                new FlatSample(2_000_000, 16, 125_000, 300_000, 7_100, 205_000, 27, 112),
                new FlatSample(5_000_000, 40, 125_000, 900_000, 7_200, rssAtLast, threadsAtLast, 112));
    }

    private static FlatReport report(List<FlatSample> samples, FlatReport.Traffic traffic, String incomplete,
                                     boolean strict) {
        return new FlatReport(List.of("--deliveries", "5000000"), 42, "/tmp/log", 5_000_000, samples,
                FlatReport.judge(samples, 0.10), traffic, incomplete, null, -1, strict);
    }

    @Test
    void judge_comparesTheLastSampleWithTheFirstAfterTraffic_notTheIdleOne() {
        List<FlatGrowth> verdicts = FlatReport.judge(samples(220_000, 27), 0.10);

        assertThat(verdicts).extracting(FlatGrowth::what).containsExactly("rss", "heap", "threads", "fds");
        // after the full GC (the running RSS swings with the young generation), at 1M, not the idle server's
        assertThat(verdicts.getFirst().first()).isEqualTo(200_000);
        assertThat(verdicts.getFirst().last()).isEqualTo(220_000);
        assertThat(verdicts).allMatch(FlatGrowth::met);
    }

    @Test
    void judge_withoutTwoSamplesAfterTraffic_hasNoVerdict() {
        assertThat(FlatReport.judge(samples(1, 1).subList(0, 2), 0.10)).isEmpty();
    }

    @Test
    void aMiss_failsTheCheck_butExitsNonZeroOnlyWhenStrict() {
        FlatReport lenient = report(samples(220_001, 27), CLEAN, null, false);
        FlatReport strict = report(samples(220_001, 27), CLEAN, null, true);

        assertThat(lenient.allMet()).isFalse();
        assertThat(lenient.passed()).isFalse();
        assertThat(lenient.exitStatus()).isZero();
        assertThat(strict.exitStatus()).isEqualTo(1);
        assertThat(strict.summary()).contains("MISSED", "result: NOT MET: rss grew more than allowed",
                "600,000 -> 900,000 KiB, +50.0 %, max 900,000", "not judged");
    }

    @Test
    void flatAndClean_passes() {
        FlatReport report = report(samples(210_000, 28), CLEAN, null, true);

        assertThat(report.passed()).isTrue();
        assertThat(report.exitStatus()).isZero();
        assertThat(report.summary()).contains("result: FLAT");
    }

    @Test
    void lostMessages_orAnIncompleteRun_failTheCheck_evenWhenFlat() {
        FlatReport.Traffic lossy = new FlatReport.Traffic(100, 50_000, 5_000_000, 4_999_990, 0, 0, 0, 0, 0, null);
        assertThat(report(samples(200_000, 27), lossy, null, true).exitStatus()).isEqualTo(1);
        assertThat(report(samples(200_000, 27), lossy, null, true).summary()).contains("lost 10");
        assertThat(report(samples(200_000, 27), CLEAN, "no delivery for 30 s", true).exitStatus()).isEqualTo(1);
    }

    @Test
    void table_hasOneRowPerSample_withMiB() {
        String table = report(samples(220_000, 27), CLEAN, null, false).table();

        assertThat(table.lines()).hasSize(5);
        assertThat(table.lines().findFirst().orElseThrow())
                .contains("deliveries", "seconds", "deliveries/s", "RSS MiB", "heap after GC MiB", "RSS after GC MiB",
                        "threads", "fds");
        assertThat(table).contains("   5,000,000 ", "214.8", "878.9", "125,000");
    }
}

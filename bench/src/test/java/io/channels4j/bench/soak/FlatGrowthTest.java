package io.channels4j.bench.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatGrowthTest {

    @Test
    void exactlyTenPercentMore_meetsTheTarget_oneMoreMissesIt() {
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1100, 0.10).met()).isTrue();
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1101, 0.10).met()).isFalse();
        // values whose product with 1.1 is not exact in floating point
        assertThat(FlatGrowth.of("threads", "", 30, 33, 0.10).met()).isTrue();
        assertThat(FlatGrowth.of("threads", "", 30, 34, 0.10).met()).isFalse();
        assertThat(FlatGrowth.of("heap", "KiB", 7_340_033, 8_074_036, 0.10).met()).isTrue();
        assertThat(FlatGrowth.of("heap", "KiB", 7_340_033, 8_074_037, 0.10).met()).isFalse();
    }

    @Test
    void shrinking_andStayingEqual_meetIt() {
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 500, 0.10).met()).isTrue();
        assertThat(FlatGrowth.of("fds", "", 112, 112, 0.10).met()).isTrue();
        assertThat(FlatGrowth.of("fds", "", 0, 0, 0.10).met()).isTrue();
    }

    @Test
    void fromZero_anyGrowthMissesIt() {
        assertThat(FlatGrowth.of("fds", "", 0, 1, 0.10).met()).isFalse();
    }

    @Test
    void otherTolerances_areExactToo() {
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1200, 0.20).met()).isTrue();
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1201, 0.20).met()).isFalse();
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1000, 0).met()).isTrue();
        assertThat(FlatGrowth.of("rss", "KiB", 1000, 1001, 0).met()).isFalse();
    }

    @Test
    void line_showsGrowthLimitAndVerdict() {
        FlatGrowth missed = FlatGrowth.of("rss", "KiB", 200_000, 230_000, 0.10);
        assertThat(missed.allowed()).isEqualTo(220_000);
        assertThat(missed.growth()).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(missed.line()).contains("rss", "200,000", "230,000", "+15.0 %", "allowed <= 220,000", "MISSED");
        assertThat(FlatGrowth.of("threads", "", 27, 27, 0.10).line()).contains("+0.0 %", "allowed <= 29").endsWith("met");
    }

    @Test
    void negativeValues_orTolerance_areRefused() {
        assertThatThrownBy(() -> FlatGrowth.of("rss", "KiB", -1, 1, 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlatGrowth.of("rss", "KiB", 1, 1, -0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}

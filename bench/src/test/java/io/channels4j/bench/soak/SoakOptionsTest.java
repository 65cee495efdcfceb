package io.channels4j.bench.soak;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoakOptionsTest {

    @Test
    void defaults_areHalfAnHourWithARedisRestartMidway() {
        SoakOptions options = SoakOptions.parse();

        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(options.restartsRedis()).isTrue();
        assertThat(options.redisKillAt()).isEqualTo(0.5);
        assertThat(options.sampleInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void duration_takesIso8601OrMinutes() {
        assertThat(SoakOptions.parse("--duration", "PT2M30S").duration()).isEqualTo(Duration.ofSeconds(150));
        assertThat(SoakOptions.parse("--duration", "pt30s").duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(SoakOptions.parse("--duration", "45").duration()).isEqualTo(Duration.ofMinutes(45));
        assertThat(SoakOptions.parse("--duration", "PT30S").sampleInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void noRedisRestart_turnsTheOutageOff() {
        assertThat(SoakOptions.parse("--no-redis-restart").restartsRedis()).isFalse();
    }

    @Test
    void toArgs_parsesBackToTheSameOptions() {
        SoakOptions options = SoakOptions.parse("--duration", "PT3M", "--rooms", "2", "--redis-kill-at", "0.3",
                "--server-jvm-opts", "-Xmx64m -Xss512k");

        SoakOptions again = SoakOptions.parse(options.toArgs().toArray(String[]::new));

        assertThat(again).isEqualTo(options);
    }

    @Test
    void badValues_areNamedInTheMessage() {
        assertThatThrownBy(() -> SoakOptions.parse("--duration", "two minutes"))
                .hasMessageContaining("--duration").hasMessageContaining("'two minutes'");
        assertThatThrownBy(() -> SoakOptions.parse("--rooms", "0")).hasMessage("rooms must be at least 1, was 0");
        assertThatThrownBy(() -> SoakOptions.parse("--redis-kill-at", "1.5")).hasMessageContaining("was 1.5");
        assertThatThrownBy(() -> SoakOptions.parse("--chatters")).hasMessage("--chatters needs a value");
        assertThatThrownBy(() -> SoakOptions.parse("--frobnicate", "1")).hasMessage("unknown option --frobnicate");
    }
}

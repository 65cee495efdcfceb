package io.channels4j.bench.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatOptionsTest {

    @Test
    void defaults_are5MillionIn1MillionSteps_1RoomOf100() {
        FlatOptions options = FlatOptions.parse();

        assertThat(options.deliveries()).isEqualTo(5_000_000);
        assertThat(options.step()).isEqualTo(1_000_000);
        assertThat(options.messagesPerStep()).isEqualTo(100); // 100 senders x 100 messages x 100 receivers
        assertThat(options.deliveriesPerStep()).isEqualTo(1_000_000);
        assertThat(options.steps()).isEqualTo(5);
        assertThat(options.layer()).isEqualTo("memory://");
        assertThat(options.tolerance()).isEqualTo(0.10);
        assertThat(options.strict()).isFalse();
    }

    @Test
    void aStepThatIsNoWholeNumberOfMessages_isRoundedUp() {
        FlatOptions options = FlatOptions.parse("--deliveries", "25000", "--step", "10000", "--clients", "30");

        assertThat(options.messagesPerStep()).isEqualTo(12); // 30 x 30 x 12 = 10,800
        assertThat(options.deliveriesPerStep()).isEqualTo(10_800);
        assertThat(options.steps()).isEqualTo(3);
    }

    @Test
    void badOptions_areRefusedWithTheirName() {
        assertThatThrownBy(() -> FlatOptions.parse("--deliveries", "100", "--step", "100"))
                .hasMessageContaining("--deliveries");
        assertThatThrownBy(() -> FlatOptions.parse("--window", "0")).hasMessageContaining("--window");
        assertThatThrownBy(() -> FlatOptions.parse("--bogus", "1")).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> FlatOptions.parse("--tolerance", "10.5")).hasMessageContaining("--tolerance");
        assertThatThrownBy(() -> FlatOptions.parse("--layer", "redis://127.0.0.1:6379?prefix=asgi"))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> FlatOptions.parse("--layer", "kafka://x")).hasMessageContaining("--layer");
    }

    @Test
    void aRedisLayer_getsAPrefixOfItsOwn() {
        RedisKeys keys = RedisKeys.fresh("redis://127.0.0.1:6379/0?capacity=500", "flat");

        assertThat(keys.prefix()).matches("flat[0-9a-f]{8}");
        assertThat(keys.url()).isEqualTo("redis://127.0.0.1:6379/0?capacity=500&prefix=" + keys.prefix());
        assertThat(RedisKeys.fresh("redis://127.0.0.1:6379", "flat").url()).contains("6379?prefix=flat");
    }
}

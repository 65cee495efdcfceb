package io.channels4j.layer;

import io.channels4j.Message;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The pump behind {@link ChannelLayer#subscribe}'s default, for layers that cannot push. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PumpSubscriptionTest {

    @Test
    void aMessageSentRightAfterClose_staysInTheLayer_neverReachesTheClosedSink() throws Exception {
        ChannelLayer layer = InMemoryChannelLayer.builder().build();
        String channel = layer.newChannel();
        for (int i = 0; i < 300; i++) {
            LinkedBlockingQueue<Message> sink = new LinkedBlockingQueue<>();
            Message before = Message.of("type", "test.before", "n", i);
            Message after = Message.of("type", "test.after", "n", i);
            Subscription subscription = PumpSubscription.start(layer, channel, sink::offer);
            layer.send(channel, before);
            assertThat(sink.poll(10, TimeUnit.SECONDS)).isEqualTo(before); // the pump is running

            subscription.close();
            layer.send(channel, after);

            assertThat(layer.receive(channel, Duration.ofSeconds(10))).as("round %d", i).isEqualTo(after);
            assertThat(sink).as("round %d", i).isEmpty();
        }
    }
}

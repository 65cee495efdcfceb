package io.channels4j.layer;

import io.channels4j.Message;
import io.channels4j.testing.ChannelLayerContract;

import java.time.Duration;

/**
 * Runs the contract against a layer that cannot push: the in-memory layer behind a wrapper that
 * keeps {@link ChannelLayer#subscribe}'s default, so subscriptions go through
 * {@link PumpSubscription}, as they will for any layer that does not override it.
 */
class PumpSubscriptionContractTest extends ChannelLayerContract {

    private final FakeClock clock = new FakeClock();

    @Override
    protected ChannelLayer createLayer(Settings settings) {
        return new PullOnlyLayer(InMemoryChannelLayer.builder()
                .capacities(settings.capacities())
                .expiry(settings.expiry())
                .groupExpiry(settings.groupExpiry())
                .clock(clock)
                .build());
    }

    @Override
    protected void advanceClock(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected boolean supportsFastClock() {
        return true;
    }

    /** Every method but {@code subscribe} delegates. */
    private record PullOnlyLayer(ChannelLayer delegate) implements ChannelLayer {
        @Override
        public void send(String channel, Message message) {
            delegate.send(channel, message);
        }

        @Override
        public Message receive(String channel) throws InterruptedException {
            return delegate.receive(channel);
        }

        @Override
        public Message receive(String channel, Duration timeout) throws InterruptedException {
            return delegate.receive(channel, timeout);
        }

        @Override
        public String newChannel(String prefix) {
            return delegate.newChannel(prefix);
        }

        @Override
        public void groupAdd(String group, String channel) {
            delegate.groupAdd(group, channel);
        }

        @Override
        public void groupDiscard(String group, String channel) {
            delegate.groupDiscard(group, channel);
        }

        @Override
        public void groupSend(String group, Message message) {
            delegate.groupSend(group, message);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public int capacity(String channel) {
            return delegate.capacity(channel);
        }

        @Override
        public long droppedMessages() {
            return delegate.droppedMessages();
        }
    }
}

package io.channels4j.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.channels4j.Message;
import io.channels4j.testing.ChannelLayerContract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class InMemoryChannelLayerTest extends ChannelLayerContract {

    private final FakeClock clock = new FakeClock();

    @Override
    protected ChannelLayer createLayer(Settings settings) {
        return InMemoryChannelLayer.builder()
                .capacities(settings.capacities())
                .expiry(settings.expiry())
                .groupExpiry(settings.groupExpiry())
                .clock(clock)
                .build();
    }

    @Override
    protected void advanceClock(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected boolean supportsFastClock() {
        return true;
    }

    private InMemoryChannelLayer memoryLayer(Settings settings) {
        return (InMemoryChannelLayer) layer(settings);
    }

    // ---------------------------------------------------------------- builder

    @Test
    void defaults_matchChannels() {
        InMemoryChannelLayer layer = new InMemoryChannelLayer();
        assertThat(layer.expiry()).isEqualTo(Duration.ofSeconds(60));
        assertThat(layer.groupExpiry()).isEqualTo(Duration.ofSeconds(86400));
        assertThat(layer.capacity("anything")).isEqualTo(100);
        layer.close();
    }

    @Test
    void builder_rejectsBadValuesNamingThem() {
        InMemoryChannelLayerBuilder builder = InMemoryChannelLayer.builder();
        assertThatThrownBy(() -> builder.capacity(0)).hasMessage("capacity must be >= 1, was 0");
        assertThatThrownBy(() -> builder.expiry(Duration.ZERO)).hasMessage("expiry must be > 0, was PT0S");
        assertThatThrownBy(() -> builder.groupExpiry(Duration.ofSeconds(-1)))
                .hasMessage("groupExpiry must be > 0, was PT-1S");
        assertThatThrownBy(() -> builder.channelCapacity("http.*", -3))
                .hasMessage("channel capacity for 'http.*' must be >= 1, was -3");
        assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
    }

    @Test
    void newChannel_namesCarryThePrefixTheLayerIdAndALocalPart() {
        InMemoryChannelLayer first = memoryLayer(Settings.defaults());
        InMemoryChannelLayer second = memoryLayer(Settings.defaults());
        String a = first.newChannel();
        String b = first.newChannel("worker");
        String c = second.newChannel();
        assertThat(a).matches("specific\\.[a-z]{12}![a-zA-Z]{12}");
        assertThat(b).matches("worker\\.[a-z]{12}![a-zA-Z]{12}");
        assertThat(ChannelNames.nonLocalName(a)).isEqualTo(ChannelNames.nonLocalName(b).replace("worker", "specific"));
        assertThat(ChannelNames.nonLocalName(c)).isNotEqualTo(ChannelNames.nonLocalName(a));
    }

    // ---------------------------------------------------------------- blocking and close

    @Test
    void close_wakesABlockedReceiverWithIllegalState() throws Exception {
        ChannelLayer layer = layer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = Thread.ofPlatform().name("blocked-receiver").start(() -> {
            try {
                layer.receive("waiting");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().until(() -> receiver.getState() == Thread.State.WAITING);
        layer.close();
        receiver.join(Duration.ofSeconds(10));
        assertThat(receiver.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessage("layer is closed");
    }

    @Test
    void interruptedReceive_throwsInterruptedException() throws Exception {
        ChannelLayer layer = layer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = Thread.ofPlatform().name("interrupted-receiver").start(() -> {
            try {
                layer.receive("waiting");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().until(() -> receiver.getState() == Thread.State.WAITING);
        receiver.interrupt();
        receiver.join(Duration.ofSeconds(10));
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        layer.send("waiting", numbered(1));
        assertThat(layer.receive("waiting", Duration.ZERO)).isEqualTo(numbered(1));
    }

    @Test
    void receiversOnDifferentChannels_eachGetTheirOwnMessage() throws Exception {
        ChannelLayer layer = layer();
        List<CompletableFuture<Message>> results = new ArrayList<>();
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String channel = "ch" + i;
            CompletableFuture<Message> result = new CompletableFuture<>();
            results.add(result);
            threads.add(startThread("receiver-" + i, () -> result.complete(layer.receive(channel))));
        }
        for (int i = 19; i >= 0; i--) {
            layer.send("ch" + i, numbered(i));
        }
        for (int i = 0; i < 20; i++) {
            awaitCompletion(threads.get(i));
            assertThat(results.get(i).join().getInt("n")).isEqualTo(i);
        }
    }

    @Test
    void idleChannels_doNotAccumulate() throws Exception {
        InMemoryChannelLayer layer = memoryLayer(Settings.defaults());
        for (int i = 0; i < 1000; i++) {
            String channel = layer.newChannel();
            layer.send(channel, numbered(i));
            assertThat(layer.receive(channel, Duration.ZERO)).isNotNull();
            assertThat(layer.receive(channel, Duration.ZERO)).isNull();
        }
        assertThat(layer.channelCount()).isZero();
        for (int i = 0; i < 50; i++) {
            layer.send("abandoned" + i, numbered(i));
        }
        assertThat(layer.channelCount()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(61));
        layer.send("trigger", numbered(0));
        assertThat(layer.channelCount()).as("the sweep drops expired, unread channels").isEqualTo(1);
    }

    // ---------------------------------------------------------------- expiry specifics

    @Test
    void expiredMessage_removesItsChannelFromEveryGroup() throws Exception {
        ChannelLayer layer = layer();
        layer.groupAdd("one", "member");
        layer.groupAdd("two", "member");
        layer.send("member", numbered(0));
        clock.advance(Duration.ofSeconds(61));
        assertThat(layer.receive("member", Duration.ZERO)).isNull();
        layer.groupSend("one", numbered(1));
        layer.groupSend("two", numbered(2));
        assertThat(layer.receive("member", Duration.ZERO)).isNull();
    }

    @Test
    void groupSend_skipsAMemberWhoseMessageExpired() throws Exception {
        ChannelLayer layer = layer();
        layer.groupAdd("room", "stale");
        layer.groupAdd("room", "fresh");
        layer.send("stale", numbered(0));
        clock.advance(Duration.ofSeconds(61));
        layer.groupSend("room", numbered(1));
        assertThat(layer.receive("stale", Duration.ZERO)).isNull();
        assertThat(layer.receive("fresh", Duration.ZERO)).isEqualTo(numbered(1));
        assertThat(layer.droppedMessages()).isZero();
    }

    @Test
    void message_justBeforeExpiry_isDelivered() throws Exception {
        ChannelLayer layer = layer();
        layer.send("c", numbered(1));
        clock.advance(Duration.ofSeconds(59));
        assertThat(layer.receive("c", Duration.ZERO)).isEqualTo(numbered(1));
    }

    // ---------------------------------------------------------------- subscriptions

    @Test
    void subscribedChannel_refusal_throwsChannelFullOnThatSend() {
        ChannelLayer layer = layer();
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>(1);
        Subscription subscription = layer.subscribe("local!a", inbox::offer);
        layer.send("local!a", numbered(1));
        assertThatThrownBy(() -> layer.send("local!a", numbered(2)))
                .isInstanceOf(ChannelFullException.class).hasMessageContaining("local!a");
        inbox.clear();
        layer.send("local!a", numbered(3));
        assertThat(inbox).containsExactly(numbered(3));
        subscription.close();
        subscription.close();
        layer.send("local!a", numbered(4));
        assertThat(inbox).containsExactly(numbered(3));
    }

    @Test
    void subscribedChannel_receiveAndSecondSubscribe_throwIllegalState() {
        ChannelLayer layer = layer();
        try (Subscription subscription = layer.subscribe("local!b", message -> true)) {
            assertThat(subscription).isNotNull();
            assertThatThrownBy(() -> layer.receive("local!b", Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'local!b'");
            assertThatThrownBy(() -> layer.subscribe("local!b", message -> true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'local!b'");
        }
    }

    @Test
    void subscribe_wakesABlockedReceiverWithIllegalState() throws Exception {
        ChannelLayer layer = layer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = Thread.ofPlatform().name("receiver-before-subscribe").start(() -> {
            try {
                layer.receive("local!c");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().until(() -> receiver.getState() == Thread.State.WAITING);
        try (Subscription subscription = layer.subscribe("local!c", message -> true)) {
            receiver.join(Duration.ofSeconds(10));
            assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
            assertThat(subscription).isNotNull();
        }
    }

    @Test
    void groupSend_toARefusingSubscriber_countsADrop() {
        ChannelLayer layer = layer();
        layer.groupAdd("room", "local!d");
        try (Subscription subscription = layer.subscribe("local!d", message -> false)) {
            layer.groupSend("room", numbered(1));
            assertThat(layer.droppedMessages()).isEqualTo(1);
            assertThat(subscription).isNotNull();
        }
    }

    @Test
    void backlogRefusedAtSubscribe_isOfferedAgainBeforeTheNextSend() {
        ChannelLayer layer = layer();
        layer.send("local!e", numbered(1));
        layer.send("local!e", numbered(2));
        AtomicBoolean open = new AtomicBoolean(false);
        List<Message> taken = new ArrayList<>();
        try (Subscription subscription = layer.subscribe("local!e", m -> open.get() && taken.add(m))) {
            assertThat(taken).isEmpty();
            assertThatThrownBy(() -> layer.send("local!e", numbered(3))).isInstanceOf(ChannelFullException.class);
            open.set(true);
            layer.send("local!e", numbered(4));
            assertThat(taken).containsExactly(numbered(1), numbered(2), numbered(4));
            assertThat(subscription).isNotNull();
        }
    }

    @Test
    void flush_keepsSubscriptions() {
        ChannelLayer layer = layer();
        List<Message> taken = new ArrayList<>();
        try (Subscription subscription = layer.subscribe("local!f", taken::add)) {
            layer.flush();
            layer.send("local!f", numbered(1));
            assertThat(taken).containsExactly(numbered(1));
            assertThat(subscription).isNotNull();
        }
    }

    @Test
    void aThrowingSink_isTreatedAsRefusal() {
        ChannelLayer layer = layer();
        try (Subscription subscription = layer.subscribe("local!g", m -> {
            throw new IllegalStateException("boom");
        })) {
            assertThatThrownBy(() -> layer.send("local!g", numbered(1))).isInstanceOf(ChannelFullException.class);
            assertThat(subscription).isNotNull();
        }
    }
}

package io.channels4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InboxTest {

    private static Message msg(String type, long n) {
        return Message.of("type", type, "n", n);
    }

    @Test
    void receive_returnsMixedPutAndLayerMessagesInArrivalOrder() throws InterruptedException {
        Inbox inbox = new Inbox();

        inbox.put(msg("client", 1));
        assertThat(inbox.offerFromLayer(msg("layer", 2), 10)).isTrue();
        inbox.put(msg("client", 3));
        assertThat(inbox.offerFromLayer(msg("layer", 4), 10)).isTrue();

        assertThat(inbox.size()).isEqualTo(4);
        assertThat(inbox.layerPending()).isEqualTo(2);
        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(inbox.receive().getLong("n"));
        }
        assertThat(order).containsExactly(1L, 2L, 3L, 4L);
        assertThat(inbox.size()).isZero();
        assertThat(inbox.layerPending()).isZero();
    }

    @Test
    void offerFromLayer_refusesAtCapacity_andAcceptsAgainAfterAReceive() throws InterruptedException {
        Inbox inbox = new Inbox();

        assertThat(inbox.offerFromLayer(msg("layer", 1), 2)).isTrue();
        assertThat(inbox.offerFromLayer(msg("layer", 2), 2)).isTrue();
        assertThat(inbox.offerFromLayer(msg("layer", 3), 2)).isFalse();
        assertThat(inbox.layerPending()).isEqualTo(2);
        assertThat(inbox.size()).isEqualTo(2);

        assertThat(inbox.receive().getLong("n")).isEqualTo(1L);

        assertThat(inbox.layerPending()).isEqualTo(1);
        assertThat(inbox.offerFromLayer(msg("layer", 4), 2)).isTrue();
        assertThat(inbox.offerFromLayer(msg("layer", 5), 2)).isFalse();
    }

    @Test
    void put_isNotCountedAgainstLayerCapacity() {
        Inbox inbox = new Inbox();
        for (int i = 0; i < 5; i++) {
            inbox.put(msg("client", i));
        }

        assertThat(inbox.offerFromLayer(msg("layer", 99), 1)).isTrue();
        assertThat(inbox.offerFromLayer(msg("layer", 100), 1)).isFalse();
        assertThat(inbox.size()).isEqualTo(6);
    }

    @Test
    void weightedPuts_countTheirWeightUntilTaken_inOrderWithTheOthers() throws InterruptedException {
        Inbox inbox = new Inbox();
        Message a = Message.of("type", "websocket.receive", "text", "aaaa");
        Message b = Message.of("type", "websocket.receive", "text", "bb");

        assertThat(inbox.put(a, 4)).isEqualTo(4);
        inbox.put(Message.of("type", "websocket.disconnect"));
        assertThat(inbox.offerFromLayer(Message.of("type", "chat.message"), 1)).isTrue();
        assertThat(inbox.put(b, 2)).as("the weight waiting, this one included").isEqualTo(6);

        assertThat(inbox.receive()).isEqualTo(a);
        assertThat(inbox.weightPending()).as("after the first is taken").isEqualTo(2);
        assertThat(inbox.receive().type()).isEqualTo("websocket.disconnect");
        assertThat(inbox.receive().type()).isEqualTo("chat.message");
        assertThat(inbox.weightPending()).as("unweighted items leave it as it is").isEqualTo(2);
        assertThat(inbox.poll(java.time.Duration.ofSeconds(1))).isEqualTo(b);
        assertThat(inbox.weightPending()).isZero();
        assertThat(inbox.layerPending()).isZero();
        assertThatThrownBy(() -> inbox.put(a, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offerFromLayer_withZeroCapacity_alwaysRefuses() {
        Inbox inbox = new Inbox();

        assertThat(inbox.offerFromLayer(msg("layer", 1), 0)).isFalse();
        assertThat(inbox.size()).isZero();
    }

    @Test
    void put_andOfferFromLayer_rejectNull() {
        Inbox inbox = new Inbox();

        assertThatThrownBy(() -> inbox.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> inbox.offerFromLayer(null, 1)).isInstanceOf(NullPointerException.class);
        assertThat(inbox.layerPending()).isZero();
    }

    @Test
    void poll_returnsNullOnTimeout() throws InterruptedException {
        Inbox inbox = new Inbox();

        assertThat(inbox.poll(Duration.ofMillis(20))).isNull();
    }

    @Test
    void poll_returnsWaitingItem_andReleasesLayerSlot() throws InterruptedException {
        Inbox inbox = new Inbox();
        inbox.offerFromLayer(msg("layer", 1), 1);

        assertThat(inbox.poll(Duration.ZERO)).isEqualTo(msg("layer", 1));
        assertThat(inbox.layerPending()).isZero();
    }

    @Test
    void concurrentProducers_loseNothing_andKeepPerProducerOrder() throws Exception {
        Inbox inbox = new Inbox();
        int producers = 4;
        int perProducer = 1000;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = InboxProducers.start(inbox, producers, perProducer, start, failures);
        start.countDown();

        long[] next = new long[producers];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < producers * perProducer; i++) {
            Message m = inbox.poll(Duration.ofSeconds(10));
            assertThat(m).as("message %d of %d", i, producers * perProducer).isNotNull();
            int producer = Integer.parseInt(m.type().substring(1));
            assertThat(m.getLong("n")).isEqualTo(next[producer]);
            next[producer]++;
            seen.add(m.type() + "/" + m.getLong("n"));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }

        assertThat(failures).isEmpty();
        assertThat(seen).hasSize(producers * perProducer);
        assertThat(next).containsOnly(perProducer);
        assertThat(inbox.size()).isZero();
        assertThat(inbox.layerPending()).isZero();
    }

    @Test
    void concurrentLayerOffers_neverExceedCapacity() throws Exception {
        Inbox inbox = new Inbox();
        int capacity = 100;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Boolean> results = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 1000; i++) {
                        results.add(inbox.offerFromLayer(Message.of("type", "x"), capacity));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "layer-offer-" + p);
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertThat(failures).isEmpty();
        assertThat(results.stream().filter(Boolean::booleanValue).count()).isEqualTo(capacity);
        assertThat(inbox.layerPending()).isEqualTo(capacity);
        assertThat(inbox.size()).isEqualTo(capacity);
    }

    @Test
    void receive_blocksUntilPut() throws Exception {
        Inbox inbox = new Inbox();
        AtomicReference<Message> received = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                received.set(inbox.receive());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "inbox-receiver");
        consumer.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.getState() == Thread.State.WAITING);
        assertThat(received.get()).isNull();

        inbox.put(msg("client", 7));

        consumer.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(consumer.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(received.get()).isEqualTo(msg("client", 7));
    }

    @Test
    void receive_blocksUntilLayerOffer() throws Exception {
        Inbox inbox = new Inbox();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Message> received = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                received.set(inbox.receive());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }, "inbox-layer-receiver");
        consumer.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.getState() == Thread.State.WAITING);
        assertThat(done.getCount()).isEqualTo(1);
        inbox.offerFromLayer(msg("layer", 8), 1);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get()).isEqualTo(msg("layer", 8));
        assertThat(inbox.layerPending()).isZero();
    }

    @Test
    void receive_isInterruptible() throws Exception {
        Inbox inbox = new Inbox();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                inbox.receive();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "inbox-interrupted-receiver");
        consumer.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.getState() == Thread.State.WAITING);
        consumer.interrupt();
        consumer.join(TimeUnit.SECONDS.toMillis(5));

        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void pingPong_neverLosesAWakeUp() throws Exception {
        // every hand-off parks the receiver: a lost wake-up would hang here (the class timeout fails it)
        Inbox ping = new Inbox();
        Inbox pong = new Inbox();
        int rounds = 20_000;
        Thread echo = Thread.ofVirtual().name("inbox-echo").start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    Message m = ping.receive();
                    if (i % 2 == 0) {
                        pong.put(m);
                    } else {
                        pong.offerFromLayer(m, 1);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        for (int i = 0; i < rounds; i++) {
            ping.put(msg("ping", i));
            assertThat(pong.receive()).isEqualTo(msg("ping", i));
        }
        echo.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(echo.isAlive()).isFalse();
        assertThat(pong.layerPending()).isZero();
    }

    @Test
    void poll_wakesUpForAnItemBeforeTheTimeout() throws Exception {
        Inbox inbox = new Inbox();
        AtomicReference<Message> got = new AtomicReference<>();
        Thread receiver = Thread.ofPlatform().name("inbox-poller").start(() -> {
            try {
                got.set(inbox.poll(Duration.ofSeconds(20)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.getState() == Thread.State.TIMED_WAITING);

        inbox.put(msg("late", 1));
        receiver.join(TimeUnit.SECONDS.toMillis(5));

        assertThat(receiver.isAlive()).isFalse();
        assertThat(got.get()).isEqualTo(msg("late", 1));
        assertThat(inbox.poll(Duration.ZERO)).isNull();
    }

    @Test
    void twoThreadsReceivingAtOnce_theSecondIsRefused() throws Exception {
        Inbox inbox = new Inbox();
        Thread first = Thread.ofPlatform().name("inbox-first-receiver").start(() -> {
            try {
                inbox.receive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> first.getState() == Thread.State.WAITING);

        assertThatThrownBy(inbox::receive).isInstanceOf(IllegalStateException.class)
                .hasMessage("two threads are receiving from one inbox: inbox-first-receiver and "
                        + Thread.currentThread().getName());

        inbox.put(msg("one", 1));
        first.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(first.isAlive()).isFalse();
    }
}

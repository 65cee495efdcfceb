package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hundred clients that complete the handshake and then never read, in one busy room (a sender
 * broadcasts to the group as fast as a client that reads can follow): each is cut off at the
 * outbound cap (the consumer sees 1008), the client that reads keeps its connection and gets every
 * message, and the server's heap, measured after GC
 * before, during and after, stays within a bound derived from 100 x the cap. Prints the figures
 * as {@code [SlowClientsIT] ...}.
 *
 * <p>The kernel takes a few MB per socket before the server's own queue grows (on loopback the
 * send buffer autotunes up to {@code tcp_wmem}'s maximum, 4 MiB here), so the sender keeps going
 * until everyone is cut off, bounded in messages and time.
 */
class SlowClientsIT {

    static final int SLOW_CLIENTS = 100;
    static final long CAP = 256 * 1024;
    static final int MESSAGE_CHARS = 32 * 1024;
    static final int MAX_MESSAGES = 2_000;
    static final Duration MAX_SEND_TIME = Duration.ofSeconds(60);
    static final long MIB = 1024 * 1024;
    /** Heap growth allowed while the room is busy: three times every slow client's cap, plus slack. */
    static final long BOUND = SLOW_CLIENTS * CAP * 3 + 64 * MIB;

    static final Map<Integer, Integer> DISCONNECTS = new ConcurrentHashMap<>();

    /** A room member: joins {@code room}, relays what it is sent to the room, forwards room messages. */
    public static class Member extends WebsocketConsumer {
        @Override
        public void connect() {
            channelLayer().groupAdd("room", channelName());
            accept();
        }

        @Override
        public void receive(String text) {
            channelLayer().groupSend("room", Message.of("type", "room.message", "text", text));
        }

        /**
         * Forwards a room message to the client.
         *
         * @param event the event
         */
        public void roomMessage(Message event) {
            send(event.getString("text"));
        }

        @Override
        public void disconnect(int code) {
            channelLayer().groupDiscard("room", channelName());
            DISCONNECTS.put(scope().client().port(), code);
        }
    }

    /** Relays what it is sent to the room without being a member. */
    public static class Sender extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            channelLayer().groupSend("room", Message.of("type", "room.message", "text", text));
            send("ok");
        }
    }

    static Application application() {
        ChannelLayers layers = new ChannelLayers().set("default", new InMemoryChannelLayer());
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/room/", Consumer.asApplication(Member::new, layers)),
                path("ws/send/", Consumer.asApplication(Sender::new, layers))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(SlowClientsIT::application, b -> b.maxOutboundBytes(CAP));

    @Test
    void hundredClientsThatNeverRead_inABusyRoom_areCutOffAtTheCap_andTheHeapStaysBounded() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long idle = heapAfterGc(memory, 3);
        List<RawSocket> slow = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("slow-clients-", 0).factory());
        AtomicBoolean stop = new AtomicBoolean();
        try (RawSocket sender = RawSocket.connect(server.server().port());
             RawSocket reader = RawSocket.connect(server.server().port())) {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                RawSocket raw = RawSocket.connect(server.server().port(), 4096);
                slow.add(raw);
                raw.handshake("/ws/room/");
            }
            reader.handshake("/ws/room/");
            sender.handshake("/ws/send/");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.server().openConnections() == SLOW_CLIENTS + 2);
            long before = heapAfterGc(memory, 3);

            AtomicLong readerGot = new AtomicLong();
            Semaphore delivered = new Semaphore(0);
            Future<?> reading = threads.submit(() -> {
                reader.socket.setSoTimeout(1000);
                while (!stop.get()) {
                    try {
                        if (reader.readFrameSkippingPings().opcode() == RawSocket.TEXT) {
                            readerGot.incrementAndGet();
                            delivered.release();
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // nothing for a while: look at stop again
                    }
                }
                return null;
            });
            AtomicLong sent = new AtomicLong();
            AtomicLong peak = new AtomicLong(before);
            Future<?> sending = threads.submit(() -> {
                String text = "m".repeat(MESSAGE_CHARS);
                long deadline = System.nanoTime() + MAX_SEND_TIME.toNanos();
                while (!stop.get() && sent.get() < MAX_MESSAGES && System.nanoTime() < deadline
                        && cutOff(slow) < SLOW_CLIENTS) {
                    sender.sendText(text);
                    if (!"ok".equals(sender.readFrameSkippingPings().text())) {
                        throw new AssertionError("the sender was not answered");
                    }
                    sent.incrementAndGet();
                    // paced by the client that reads: the room is as busy as a reader can follow
                    if (!delivered.tryAcquire(10, TimeUnit.SECONDS)) {
                        throw new AssertionError("the reading client got nothing for 10 s after message " + sent.get());
                    }
                    // the slow clients fill up together and are cut off within a message or two of each
                    // other: measuring after every message catches their queues at their fullest
                    if (peak.accumulateAndGet(heapAfterGc(memory, 1), Math::max) - before > BOUND) {
                        break; // no cap at work: stop before the heap runs out
                    }
                }
                return null;
            });
            sending.get(MAX_SEND_TIME.plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
            long during = peak.get();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(cutOff(slow))
                    .as("slow clients cut off after %d messages of %d KiB", sent.get(), MESSAGE_CHARS / 1024)
                    .isEqualTo(SLOW_CLIENTS));
            for (RawSocket raw : slow) {
                assertThat(DISCONNECTS.get(raw.localPort())).as("disconnect code of slow client %d", raw.localPort())
                        .isEqualTo(1008);
            }
            // the client that reads is still in the room
            assertThat(DISCONNECTS).doesNotContainKey(reader.localPort());
            long got = readerGot.get();
            sender.sendText("last");
            assertThat(sender.readFrameSkippingPings().text()).isEqualTo("ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> readerGot.get() > got);
            assertThat(readerGot.get()).as("the reading client got every message").isEqualTo(sent.get() + 1);
            stop.set(true);
            reading.get(10, TimeUnit.SECONDS);
            for (RawSocket raw : slow) {
                raw.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.server().openConnections() == 2);
            long after = heapAfterGc(memory, 3);

            System.out.printf("[SlowClientsIT] %d clients never reading, cap %d KiB, %d messages of %d KiB broadcast "
                            + "(%.0f MiB to the room): heap after GC idle %.1f MiB, before %.1f MiB, peak during %.1f MiB "
                            + "(+%.1f MiB), after %.1f MiB; bound +%d MiB; the reading client got %d messages%n",
                    SLOW_CLIENTS, CAP / 1024, sent.get(), MESSAGE_CHARS / 1024,
                    (double) sent.get() * MESSAGE_CHARS * (SLOW_CLIENTS + 1) / MIB, idle / (double) MIB,
                    before / (double) MIB, during / (double) MIB,
                    (during - before) / (double) MIB, after / (double) MIB, BOUND / MIB, readerGot.get());
            assertThat(during - before).as("heap growth while the room was busy (bound: 3 x %d x cap + 64 MiB)",
                    SLOW_CLIENTS).isLessThan(BOUND);
            assertThat(after - before).as("heap kept after the slow clients were gone").isLessThan(32 * MIB);
        } finally {
            stop.set(true);
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            for (RawSocket raw : slow) {
                raw.close();
            }
        }
    }

    /** @return how many of the slow clients the server has cut off so far */
    private static long cutOff(List<RawSocket> slow) {
        return slow.stream().filter(raw -> DISCONNECTS.containsKey(raw.localPort())).count();
    }

    /** @return heap used after {@code collections} full collections */
    private static long heapAfterGc(MemoryMXBean memory, int collections) {
        for (int i = 0; i < collections; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

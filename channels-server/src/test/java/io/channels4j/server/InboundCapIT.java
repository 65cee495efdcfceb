package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that sends faster than its consumer handles: the messages waiting for the consumer are
 * bounded by {@code maxInboundBytes}. Past it the client gets close 1008 and the consumer, once it
 * catches up, what came before, then {@code websocket.disconnect} with 1008; a burst under the cap
 * is delivered whole and the connection stays open.
 */
class InboundCapIT {

    static final long CAP = 64 * 1024;
    static final int MESSAGE = 1024;
    /** Held shut by each test until it has sent what it sends: the consumer's first message waits on it. */
    static volatile CountDownLatch handling = new CountDownLatch(1);
    static final AtomicInteger RECEIVED = new AtomicInteger();
    static final Map<Integer, Integer> DISCONNECTS = new ConcurrentHashMap<>();

    /** Blocks on its first message until the test lets it go, then counts and echoes the count. */
    public static class Slow extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            try {
                if (!handling.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the consumer go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            send("received " + RECEIVED.incrementAndGet());
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.put(scope().client().port(), code);
        }
    }

    static Application application() {
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/slow/", Consumer.asApplication(Slow::new, new ChannelLayers()))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(InboundCapIT::application,
            b -> b.maxInboundBytes(CAP));

    @BeforeEach
    void reset() {
        handling = new CountDownLatch(1);
        RECEIVED.set(0);
    }

    private static RawSocket open() throws IOException {
        RawSocket raw = RawSocket.connect(server.server().port());
        try {
            raw.handshake("/ws/slow/");
            return raw;
        } catch (IOException | RuntimeException | Error e) {
            raw.close();
            throw e;
        }
    }

    private static byte[] burst(int messages) {
        byte[] payload = "m".repeat(MESSAGE).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < messages; i++) {
            burst.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.TEXT, payload, true));
        }
        return burst.toByteArray();
    }

    @Test
    void aClientFarAheadOfItsConsumer_isClosed1008_andTheConsumerGetsWhatCameBefore() throws Exception {
        try (RawSocket flood = open()) {
            int port = flood.localPort();
            try {
                flood.write(burst(2000)); // 2 MB against a 64 KiB cap, while the consumer holds the first
            } catch (SocketException e) {
                // closed while still writing: the close frame is still to be read
            }
            RawSocket.Frame close = flood.readFrameSkippingPings();
            assertThat(close.opcode()).as("expected a close frame, got %s", close).isEqualTo(RawSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1008);

            handling.countDown();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(DISCONNECTS.get(port))
                    .as("the consumer's disconnect code").isEqualTo(1008));
            assertThat(RECEIVED.get()).as("messages the consumer handled: those within the cap, no more")
                    .isGreaterThanOrEqualTo(1).isLessThanOrEqualTo((int) (CAP / MESSAGE) + 1);
        }
    }

    @Test
    void aBurstWithinTheCap_isDeliveredWhole_andTheConnectionStaysOpen() throws Exception {
        int messages = (int) (CAP / MESSAGE) - 4;
        try (RawSocket client = open()) {
            client.write(burst(messages));
            handling.countDown();
            for (int i = 1; i <= messages; i++) {
                assertThat(client.readFrameSkippingPings().text()).isEqualTo("received " + i);
            }
            client.sendText("one more");
            assertThat(client.readFrameSkippingPings().text()).isEqualTo("received " + (messages + 1));
            assertThat(DISCONNECTS).doesNotContainKey(client.localPort());
        }
    }

    @Test
    void oneMessageLargerThanTheCap_goesThroughWhenNothingElseWaits() throws Exception {
        handling.countDown();
        try (RawSocket client = open()) {
            client.sendFrame(true, RawSocket.TEXT, "x".repeat((int) CAP * 2).getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readFrameSkippingPings().text()).isEqualTo("received 1");
            client.sendText("and after it");
            assertThat(client.readFrameSkippingPings().text()).isEqualTo("received 2");
        }
    }
}

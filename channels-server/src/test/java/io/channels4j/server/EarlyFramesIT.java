package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Frames a client sends before the application answered its handshake (RFC 6455 §4.1 says to
 * wait for the 101; some clients do not): they are held, then delivered in order after the 101
 * if the application accepts, dropped if it rejects, and bounded by the max message size.
 */
class EarlyFramesIT {

    static final int MAX_MESSAGE = 16 * 1024;
    static volatile CountDownLatch decide = new CountDownLatch(1);
    static final LinkedBlockingQueue<String> CONNECTING = new LinkedBlockingQueue<>();
    static final LinkedBlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();

    /** Accepts (or rejects, for {@code /ws/reject/}) once the test says so; echoes and records text. */
    public static class Deciding extends WebsocketConsumer {
        @Override
        public void connect() {
            CONNECTING.add(scope().path());
            try {
                if (!decide.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never decided");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (scope().path().equals("/ws/reject/")) {
                close();
            } else {
                accept();
            }
        }

        @Override
        public void receive(String text) {
            RECEIVED.add(text);
            send(text);
        }
    }

    static Application application() {
        ChannelLayers none = new ChannelLayers();
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/accept/", Consumer.asApplication(Deciding::new, none)),
                path("ws/reject/", Consumer.asApplication(Deciding::new, none))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(EarlyFramesIT::application,
            b -> b.maxMessageSize(MAX_MESSAGE).connectTimeout(Duration.ofSeconds(10)));

    @BeforeEach
    void reset() {
        decide = new CountDownLatch(1);
        CONNECTING.clear();
        RECEIVED.clear();
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    @Test
    void framesSentWhileTheApplicationDecides_areDeliveredInOrderAfterThe101() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            String key = RawSocket.newKey();
            raw.writeLatin1(RawSocket.upgradeRequest("/ws/accept/", key, ""));
            assertThat(CONNECTING.poll(5, TimeUnit.SECONDS)).isEqualTo("/ws/accept/");
            // separate writes while the consumer is still in connect(): separate reads on the server
            raw.sendText("one");
            raw.sendFrame(true, RawSocket.PING, "ping".getBytes(StandardCharsets.US_ASCII));
            raw.sendFrame(false, RawSocket.TEXT, "tw".getBytes(StandardCharsets.US_ASCII));
            raw.sendFrame(true, RawSocket.CONTINUATION, "o".getBytes(StandardCharsets.US_ASCII));
            byte[] three = RawSocket.encodeFrame(true, 0, RawSocket.TEXT, "three".getBytes(StandardCharsets.US_ASCII), true);
            raw.write(Arrays.copyOf(three, 3)); // a frame split across reads, too
            raw.write(Arrays.copyOfRange(three, 3, three.length));
            assertThat(RECEIVED.poll(200, TimeUnit.MILLISECONDS)).as("nothing delivered before the accept").isNull();
            decide.countDown();
            RawSocket.Response head = raw.readHead();
            assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
            assertThat(head.header("Sec-WebSocket-Accept")).isEqualTo(RawSocket.acceptFor(key));
            RawSocket.Frame pong = raw.readFrameSkippingPings();
            assertThat(pong.opcode()).as("the pong comes first: the decoder answers it at once").isEqualTo(RawSocket.PONG);
            assertThat(pong.text()).isEqualTo("ping");
            assertThat(raw.readFrameSkippingPings().text()).isEqualTo("one");
            assertThat(raw.readFrameSkippingPings().text()).isEqualTo("two");
            assertThat(raw.readFrameSkippingPings().text()).isEqualTo("three");
            raw.sendText("after");
            assertThat(raw.readFrameSkippingPings().text()).isEqualTo("after");
            assertThat(List.of(RECEIVED.take(), RECEIVED.take(), RECEIVED.take(), RECEIVED.take()))
                    .containsExactly("one", "two", "three", "after");
        }
    }

    @Test
    void framesSentBeforeARejection_areNeverDelivered() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1(RawSocket.upgradeRequest("/ws/reject/", RawSocket.newKey(), ""));
            assertThat(CONNECTING.poll(5, TimeUnit.SECONDS)).isEqualTo("/ws/reject/");
            raw.sendText("never delivered");
            decide.countDown();
            assertThat(raw.readResponse().statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("closed after the 403").isNotNull();
            assertThat(RECEIVED.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void earlyFramesOverTheMaxMessageSize_fail1009_afterThe101() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1(RawSocket.upgradeRequest("/ws/accept/", RawSocket.newKey(), ""));
            assertThat(CONNECTING.poll(5, TimeUnit.SECONDS)).isEqualTo("/ws/accept/");
            byte[] text = "x".repeat(MAX_MESSAGE / 3).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 4; i++) { // each message fits, together they do not
                burst.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.TEXT, text, true));
            }
            raw.write(burst.toByteArray());
            // the server must have read all of it before the consumer decides (white box: no byte goes out before)
            Engine engine = (Engine) field(server.server(), "engine");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.connections().stream()
                    .anyMatch(connection -> connection.draft.holdsFailure()));
            decide.countDown();
            assertThat(raw.readHead().statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
            RawSocket.Frame close = raw.readFrameSkippingPings();
            assertThat(close.opcode()).as("%s", close).isEqualTo(RawSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).isNotNull();
            assertThat(RECEIVED.poll(200, TimeUnit.MILLISECONDS)).as("nothing delivered").isNull();
        }
    }
}

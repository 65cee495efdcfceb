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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Floods of small frames in one burst: pings (each answered while the client reads; cut off with
 * 1008 at the outbound cap when it does not), fragments beyond the max message size (1009 before
 * the last fragment, not after buffering them all) and long runs of empty fragments (1009 at the
 * fragment cost limit). Another client echoes throughout.
 */
class FrameFloodIT {

    static final int MAX_MESSAGE = 64 * 1024;
    static final long MAX_OUTBOUND = 256 * 1024;
    static final Map<Integer, Integer> DISCONNECTS = new ConcurrentHashMap<>();

    /** Echoes text and bytes; records its disconnect code by client port. */
    public static class Echo extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(text);
        }

        @Override
        public void receive(byte[] bytes) {
            send(bytes);
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.put(scope().client().port(), code);
        }
    }

    static Application application() {
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/echo/", Consumer.asApplication(Echo::new, new ChannelLayers()))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(FrameFloodIT::application, b -> b
            .maxMessageSize(MAX_MESSAGE)
            .maxOutboundBytes(MAX_OUTBOUND));

    // ================================================================== pings

    @Test
    void thousandsOfPingsInOneBurst_areEachAnsweredInOrder_whileAnotherClientEchoes() throws Exception {
        int pings = 5000;
        ExecutorService reader = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("pong-reader").factory());
        try (RawSocket flood = open(); RawSocket other = open()) {
            Future<Integer> pongs = reader.submit(() -> {
                for (int i = 0; i < pings; i++) {
                    RawSocket.Frame pong = flood.readFrameSkippingPings();
                    if (pong.opcode() != RawSocket.PONG || !pong.text().equals("ping " + i)) {
                        throw new AssertionError("pong " + i + ": " + pong);
                    }
                }
                return pings;
            });
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < pings; i++) {
                burst.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.PING,
                        ("ping " + i).getBytes(StandardCharsets.US_ASCII), true));
            }
            flood.write(burst.toByteArray());
            assertEchoes(other, "during the ping flood");
            assertThat(pongs.get(30, TimeUnit.SECONDS)).isEqualTo(pings);
            assertEchoes(flood, "after its own flood");
        } finally {
            reader.shutdownNow();
            assertThat(reader.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void pingFloodFromAClientThatDoesNotRead_isCutOffAtTheOutboundCap_1008() throws Exception {
        // bursts of 125-byte pings from a client with a small receive buffer that never reads a pong,
        // until the server hangs up (the kernel's buffers take some pongs first), at most 32 MiB
        try (RawSocket other = open(); RawSocket flood = RawSocket.connect(server.server().port(), 4096)) {
            flood.handshake("/ws/echo/");
            int port = flood.localPort();
            byte[] payload = new byte[125];
            Arrays.fill(payload, (byte) 'p');
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                burst.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.PING, payload, true));
            }
            byte[] bytes = burst.toByteArray();
            long sent = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            try {
                while (!DISCONNECTS.containsKey(port) && sent < 32L * 1024 * 1024 && System.nanoTime() < deadline) {
                    flood.write(bytes);
                    sent += bytes.length;
                }
            } catch (SocketException e) {
                // cut off while still writing: expected
            }
            long sentTotal = sent;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(DISCONNECTS.get(port))
                    .as("disconnect code of the flooding client after %d bytes of pings", sentTotal).isEqualTo(1008));
            System.out.printf("[FrameFloodIT] a client not reading its pongs was cut off after %d KiB of pings (cap %d KiB)%n",
                    sentTotal / 1024, MAX_OUTBOUND / 1024);
            assertEchoes(other, "after the flooding client was cut off");
        }
    }

    // ================================================================== fragments

    @Test
    void fragmentsBeyondTheMaxMessageSize_close1009_beforeTheLastFragment() throws Exception {
        try (RawSocket raw = open()) {
            byte[] kib = new byte[1024];
            Arrays.fill(kib, (byte) 'f');
            raw.sendFrame(false, RawSocket.TEXT, kib);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < MAX_MESSAGE / kib.length + 4; i++) { // past the max, and never a final fragment
                burst.writeBytes(RawSocket.encodeFrame(false, 0, RawSocket.CONTINUATION, kib, true));
            }
            writeIgnoringHangUp(raw, burst.toByteArray());
            assertClosedWith(raw, 1009);
        }
    }

    @Test
    void longRunOfEmptyFragments_close1009_atTheFragmentCostLimit() throws Exception {
        try (RawSocket raw = open()) {
            raw.sendFrame(false, RawSocket.TEXT, new byte[0]);
            byte[] empty = RawSocket.encodeFrame(false, 0, RawSocket.CONTINUATION, new byte[0], true);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) { // 600 KB of empty fragments, far past MAX_MESSAGE / 64 of them
                burst.writeBytes(empty);
            }
            writeIgnoringHangUp(raw, burst.toByteArray());
            assertClosedWith(raw, 1009);
        }
    }

    @Test
    void messageOfExactlyTheMaxSize_inFragmentsOf64Bytes_isDelivered() throws Exception {
        try (RawSocket raw = open()) {
            int fragments = MAX_MESSAGE / InboundFrameGuard.MIN_FRAGMENT_COST;
            byte[] chunk = new byte[InboundFrameGuard.MIN_FRAGMENT_COST];
            Arrays.fill(chunk, (byte) 'z');
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < fragments; i++) {
                burst.writeBytes(RawSocket.encodeFrame(i == fragments - 1, 0, i == 0 ? RawSocket.TEXT
                        : RawSocket.CONTINUATION, chunk, true));
                if (i == fragments / 2) { // a ping in the middle of the message is fine
                    burst.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.PING, new byte[] {1}, true));
                }
            }
            raw.write(burst.toByteArray());
            RawSocket.Frame pong = raw.readFrameSkippingPings();
            assertThat(pong.opcode()).isEqualTo(RawSocket.PONG);
            RawSocket.Frame echo = raw.readFrameSkippingPings();
            assertThat(echo.opcode()).isEqualTo(RawSocket.TEXT);
            assertThat(echo.payload()).hasSize(MAX_MESSAGE).containsOnly((byte) 'z');
        }
    }

    @Test
    void oneEmptyFragmentMoreThanTheLimit_close1009() throws Exception {
        try (RawSocket raw = open()) {
            int allowed = MAX_MESSAGE / InboundFrameGuard.MIN_FRAGMENT_COST;
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i <= allowed; i++) {
                burst.writeBytes(RawSocket.encodeFrame(i == allowed, 0, i == 0 ? RawSocket.TEXT : RawSocket.CONTINUATION,
                        new byte[0], true));
            }
            writeIgnoringHangUp(raw, burst.toByteArray());
            assertClosedWith(raw, 1009);
        }
    }

    // ================================================================== helpers

    private static RawSocket open() throws IOException {
        RawSocket raw = RawSocket.connect(server.server().port());
        try {
            raw.handshake("/ws/echo/");
            return raw;
        } catch (IOException | RuntimeException | Error e) {
            raw.close();
            throw e;
        }
    }

    private static void assertEchoes(RawSocket raw, String when) throws IOException {
        raw.sendText("echo " + when);
        assertThat(raw.readFrameSkippingPings().text()).as(when).isEqualTo("echo " + when);
    }

    private static void writeIgnoringHangUp(RawSocket raw, byte[] bytes) throws IOException {
        try {
            raw.write(bytes);
        } catch (SocketException e) {
            // the server failed the connection while we were still writing: read its close frame
        }
    }

    private static void assertClosedWith(RawSocket raw, int code) throws IOException {
        RawSocket.Frame frame = raw.readFrameSkippingPings();
        assertThat(frame.opcode()).as("expected a close frame, got %s", frame).isEqualTo(RawSocket.CLOSE);
        assertThat(frame.closeCode()).isEqualTo(code);
        assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("the server closed the socket").isNotNull();
    }
}

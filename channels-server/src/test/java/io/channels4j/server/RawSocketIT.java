package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server against hostile and broken clients over real TCP: malformed request heads, handshakes
 * the application never answers, protocol violations in frames, oversized messages, peers that
 * vanish, slowloris heads. Every case asserts the exact status line or close code and that the
 * server hangs up. One server for the class, so the last test checks it survived all of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RawSocketIT {

    static final int MAX_MESSAGE = 64 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    /** The server's timer runs every 250 ms: deadlines are met up to one tick late, plus scheduling. */
    static final Duration SLACK = Duration.ofMillis(1000);

    /** A {@code websocket.disconnect} a {@link Recording} consumer saw. */
    record Disconnect(String path, int clientPort, int code) {
    }

    static final LinkedBlockingQueue<Disconnect> DISCONNECTS = new LinkedBlockingQueue<>();

    /** Accepts and echoes text and bytes; records its disconnect. */
    public static class Recording extends WebsocketConsumer {
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
            DISCONNECTS.add(new Disconnect(scope().path(), scope().client().port(), code));
        }
    }

    /** Never answers the handshake. */
    public static class Silent extends WebsocketConsumer {
        @Override
        public void connect() {
        }
    }

    /** Throws while deciding. */
    public static class FailingConnect extends WebsocketConsumer {
        @Override
        public void connect() {
            throw new IllegalStateException("connect failed on purpose");
        }
    }

    static Application application() {
        ChannelLayers none = new ChannelLayers();
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/echo/", Consumer.asApplication(Recording::new, none)),
                path("ws/halfopen/", Consumer.asApplication(Recording::new, none)),
                path("ws/silent/", Consumer.asApplication(Silent::new, none)),
                path("ws/fail/", Consumer.asApplication(FailingConnect::new, none))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(RawSocketIT::application, b -> b
            .maxMessageSize(MAX_MESSAGE)
            .connectTimeout(CONNECT_TIMEOUT)
            .pingInterval(PING_INTERVAL)
            .pingTimeout(PING_TIMEOUT));

    @BeforeEach
    void reset() {
        DISCONNECTS.clear();
    }

    // ================================================================== malformed heads

    static Stream<Arguments> malformedHeads() {
        String upgrade = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        return Stream.of(
                Arguments.of("TLS ClientHello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"),
                Arguments.of("binary junk with a blank line", "\u0000\u0001\u0002\u00ff junk\r\n\r\n"),
                Arguments.of("text junk with a blank line", "hello there\r\n\r\n"),
                Arguments.of("no HTTP version", "GET /ws/echo/\r\n" + upgrade + "\r\n"),
                Arguments.of("two spaces after the method", "GET  /ws/echo/ HTTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("space in the target", "GET /ws/ echo/ HTTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("trailing junk after the version", "GET /ws/echo/ HTTP/1.1 x\r\n" + upgrade + "\r\n"),
                Arguments.of("not HTTP", "GET /ws/echo/ FTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("bad byte in the method", "G(T /ws/echo/ HTTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("target without a slash", "GET ws/echo/ HTTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("control byte in the target", "GET /ws/\u0001echo/ HTTP/1.1\r\n" + upgrade + "\r\n"),
                Arguments.of("header without a colon", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + "X-Broken\r\n\r\n"),
                Arguments.of("space before the colon", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + "X-Test : a\r\n\r\n"),
                Arguments.of("empty header name", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + ": a\r\n\r\n"),
                Arguments.of("obs-fold", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + "X-Test: a\r\n  folded\r\n\r\n"),
                Arguments.of("obs-fold with a tab", "GET /ws/echo/ HTTP/1.1\r\nX-Test: a\r\n\tfolded\r\n" + upgrade
                        + "\r\n"),
                Arguments.of("NUL in a value", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + "X-Test: a\u0000b\r\n\r\n"),
                Arguments.of("bare CR in a value", "GET /ws/echo/ HTTP/1.1\r\n" + upgrade + "X-Test: a\rb\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void malformedHead_is400_andTheSocketIsClosed(String description, String head) throws Exception {
        assertAnsweredAndClosed(head, "HTTP/1.1 400 Bad Request");
    }

    /** The header-smuggling bytes of Daphne's CVE-2026-44546, where they are not at the edge of a value. */
    static Stream<Arguments> smugglingBytes() {
        List<Arguments> cases = new ArrayList<>();
        for (char c : new char[] {'\u000b', '\u000c', '\u001c', '\u0085'}) {
            String hex = String.format("\\x%02x", (int) c);
            cases.add(Arguments.of(hex + " inside a name", "X-Te" + c + "st: value"));
            cases.add(Arguments.of(hex + " ending a name", "X-Test" + c + ": value"));
            cases.add(Arguments.of(hex + " starting a name", c + "X-Test: value"));
            cases.add(Arguments.of(hex + " inside a value", "X-Test: va" + c + "lue"));
            cases.add(Arguments.of(hex + " inside Sec-WebSocket-Version", "Sec-WebSocket-Version: 1" + c + "3"));
        }
        cases.add(Arguments.of("\\x85 starting a value", "X-Test: \u0085value"));
        cases.add(Arguments.of("\\x85 ending a value", "X-Test: value\u0085"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingBytes")
    void smugglingByteInAHeader_is400(String description, String headerLine) throws Exception {
        String head = RawSocket.upgradeRequest("/ws/echo/", RawSocket.newKey(), headerLine + "\r\n");
        assertAnsweredAndClosed(head, "HTTP/1.1 400 Bad Request");
    }

    /** The same bytes where {@code String.strip()} (like Python's {@code str.strip()}) would remove them. */
    static Stream<Arguments> smugglingBytesAtTheEdgeOfAValue() {
        List<Arguments> cases = new ArrayList<>();
        for (char c : new char[] {'\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u001f'}) {
            String hex = String.format("\\x%02x", (int) c);
            cases.add(Arguments.of(hex + " starting a value", "X-Test: " + c + "value"));
            cases.add(Arguments.of(hex + " ending a value", "X-Test: value" + c));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingBytesAtTheEdgeOfAValue")
    void smugglingByteAtTheEdgeOfAValue_is400(String description, String headerLine) throws Exception {
        String head = RawSocket.upgradeRequest("/ws/echo/", RawSocket.newKey(), headerLine + "\r\n");
        assertAnsweredAndClosed(head, "HTTP/1.1 400 Bad Request");
    }

    @Test
    void missingSecWebsocketKey_is400() throws Exception {
        String head = "GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        assertAnsweredAndClosed(head, "HTTP/1.1 400 Bad Request");
    }

    @ParameterizedTest(name = "Sec-WebSocket-Version: {0}")
    @ValueSource(strings = {"8", "12", "14", "abc"})
    void unsupportedWebsocketVersion_is426(String version) throws Exception {
        String head = "GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawSocket.newKey() + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
        assertAnsweredAndClosed(head, "HTTP/1.1 426 Upgrade Required");
    }

    @Test
    void unsupportedWebsocketVersion_saysWhichVersionIsSupported() throws Exception {
        try (RawSocket raw = RawSocket.connect(port())) {
            raw.writeLatin1("GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + RawSocket.newKey() + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
            RawSocket.Response response = raw.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 426 Upgrade Required");
            assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
        }
    }

    @Test
    void requestHeadOver16KiB_is431() throws Exception {
        String head = "GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(17 * 1024) + "\r\n\r\n";
        assertAnsweredAndClosed(head, "HTTP/1.1 431 Request Header Fields Too Large");
    }

    @Test
    void requestHeadOver16KiB_withoutItsEnd_is431() throws Exception {
        String head = "GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + ("X-Filler: " + "b".repeat(90) + "\r\n").repeat(180);
        assertThat(head.length()).isGreaterThan(16 * 1024);
        assertAnsweredAndClosed(head, "HTTP/1.1 431 Request Header Fields Too Large");
    }

    @Test
    void http2Preface_is505() throws Exception {
        assertAnsweredAndClosed("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported");
    }

    // ================================================================== the application's answer

    @Test
    void unknownPath_is404() throws Exception {
        assertAnsweredAndClosed(RawSocket.upgradeRequest("/ws/nowhere/", RawSocket.newKey(), ""),
                "HTTP/1.1 404 Not Found");
    }

    @Test
    void applicationThrowingInConnect_is500() throws Exception {
        assertAnsweredAndClosed(RawSocket.upgradeRequest("/ws/fail/", RawSocket.newKey(), ""),
                "HTTP/1.1 500 Internal Server Error");
    }

    @Test
    void applicationNeverAnswering_is403AfterTheConnectTimeout() throws Exception {
        try (RawSocket raw = RawSocket.connect(port())) {
            long start = System.nanoTime();
            raw.writeLatin1(RawSocket.upgradeRequest("/ws/silent/", RawSocket.newKey(), ""));
            RawSocket.Response response = raw.readResponse();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(took).isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(50))
                    .isLessThanOrEqualTo(CONNECT_TIMEOUT.plus(SLACK));
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("closed after the 403").isEmpty();
        }
    }

    // ================================================================== frames after the handshake

    @Test
    void invalidUtf8Text_closes1007() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendFrame(true, RawSocket.TEXT, new byte[] {'o', 'k', (byte) 0xc3, (byte) 0x28});
            assertClosedWith(raw, 1007);
            assertThat(disconnectOf(raw, Duration.ofSeconds(5))).isEqualTo(new Disconnect("/ws/echo/", raw.localPort(), 1007));
        }
    }

    @Test
    void invalidUtf8AcrossFragments_closes1007() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendFrame(false, RawSocket.TEXT, "ok ".getBytes(StandardCharsets.UTF_8));
            raw.sendFrame(true, RawSocket.CONTINUATION, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}); // surrogate
            assertClosedWith(raw, 1007);
        }
    }

    @Test
    void frameOverTheMaxMessageSize_closes1009() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendFrame(true, RawSocket.BINARY, new byte[MAX_MESSAGE + 1]);
            assertClosedWith(raw, 1009);
            assertThat(disconnectOf(raw, Duration.ofSeconds(5))).isEqualTo(new Disconnect("/ws/echo/", raw.localPort(), 1009));
        }
    }

    @Test
    void frameOfExactlyTheMaxMessageSize_isEchoed() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            byte[] payload = new byte[MAX_MESSAGE];
            Arrays.fill(payload, (byte) 7);
            raw.sendFrame(true, RawSocket.BINARY, payload);
            RawSocket.Frame echo = raw.readFrameSkippingPings();
            assertThat(echo.opcode()).isEqualTo(RawSocket.BINARY);
            assertThat(echo.masked()).as("server frames are unmasked").isFalse();
            assertThat(echo.payload()).isEqualTo(payload);
            raw.sendClose(1000);
            assertThat(raw.readFrameSkippingPings().closeCode()).isEqualTo(1000);
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void fragmentsTogetherOverTheMaxMessageSize_close1009() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            byte[] third = "x".repeat(MAX_MESSAGE / 3 + 1).getBytes(StandardCharsets.US_ASCII);
            raw.sendFrame(false, RawSocket.TEXT, third);
            raw.sendFrame(false, RawSocket.CONTINUATION, third);
            raw.sendFrame(true, RawSocket.CONTINUATION, third);
            assertClosedWith(raw, 1009);
        }
    }

    @Test
    void unmaskedClientFrame_closes1002() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendFrame(true, 0, RawSocket.TEXT, "not masked".getBytes(StandardCharsets.UTF_8), false);
            assertClosedWith(raw, 1002);
        }
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(strings = {"3", "7", "b", "f"})
    void unknownOpcode_closes1002(String opcode) throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendFrame(true, 0, Integer.parseInt(opcode, 16), "?".getBytes(StandardCharsets.US_ASCII), true);
            assertClosedWith(raw, 1002);
        }
    }

    static Stream<Arguments> protocolViolations() {
        byte[] x = "x".getBytes(StandardCharsets.US_ASCII);
        return Stream.of(
                Arguments.of("fragmented ping", List.of(RawSocket.encodeFrame(false, 0, RawSocket.PING, x, true))),
                Arguments.of("ping of 126 bytes", List.of(RawSocket.encodeFrame(true, 0, RawSocket.PING, new byte[126], true))),
                Arguments.of("continuation without a start",
                        List.of(RawSocket.encodeFrame(true, 0, RawSocket.CONTINUATION, x, true))),
                Arguments.of("new text frame inside a fragmented message", List.of(
                        RawSocket.encodeFrame(false, 0, RawSocket.TEXT, x, true),
                        RawSocket.encodeFrame(true, 0, RawSocket.TEXT, x, true))),
                Arguments.of("close frame with a 1-byte payload", List.of(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE,
                        new byte[] {3}, true))),
                Arguments.of("close code 1005", List.of(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE,
                        new byte[] {0x03, (byte) 0xed}, true))),
                Arguments.of("close code 999", List.of(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE,
                        new byte[] {0x03, (byte) 0xe7}, true))),
                Arguments.of("RSV1 without an extension", List.of(RawSocket.encodeFrame(true, 4, RawSocket.TEXT, x, true))),
                Arguments.of("RSV3 on a ping", List.of(RawSocket.encodeFrame(true, 1, RawSocket.PING, x, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocolViolations")
    void protocolViolation_closes1002(String description, List<byte[]> frames) throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            for (byte[] frame : frames) {
                raw.write(frame);
            }
            assertClosedWith(raw, 1002);
        }
    }

    @Test
    void ping_isAnsweredByAPongWithTheSamePayload() throws Exception {
        try (RawSocket raw = open("/ws/echo/")) {
            byte[] payload = "are you there? \u2603".getBytes(StandardCharsets.UTF_8);
            raw.sendFrame(true, RawSocket.PING, payload);
            RawSocket.Frame pong = raw.readFrameSkippingPings();
            assertThat(pong.opcode()).isEqualTo(RawSocket.PONG);
            assertThat(pong.fin()).isTrue();
            assertThat(pong.payload()).isEqualTo(payload);
            raw.sendText("still echoing");
            assertThat(raw.readFrameSkippingPings().text()).isEqualTo("still echoing");
        }
    }

    @Test
    void halfOpenClient_isDroppedWithinPingIntervalPlusTimeout_andTheApplicationSeesDisconnect() throws Exception {
        try (RawSocket raw = open("/ws/halfopen/")) {
            long start = System.nanoTime();
            // the client now neither reads nor writes: the kernel buffers the server's pings
            Duration bound = PING_INTERVAL.plus(PING_TIMEOUT).plus(SLACK);
            Disconnect disconnect = disconnectOf(raw, bound);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(disconnect).as("disconnect within %s", bound)
                    .isEqualTo(new Disconnect("/ws/halfopen/", raw.localPort(), 1006));
            assertThat(took).isGreaterThanOrEqualTo(PING_INTERVAL.plus(PING_TIMEOUT).minusMillis(100));
            // what the server sent meanwhile: a ping, then nothing but the end of the stream
            RawSocket.Frame ping = raw.readFrame();
            assertThat(ping.opcode()).isEqualTo(RawSocket.PING);
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(2))).as("socket closed after the ping").isEmpty();
        }
    }

    // ================================================================== slowloris

    @Test
    void twentyHalfHeads_areClosedWithinTheConnectTimeout() throws Exception {
        List<RawSocket> sockets = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                RawSocket raw = RawSocket.connect(port());
                sockets.add(raw);
                raw.writeLatin1("GET /ws/echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock");
            }
            long deadline = start + CONNECT_TIMEOUT.plusSeconds(2).toNanos();
            for (int i = 0; i < sockets.size(); i++) {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                byte[] received = sockets.get(i).awaitClosedByPeer(left);
                assertThat(received).as("socket %d closed by the server within connectTimeout + 2 s", i)
                        .isNotNull().isEmpty();
            }
        } finally {
            for (RawSocket raw : sockets) {
                raw.close();
            }
        }
    }

    // ================================================================== clients leaving during a rejection

    /** Rejects the handshake at once. */
    public static class Rejecting extends WebsocketConsumer {
        @Override
        public void connect() {
            close();
        }
    }

    /**
     * A client that hangs up while the application is rejecting its handshake. The access log sink
     * is slow on the rejection line (a logger flushing to disk), which holds the moment open: the
     * server must still answer other clients and stop cleanly. Its own server, closed with a
     * bound, so a wedged server fails this test instead of hanging the class. Regression test for
     * a lock-order deadlock (connection monitor vs the library's WebSocketImpl monitor, taken in
     * opposite orders by the application's close and the selector's onClose) that froze the
     * selector for good; fixed in 3833861, deterministic against the code before it.
     */
    @Test
    void clientHangingUpDuringRejection_doesNotWedgeTheServer() throws Exception {
        CountDownLatch rejecting = new CountDownLatch(1);
        java.util.function.Consumer<String> slowSink = line -> {
            if (line.contains("\"WSREJECT ")) {
                rejecting.countDown();
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // models a slow log sink, not a sync
            }
        };
        ChannelsServer own = ChannelsServer.builder()
                .application(ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                        path("ws/reject/", Consumer.asApplication(Rejecting::new, new ChannelLayers())),
                        path("ws/echo/", Consumer.asApplication(Recording::new, new ChannelLayers())))))))
                .bind("127.0.0.1").port(0).accessLog(slowSink).start();
        Throwable failure = null;
        try {
            try (RawSocket leaving = RawSocket.connect(own.port())) {
                leaving.writeLatin1(RawSocket.upgradeRequest("/ws/reject/", RawSocket.newKey(), ""));
                assertThat(rejecting.await(5, TimeUnit.SECONDS)).as("the application is rejecting").isTrue();
            } // the client is gone while the server is still in the middle of its 403
            try (RawSocket raw = RawSocket.connect(own.port())) {
                raw.handshake("/ws/echo/");
                raw.sendText("alive");
                assertThat(raw.readFrameSkippingPings().text()).isEqualTo("alive");
            }
        } catch (Exception | AssertionError e) {
            failure = e;
            throw e;
        } finally {
            try {
                closeWithin(own, Duration.ofSeconds(15));
            } catch (AssertionError e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /** Closes a server, failing (and abandoning it) if that takes longer than the bound. */
    private static void closeWithin(ChannelsServer server, Duration bound) throws InterruptedException {
        Thread closer = Thread.ofPlatform().daemon().name("server-closer-" + server.port()).start(server::close);
        closer.join(bound);
        assertThat(closer.isAlive()).as("ChannelsServer.close() returned within %s", bound).isFalse();
    }

    // ================================================================== and after all that

    @Test
    @Order(Integer.MAX_VALUE)
    void afterAllTheAbuse_theServerStillEchoes_andNoApplicationIsLeft() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().openConnections() == 0);
        try (RawSocket raw = open("/ws/echo/")) {
            raw.sendText("still alive \u00e9");
            RawSocket.Frame echo = raw.readFrameSkippingPings();
            assertThat(echo.opcode()).isEqualTo(RawSocket.TEXT);
            assertThat(echo.text()).isEqualTo("still alive \u00e9");
            raw.sendClose(1000);
            assertThat(raw.readFrameSkippingPings().closeCode()).isEqualTo(1000);
        }
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/"))) {
            client.sendBytes(new byte[] {1, 2, 3});
            assertThat(client.next().bytes()).containsExactly(1, 2, 3);
        }
    }

    // ================================================================== helpers

    private static int port() {
        return server.server().port();
    }

    /** Opens a WebSocket through a checked handshake. */
    private static RawSocket open(String path) throws Exception {
        RawSocket raw = RawSocket.connect(port());
        try {
            raw.handshake(path);
            return raw;
        } catch (Exception | AssertionError e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Waits for the disconnect of this client's connection, ignoring late ones of earlier tests.
     *
     * @return the disconnect, or null if none came in time
     */
    private static Disconnect disconnectOf(RawSocket raw, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int port = raw.localPort();
        while (true) {
            long left = deadline - System.nanoTime();
            Disconnect next = left <= 0 ? null : DISCONNECTS.poll(left, TimeUnit.NANOSECONDS);
            if (next == null || next.clientPort() == port) {
                return next;
            }
        }
    }

    /** Sends a request head; expects exactly this status line, a complete response, and a hang-up. */
    private static void assertAnsweredAndClosed(String head, String statusLine) throws Exception {
        try (RawSocket raw = RawSocket.connect(port())) {
            raw.writeLatin1(head);
            RawSocket.Response response = raw.readResponse();
            assertThat(response.statusLine()).isEqualTo(statusLine);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("the server closed the socket after answering")
                    .isNotNull().isEmpty();
        }
    }

    /**
     * Expects a close frame with the code (skipping keep-alive pings), answers it, and expects the
     * hang-up. On a protocol failure the server may close TCP right after its close frame without
     * waiting for the answer (RFC 6455 7.1.7, _Fail the WebSocket Connection_), so the answer may
     * meet a closed socket.
     */
    private static void assertClosedWith(RawSocket raw, int code) throws Exception {
        RawSocket.Frame frame = raw.readFrameSkippingPings();
        assertThat(frame.opcode()).as("expected a close frame, got %s", frame).isEqualTo(RawSocket.CLOSE);
        assertThat(frame.masked()).isFalse();
        assertThat(frame.closeCode()).isEqualTo(code);
        try {
            raw.sendClose(code);
        } catch (SocketException e) { // broken pipe or reset: the server already hung up
        }
        assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("the server closed the socket").isNotNull().isEmpty();
    }
}

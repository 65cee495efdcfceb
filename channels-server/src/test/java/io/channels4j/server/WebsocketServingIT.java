package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** WebSocket behaviour of the server through real sockets. */
class WebsocketServingIT {

    static final LinkedBlockingQueue<String> DISCONNECTS = new LinkedBlockingQueue<>();
    static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();
    static final LinkedBlockingQueue<io.channels4j.Scope> SCOPES = new LinkedBlockingQueue<>();
    static volatile CountDownLatch release = new CountDownLatch(1);

    /** Echoes; "fail" throws; "block" waits for the test to release it; "flood:N" sends N 64 KiB frames. */
    public static class Echo extends WebsocketConsumer {
        @Override
        public void connect() {
            if (scope().subprotocols().contains("chat.v2")) {
                accept("chat.v2", Headers.of("X-Room", "lobby"));
            } else {
                accept();
            }
        }

        @Override
        public void receive(String text) {
            if (text.equals("fail")) {
                throw new IllegalStateException("handler failed on purpose");
            } else if (text.equals("block")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send("unblocked");
            } else if (text.startsWith("flood:")) {
                String chunk = "x".repeat(64 * 1024);
                int n = Integer.parseInt(text.substring(6));
                for (int i = 0; i < n && !isClosed(); i++) {
                    send(chunk);
                }
            } else if (text.equals("scope")) {
                SCOPES.add(scope());
                send("scope");
            } else if (text.equals("close")) {
                close(4321, "bye now");
            } else {
                send(text);
            }
        }

        @Override
        public void receive(byte[] bytes) {
            send(bytes);
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(scope().path() + " " + code);
        }
    }

    /** Never answers the handshake. */
    public static class Silent extends WebsocketConsumer {
        @Override
        public void connect() {
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(scope().path() + " " + code);
        }
    }

    /** Rejects. */
    public static class Rejecting extends WebsocketConsumer {
        @Override
        public void connect() {
            close();
        }
    }

    /** Fails before accepting. */
    public static class FailingConnect extends WebsocketConsumer {
        @Override
        public void connect() {
            throw new IllegalStateException("cannot connect");
        }
    }

    /** Ignores the disconnect and hangs on; the server must interrupt it after the close timeout. */
    public static class Stubborn extends WebsocketConsumer {
        static final LinkedBlockingQueue<String> INTERRUPTED = new LinkedBlockingQueue<>();

        @Override
        public void disconnect(int code) {
            try {
                new CountDownLatch(1).await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                INTERRUPTED.add("interrupted after close " + code);
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A raw consumer that accepts, then ignores the disconnect without stopping: after its connection
     * it waits for events off any thread, and the server must end it after the close timeout.
     */
    public static class Lingering extends Consumer {
        static final LinkedBlockingQueue<String> EXITS = new LinkedBlockingQueue<>();

        public void websocketConnect(Message event) {
            sendEvent(Events.websocketAccept(null, Headers.of()));
        }

        public void websocketDisconnect(Message event) {
        }

        @Override
        protected void onExit(Throwable failure) {
            EXITS.add(failure == null ? "clean" : failure.getClass().getSimpleName());
        }
    }

    static Application application() {
        ChannelLayers none = new ChannelLayers();
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/echo/", Consumer.asApplication(Echo::new, none)),
                path("ws/echo/<str:name>/", Consumer.asApplication(Echo::new, none)),
                path("ws/silent/", Consumer.asApplication(Silent::new, none)),
                path("ws/stubborn/", Consumer.asApplication(Stubborn::new, none)),
                path("ws/lingering/", Consumer.asApplication(Lingering::new, none)),
                path("ws/reject/", Consumer.asApplication(Rejecting::new, none)),
                path("ws/fail/", Consumer.asApplication(FailingConnect::new, none))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(WebsocketServingIT::application,
            b -> b.connectTimeout(Duration.ofSeconds(1)).maxOutboundBytes(256 * 1024).accessLog(ACCESS_LOG::add));

    @BeforeEach
    void reset() {
        DISCONNECTS.clear();
        release = new CountDownLatch(1);
    }

    @Test
    void echo_textAndBinary() throws Exception {
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/plain/"))) {
            client.sendText("héllo €");
            assertThat(client.receiveText()).isEqualTo("héllo €");
            client.sendBytes(new byte[] {0, 1, 2, (byte) 255});
            assertThat(client.next().bytes()).containsExactly(0, 1, 2, 255);
        }
        assertThat(nextDisconnectOf("/ws/echo/plain/", Duration.ofSeconds(5))).isEqualTo("/ws/echo/plain/ 1000");
    }

    @Test
    void subprotocolAndAcceptHeaders_reachTheClient() throws Exception {
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/"), List.of("chat.v1", "chat.v2"))) {
            assertThat(client.socket.getSubprotocol()).isEqualTo("chat.v2");
        }
        try (Socket raw = new Socket("127.0.0.1", server.server().port())) {
            raw.setSoTimeout(5000);
            String head = handshake(raw, "/ws/echo/", "Sec-WebSocket-Protocol: chat.v2\r\n");
            assertThat(head).startsWith("HTTP/1.1 101 ").contains("X-Room: lobby").contains("Sec-WebSocket-Protocol: chat.v2");
        }
    }

    @Test
    void closeBeforeAccept_is403_noRoute404_failure500() throws Exception {
        assertThat(handshakeStatus("/ws/reject/")).isEqualTo(403);
        assertThat(handshakeStatus("/ws/nowhere/")).isEqualTo(404);
        assertThat(handshakeStatus("/ws/fail/")).isEqualTo(500);
    }

    @Test
    void noAnswerWithinTheConnectTimeout_is403_andDisconnectRuns() throws Exception {
        assertThat(handshakeStatus("/ws/silent/")).isEqualTo(403);
        assertThat(nextDisconnectOf("/ws/silent/", Duration.ofSeconds(5))).startsWith("/ws/silent/ ");
    }

    @Test
    void jdkClient_seesTheRejection() {
        assertThatThrownBy(() -> TestClient.connect(server.websocketUrl("/ws/reject/")))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void applicationErrorAfterAccept_closesWith1011() throws Exception {
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/failing/"))) {
            client.sendText("fail");
            TestClient.Event close = client.next();
            assertThat(close.closeCode()).isEqualTo(1011);
        }
        assertThat(nextDisconnectOf("/ws/echo/failing/", Duration.ofSeconds(5))).isEqualTo("/ws/echo/failing/ 1011");
    }

    @Test
    void serverClose_carriesCodeAndReason_andDisconnectRunsOnce() throws Exception {
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/closer/"))) {
            client.sendText("close");
            TestClient.Event close = client.next();
            assertThat(close.closeCode()).isEqualTo(4321);
            assertThat(close.reason()).isEqualTo("bye now");
        }
        assertThat(nextDisconnectOf("/ws/echo/closer/", Duration.ofSeconds(5))).isEqualTo("/ws/echo/closer/ 4321");
        assertThat(nextDisconnectOf("/ws/echo/closer/", Duration.ofMillis(300))).isNull();
    }

    @Test
    void aBlockingHandler_doesNotSlowOtherConnections() throws Exception {
        try (TestClient blocked = TestClient.connect(server.websocketUrl("/ws/echo/"));
             TestClient other = TestClient.connect(server.websocketUrl("/ws/echo/"))) {
            blocked.sendText("block");
            for (int i = 0; i < 20; i++) {
                other.sendText("ping " + i);
                assertThat(other.receiveText()).isEqualTo("ping " + i); // while the first is still blocked
            }
            assertThat(release.getCount()).isEqualTo(1);
            release.countDown();
            assertThat(blocked.receiveText()).isEqualTo("unblocked");
        }
    }

    @Test
    void aClientThatStopsReading_isCutOffAtTheOutboundCap() throws Exception {
        try (Socket raw = new Socket()) {
            raw.setReceiveBufferSize(4096);
            raw.connect(new java.net.InetSocketAddress("127.0.0.1", server.server().port()), 5000);
            raw.setSoTimeout(5000);
            assertThat(handshake(raw, "/ws/echo/slow/", "")).startsWith("HTTP/1.1 101 ");
            writeMaskedText(raw.getOutputStream(), "flood:400"); // 25 MiB the client never reads
            assertThat(nextDisconnectOf("/ws/echo/slow/", Duration.ofSeconds(20))).isEqualTo("/ws/echo/slow/ 1008");
        }
    }

    @Test
    void maxConnections_refusesInTheHandshakeWith503_andKeepsAccepting() throws Exception {
        try (ChannelsServer small = ChannelsServer.builder().application(application()).port(0).maxConnections(1).start()) {
            TestClient first = TestClient.connect(small.websocketUrl().resolve("/ws/echo/"));
            first.sendText("hi");
            assertThat(first.receiveText()).isEqualTo("hi");
            try (Socket raw = new Socket("127.0.0.1", small.port())) {
                raw.setSoTimeout(5000);
                assertThat(handshake(raw, "/ws/echo/", "")).startsWith("HTTP/1.1 503 ");
            }
            first.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> small.openConnections() == 0);
            try (TestClient again = TestClient.connect(small.websocketUrl().resolve("/ws/echo/"))) {
                again.sendText("back");
                assertThat(again.receiveText()).isEqualTo("back");
            }
        }
    }

    @Test
    void gracefulShutdown_sends1001_andApplicationsRunDisconnect() throws Exception {
        long serverThreadsBefore = serverThreads();
        ChannelsServer own = ChannelsServer.builder().application(application()).port(0).start();
        assertThat(serverThreads()).isGreaterThan(serverThreadsBefore);
        TestClient client = TestClient.connect(own.websocketUrl().resolve("/ws/echo/shutdown/"));
        client.sendText("x");
        assertThat(client.receiveText()).isEqualTo("x");
        own.close();
        assertThat(client.next().closeCode()).isEqualTo(1001);
        assertThat(nextDisconnectOf("/ws/echo/shutdown/", Duration.ofSeconds(5))).isEqualTo("/ws/echo/shutdown/ 1001");
        assertThat(own.openConnections()).isZero();
        // no thread left behind: selector, decoders, timer and application threads are gone
        await().atMost(Duration.ofSeconds(5)).until(() -> serverThreads() == serverThreadsBefore);
        client.close();
    }

    static Stream<Arguments> outlivingApplications() {
        return Stream.of(
                // blocked in its disconnect handler: its thread is interrupted
                Arguments.of("/ws/stubborn/", Stubborn.INTERRUPTED, "interrupted after close 1000"),
                // waiting for events off any thread: its kept step runs on an interrupted thread
                Arguments.of("/ws/lingering/", Lingering.EXITS, "InterruptedException"));
    }

    @ParameterizedTest
    @MethodSource("outlivingApplications")
    void anApplicationThatOutlivesItsConnection_isStoppedAfterTheCloseTimeout(String path,
            LinkedBlockingQueue<String> outcome, String expected) throws Exception {
        try (ChannelsServer own = ChannelsServer.builder().application(application()).port(0)
                .applicationCloseTimeout(Duration.ofSeconds(1)).start()) {
            TestClient client = TestClient.connect(own.websocketUrl().resolve(path));
            client.close();
            assertThat(outcome.poll(10, TimeUnit.SECONDS)).isEqualTo(expected);
            await().atMost(Duration.ofSeconds(5)).until(() -> own.openConnections() == 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> own.engine().liveApplications() == 0);
        }
    }

    @Test
    void quietConnections_holdNoApplicationThread_andStillAnswer() throws Exception {
        try (TestClient a = TestClient.connect(server.websocketUrl("/ws/echo/quiet-a/"));
                TestClient b = TestClient.connect(server.websocketUrl("/ws/echo/quiet-b/"))) {
            a.sendText("one");
            assertThat(a.receiveText()).isEqualTo("one");

            // each consumer left its thread once its inbox was empty: no parked thread per quiet connection
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().engine().connections().stream()
                    .allMatch(connection -> connection.applicationThread() == null));
            assertThat(server.server().engine().connections()).hasSizeGreaterThanOrEqualTo(2);

            b.sendText("two");
            assertThat(b.receiveText()).isEqualTo("two");
            a.sendText("three");
            assertThat(a.receiveText()).isEqualTo("three");
        }
    }

    @Test
    void websocketTimeout_closesLongLivedConnections() throws Exception {
        try (ChannelsServer own = ChannelsServer.builder().application(application()).port(0)
                .websocketTimeout(Duration.ofSeconds(1)).start();
             TestClient client = TestClient.connect(own.websocketUrl().resolve("/ws/echo/"))) {
            TestClient.Event event = client.events.poll(10, TimeUnit.SECONDS);
            assertThat(event).isNotNull();
            assertThat(event.closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void websocketScope_isBuiltAsDaphneDoes() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.server().port())) {
            raw.setSoTimeout(5000);
            String head = handshake(raw, "/ws/echo/caf%C3%A9/?room=lobby", "X_Smuggled: 1\r\nX-Trace: t\r\n"
                    + "Sec-WebSocket-Protocol: a, b\r\n");
            assertThat(head).startsWith("HTTP/1.1 101 ");
            writeMaskedText(raw.getOutputStream(), "scope");
            String frame = readTextFrame(raw.getInputStream());
            io.channels4j.Scope scope = SCOPES.poll(5, TimeUnit.SECONDS);
            assertThat(frame).isEqualTo("scope");
            assertThat(scope).isNotNull();
            assertThat(scope.type()).isEqualTo("websocket");
            assertThat(scope.path()).isEqualTo("/ws/echo/café/");
            assertThat(scope.rawPath()).isEqualTo("/ws/echo/caf%C3%A9/");
            assertThat(scope.queryString()).isEqualTo("room=lobby");
            assertThat(scope.scheme()).isEqualTo("ws");
            assertThat(scope.subprotocols()).containsExactly("a", "b");
            assertThat(scope.headers().get("x-trace")).isEqualTo("t");
            assertThat(scope.headers().fields()).allMatch(f -> f.name().equals(f.name().toLowerCase(java.util.Locale.ROOT)));
            assertThat(scope.headers().contains("x_smuggled")).isFalse();
            assertThat(scope.client().host()).isEqualTo("127.0.0.1");
            assertThat(scope.server().port()).isEqualTo(server.server().port());
        }
    }

    static String readTextFrame(InputStream in) throws Exception {
        int b0 = in.read();
        int len = in.read() & 0x7f;
        if (len == 126) {
            len = (in.read() << 8) | in.read();
        }
        byte[] payload = in.readNBytes(len);
        assertThat(b0 & 0x0f).isEqualTo(1);
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Test
    void accessLog_hasDaphnesWebsocketEntries() throws Exception {
        try (TestClient client = TestClient.connect(server.websocketUrl("/ws/echo/?t=1"))) {
            client.sendText("x");
            client.receiveText();
        }
        handshakeStatus("/ws/reject/");
        await().atMost(Duration.ofSeconds(5)).until(() -> ACCESS_LOG.stream().anyMatch(l -> l.contains("\"WSDISCONNECT /ws/echo/\"")));
        assertThat(ACCESS_LOG).anyMatch(l -> l.matches("127\\.0\\.0\\.1:\\d+ - - \\[.+\\] \"WSCONNECTING /ws/echo/\" - -"));
        assertThat(ACCESS_LOG).anyMatch(l -> l.contains("\"WSCONNECT /ws/echo/\" - -"));
        assertThat(ACCESS_LOG).anyMatch(l -> l.contains("\"WSREJECT /ws/reject/\" - -"));
    }

    /** Live platform threads the server names (virtual application threads are not listed here). */
    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().equals("channels4j-selector")
                        || t.getName().startsWith("channels4j-decoder-") || t.getName().equals("channels4j-server-timer")))
                .count();
    }

    /** The next recorded disconnect of a path; others (late ones of earlier tests) are skipped. */
    private static String nextDisconnectOf(String path, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String next = left <= 0 ? null : DISCONNECTS.poll(left, TimeUnit.NANOSECONDS);
            if (next == null || next.startsWith(path + " ")) {
                return next;
            }
        }
    }

    // ------------------------------------------------------------------ raw socket helpers

    private int handshakeStatus(String path) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.server().port())) {
            raw.setSoTimeout(5000);
            String head = handshake(raw, path, "");
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    static String handshake(Socket socket, String path, String extraHeaders) throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    static void writeMaskedText(OutputStream out, String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        out.write(0x81);
        out.write(0x80 | payload.length);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    static HttpClient http() {
        return HttpClient.newHttpClient();
    }
}

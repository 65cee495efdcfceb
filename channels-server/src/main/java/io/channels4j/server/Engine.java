package io.channels4j.server;

import io.channels4j.HostPort;
import io.channels4j.Scope;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket server underneath {@link ChannelsServer}: turns the library's callbacks into
 * {@link ServerConnection}s and never blocks its selector or decoder threads (they only parse and
 * hand events to a connection's inbox; the selector decodes plain connections itself, the decoder
 * threads TLS ones: {@link InlineReads}). A timer thread checks timeouts and sends pings.
 */
final class Engine extends WebSocketServer {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final long SWEEP_MILLIS = 250;
    private static final long LINGER_MILLIS = 1000;

    private final ServerSettings settings;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<WebSocketImpl, Long> handshaking = new ConcurrentHashMap<>();
    private final AtomicInteger liveApplications = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);
    private final ScheduledExecutorService timer;
    private volatile Exception startFailure;
    /** Write requests of plain connections, for {@link SelectorLoop}. */
    private final WriteDemand writeDemand = new WriteDemand();

    Engine(ServerSettings settings) {
        super(new InetSocketAddress(settings.bind(), settings.port()), settings.workers(),
                List.of(new ServerDraft(settings.maxRequestHeadSize(), settings.maxMessageSize())));
        this.settings = settings;
        setTcpNoDelay(true);
        setReuseAddr(true);
        setConnectionLostTimeout(0); // pings are ours: per-connection interval and timeout
        setWebSocketFactory(new TrackingSocketFactory(settings.sslContext(), handshaking,
                new DemandRoutingListener(this, writeDemand)));
        for (int i = 0; i < decoders.size(); i++) {
            decoders.get(i).setName("channels4j-decoder-" + i);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "channels4j-server-timer");
            t.setDaemon(true);
            return t;
        });
    }

    ServerSettings settings() {
        return settings;
    }

    /** Starts and waits until the port is bound. */
    void startAndWait() throws Exception {
        start();
        if (!started.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server did not start within 30 s");
        }
        if (startFailure != null) {
            throw startFailure;
        }
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The selector loop: {@link SelectorLoop}, the library's loop with selected keys cleared as
     * they are handled, or the library's own if this version of it does not match.
     */
    @Override
    public void run() {
        if (SelectorLoop.available()) {
            SelectorLoop.run(this, writeDemand);
        } else {
            super.run();
        }
    }

    @Override
    public void onStart() {
        Thread.currentThread().setName("channels4j-selector");
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        WebSocketImpl socket = (WebSocketImpl) conn;
        handshaking.remove(socket);
        ServerDraft draft = (ServerDraft) socket.getDraft();
        try {
            if (draft.headError() != null) {
                reject(socket, draft.headError().status(), draft.headError().getMessage(), false);
                return;
            }
            RequestHead head = draft.head();
            if (connections.size() >= settings.maxConnections()) {
                log.warn("refusing {} {}: {} connections open (max-connections)", head.method(), head.target(),
                        connections.size());
                reject(socket, 503, "Service Unavailable: too many connections", "HEAD".equals(head.method()));
                return;
            }
            ServerConnection connection = ScopeFactory.connect(this, socket, draft, head);
            if (connection != null) {
                socket.setAttachment(connection);
                connections.add(connection);
                liveApplications.incrementAndGet();
                if (connection instanceof WebsocketConnection ws) {
                    draft.attach(connection, ServerDraft.Mode.WEBSOCKET_PENDING);
                    ws.start();
                } else {
                    draft.attach(connection, ServerDraft.Mode.HTTP);
                    ((HttpConnection) connection).start();
                }
            }
        } catch (BadRequestException e) {
            reject(socket, e.status(), e.getMessage(), false);
        } catch (RuntimeException e) {
            log.error("failed to open a connection from {}", socket.getRemoteSocketAddress(), e);
            reject(socket, 500, "Internal Server Error", false);
        }
    }

    /** Answers with an error status and closes; for requests that never reach an application. */
    void reject(WebSocketImpl socket, int status, String reason, boolean head, String... extraHeaders) {
        log.debug("answering {} to {}: {}", status, socket.getRemoteSocketAddress(), reason);
        String text = status == 503 ? "Service Unavailable" : HttpResponses.reason(status);
        socket.sendFrame(new RawFrame(ByteBuffer.wrap(
                HttpResponses.simple(status, text, settings.serverName(), head, extraHeaders))));
        socket.close();
    }

    /**
     * Answers a request whose body the client may still be sending (411, 413): the answer goes
     * out at once, the body is read and discarded, and the socket closes a moment later, so the
     * client's pending bytes do not turn into a reset that destroys the answer before it is read.
     */
    void rejectLingering(WebSocketImpl socket, int status, String reason, boolean head) {
        log.debug("answering {} to {}: {}", status, socket.getRemoteSocketAddress(), reason);
        ((ServerDraft) socket.getDraft()).attach(null, ServerDraft.Mode.HTTP);
        socket.sendFrame(new RawFrame(ByteBuffer.wrap(
                HttpResponses.simple(status, HttpResponses.reason(status), settings.serverName(), head))));
        timer.schedule(() -> socket.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        ServerConnection connection = conn.getAttachment();
        if (connection != null) {
            connection.socketClosed(code, remote);
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (conn.getAttachment() instanceof WebsocketConnection ws) {
            ws.onText(message);
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        if (conn.getAttachment() instanceof WebsocketConnection ws) {
            ws.onBytes(message);
        }
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata ping) {
        if (conn.getAttachment() instanceof WebsocketConnection ws
                && !ws.reservePong(ping.getPayloadData().remaining())) {
            return; // cut off: the client does not read its pongs
        }
        super.onWebsocketPing(conn, ping);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            if (started.getCount() > 0) {
                startFailure = ex;
                started.countDown();
            } else {
                log.error("server error", ex);
            }
            return;
        }
        log.debug("connection error from {}: {}", conn.getRemoteSocketAddress(), ex.toString());
    }

    /**
     * Asks the selector again to write what is queued for a socket. Java-WebSocket 1.6.0 loses a
     * write request when a frame is queued (from another thread) in the instant between its
     * selector draining the queue and resetting the key's interest to read-only
     * ({@code WebSocketServer.doWrite}); the frame then waits for the next write on that
     * connection, which for a request/reply client may be the next ping, seconds away. The timer
     * calls this for every connection with bytes queued, so a lost request costs at most one
     * sweep ({@value #SWEEP_MILLIS} ms). {@link SelectorLoop} closes that gap for plain
     * connections (it checks the queue again after resetting the interest), so the sweep matters
     * for TLS connections, which keep the library's write, and when the library's own loop runs
     * ({@link SelectorLoop#available()} false).
     *
     * @param socket the connection
     */
    void rearmWrites(WebSocketImpl socket) {
        try {
            onWriteDemand(socket);
        } catch (RuntimeException e) {
            log.debug("write re-arm for {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
        }
    }

    void applicationEnded(ServerConnection connection) {
        connections.remove(connection);
        liveApplications.decrementAndGet();
    }

    int liveApplications() {
        return liveApplications.get();
    }

    int openConnections() {
        return connections.size();
    }

    Set<ServerConnection> connections() {
        return connections;
    }

    /**
     * Logs one access line when an access log is configured; builds nothing otherwise.
     *
     * @param client the client, or null
     * @param verb   the method, or {@code WSCONNECTING}, {@code WSCONNECT}, ...
     * @param path   the raw path
     * @param query  the raw query string, empty for none
     * @param status the HTTP status, negative for none
     * @param length the body length, negative for none
     */
    void accessLog(HostPort client, String verb, String path, String query, int status, long length) {
        if (settings.accessLog() != null) {
            settings.accessLog().accept(AccessLogFormat.line(client, verb, path, query, status, length));
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            long headDeadline = settings.connectTimeout().toNanos();
            for (Map.Entry<WebSocketImpl, Long> entry : handshaking.entrySet()) {
                WebSocketImpl socket = entry.getKey();
                if (socket.isClosed() || socket.isOpen() || socket.isClosing()) {
                    handshaking.remove(socket);
                } else if (now - entry.getValue() > headDeadline) {
                    handshaking.remove(socket);
                    log.debug("closing {}: no complete request within {}", socket.getRemoteSocketAddress(),
                            settings.connectTimeout());
                    socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "request head timeout");
                }
            }
            for (ServerConnection connection : connections) {
                connection.sweep(now);
            }
        } catch (RuntimeException e) {
            log.error("timer sweep failed", e);
        }
    }

    /** Stops accepting, closes sockets (1001), waits for applications, then stops the timer. */
    void shutdown(long timeoutMillis) throws InterruptedException {
        stop((int) Math.min(Integer.MAX_VALUE, timeoutMillis), "server shutting down");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (liveApplications.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        for (ServerConnection connection : connections) {
            if (connection.kill()) {
                log.warn("Application instance for {} took too long to shut down and was killed", connection.scope.path());
            }
        }
        for (ServerConnection connection : connections) {
            Thread thread = connection.applicationThread();
            if (thread != null) {
                thread.join(1000);
            }
        }
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** @return the client's and server's addresses for a scope */
    static HostPort hostPort(InetSocketAddress address) {
        return address == null ? null : new HostPort(address.getAddress() == null
                ? address.getHostString() : address.getAddress().getHostAddress(), address.getPort());
    }
}

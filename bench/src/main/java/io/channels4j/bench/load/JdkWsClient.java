package io.channels4j.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's {@code java.net.http} WebSocket client as a load generator transport: one
 * {@link HttpClient} per local address (each multiplexes its connections on one selector thread),
 * listener callbacks on a small shared pool ({@code load-jdk-N}). The JDK allows one outstanding
 * send per WebSocket, so each connection queues its own sends. Kept to compare with
 * {@link NioWsClient}.
 *
 * <p>Threading and lifecycle: see {@link WsClient}.
 */
final class JdkWsClient implements WsClient {

    private final ExecutorService executor;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Queue<WebSocket> sockets = new ConcurrentLinkedQueue<>();

    /**
     * Creates the callback pool.
     *
     * @param threads callback threads, at least 1
     */
    JdkWsClient(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads,
                r -> Thread.ofPlatform().name("load-jdk-" + count.getAndIncrement()).daemon(true).unstarted(r));
    }

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress server, InetAddress local, String path, String origin,
            Listener listener) {
        HttpClient client = clients.computeIfAbsent(local == null ? "" : local.getHostAddress(), address -> {
            HttpClient.Builder builder = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(30));
            if (local != null) {
                builder.localAddress(local);
            }
            return builder.build();
        });
        JdkConnection connection = new JdkConnection(listener);
        URI uri = URI.create("ws://" + server.getHostString() + ":" + server.getPort() + path);
        return client.newWebSocketBuilder().header("Origin", origin).buildAsync(uri, connection)
                .thenApply(webSocket -> {
                    sockets.add(webSocket);
                    connection.webSocket = webSocket;
                    return connection;
                });
    }

    @Override
    public void close() {
        for (WebSocket socket : sockets) {
            socket.abort();
        }
        for (HttpClient client : clients.values()) {
            client.shutdownNow();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "jdk";
    }

    /** One connection: its send queue and its JDK listener. */
    private static final class JdkConnection implements Connection, WebSocket.Listener {
        private final Listener listener;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket webSocket;
        private boolean sending;

        JdkConnection(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void sendText(byte[] utf8, int length) {
            String text = new String(utf8, 0, length, StandardCharsets.UTF_8);
            synchronized (this) {
                if (sending) {
                    queue.add(text);
                    return;
                }
                sending = true;
            }
            sendNow(text);
        }

        private void sendNow(String text) {
            webSocket.sendText(text, true).whenComplete((ws, error) -> {
                String next;
                synchronized (this) {
                    next = error == null ? queue.poll() : null;
                    if (next == null) {
                        sending = false;
                    }
                }
                if (next != null) {
                    sendNow(next);
                }
            });
        }

        @Override
        public void close() {
            WebSocket socket = webSocket;
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((ws, error) -> socket.abort());
            }
        }

        @Override
        public void onOpen(WebSocket socket) {
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (last && partial.isEmpty()) {
                listener.onText(data);
            } else {
                partial.append(data);
                if (last) {
                    listener.onText(partial);
                    partial.setLength(0);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            listener.onClose(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            listener.onClose(1006);
        }
    }
}

package io.channels4j.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client on the JDK's {@code java.net.http.WebSocket} that queues what it receives. */
final class TestClient implements WebSocket.Listener, AutoCloseable {

    /** Something the client received: text, bytes or a close. */
    record Event(String text, byte[] bytes, Integer closeCode, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> closedByServer = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    final WebSocket socket;

    private TestClient(URI uri, List<String> subprotocols) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        this.socket = builder.buildAsync(uri, this).orTimeout(10, TimeUnit.SECONDS).join();
    }

    static TestClient connect(URI uri) {
        return new TestClient(uri, List.of());
    }

    static TestClient connect(URI uri, List<String> subprotocols) {
        return new TestClient(uri, subprotocols);
    }

    void sendText(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    void sendBytes(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** @return the next text message within 5 s */
    String receiveText() throws InterruptedException {
        Event event = next();
        if (event.text() == null) {
            throw new AssertionError("expected text, got " + event);
        }
        return event.text();
    }

    Event next() throws InterruptedException {
        Event event = events.poll(5, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("nothing received within 5 s");
        }
        return event;
    }

    /** @return true if nothing arrives within the time */
    boolean receivesNothing(Duration within) throws InterruptedException {
        return events.poll(within.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            events.add(new Event(partial.toString(), null, null, null));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        events.add(new Event(null, bytes, null, null));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Event(null, null, statusCode, reason));
        closedByServer.complete(null);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Event(null, null, -1, String.valueOf(error)));
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        // a clean close: wait for the server's answer before dropping the connection
        closedByServer.completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
        socket.abort();
    }
}

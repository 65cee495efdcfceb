package io.channels4j.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One WebSocket client of the tutorial chat, on the JDK's {@link WebSocket}, recording into the
 * {@link Ledger}. Chat messages are {@code {"message": "m<id> <filler>"}}; the client's own copy
 * coming back is its acknowledgement, an {@code {"error": ...}} reply answers the oldest
 * outstanding send. At most one send is outstanding at a time (so an error reply names its send).
 *
 * <p>Threads: the listener methods run on the HTTP client's executor, one at a time;
 * {@link #sendChat}, {@link #sendBad}, {@link #sweep} and {@link #close} are called from the
 * soak's driver threads. Lifecycle: {@link #connect} once; {@link #close} any number of times.
 */
final class ChatClient implements WebSocket.Listener {

    /** What the client does in the soak. */
    enum Kind {
        /** Long-lived, chats all the time. */
        CHATTER,
        /** Connects, chats a little, disconnects. */
        CHURN,
        /** Long-lived, sends only bad input, expects an error reply to each. */
        BAD
    }

    /** A send waiting for its echo or an error reply; {@code messageId < 0} for bad input. */
    private record Pending(long messageId, long sentAt) {
        boolean bad() {
            return messageId < 0;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final int LONG_BAD_MESSAGE = 70_000;

    final int id;
    final Kind kind;
    final String room;
    /** Ids of the chat messages this client received (its own included). */
    final Set<Long> received = ConcurrentHashMap.newKeySet();

    private final Ledger ledger;
    private final StringBuilder partial = new StringBuilder(); // listener thread only
    private final Deque<Pending> outstanding = new ArrayDeque<>(); // guarded by this
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null); // guarded by this
    private CompletableFuture<Void> closed; // guarded by this
    private int badCount; // guarded by this
    private volatile WebSocket socket;
    private volatile long openedAt = -1;
    private volatile long closedAt = -1;
    private volatile boolean closing;

    ChatClient(int id, Kind kind, String room, Ledger ledger) {
        this.id = id;
        this.kind = kind;
        this.room = room;
        this.ledger = ledger;
    }

    /**
     * Opens the WebSocket; returns at once.
     *
     * @param http    the shared HTTP client
     * @param uri     the room's URL
     * @param origin  the Origin header (the chat refuses handshakes without an allowed one)
     * @param timeout handshake timeout
     * @return completes with whether the handshake succeeded
     */
    CompletableFuture<Boolean> connect(HttpClient http, URI uri, String origin, Duration timeout) {
        ledger.register(this);
        CompletableFuture<WebSocket> handshake = http.newWebSocketBuilder()
                .header("Origin", origin)
                .connectTimeout(timeout)
                .buildAsync(uri, this);
        return handshake.copy().orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).handle((ws, error) -> {
            if (error != null) {
                long now = System.nanoTime();
                markClosed(now);
                ledger.connectFailures.add(now, this + ": " + rootCause(error));
                handshake.thenAccept(WebSocket::abort); // a handshake that completes after the timeout
                ended.complete(null);
                return false;
            }
            socket = ws;
            markOpen();
            ledger.connects.increment();
            if (closing) {
                ws.abort(); // closed while connecting: the close found no socket to close
                markClosed(System.nanoTime());
                ended.complete(null);
                return false;
            }
            return true;
        });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        markOpen();
        webSocket.request(1);
    }

    private synchronized void markOpen() {
        if (openedAt < 0) {
            openedAt = System.nanoTime();
        }
    }

    private synchronized void markClosed(long now) {
        if (closedAt < 0) {
            closedAt = now;
        }
    }

    /** @return when the handshake completed ({@link System#nanoTime()}), or -1 */
    long openedAt() {
        return openedAt;
    }

    /** @return when the connection ended, or -1 while it is open (or connecting) */
    long closedAt() {
        return closedAt;
    }

    boolean isOpen() {
        return openedAt >= 0 && closedAt < 0 && !closing;
    }

    /** @return whether the connection failed, closed or was closed */
    boolean hasEnded() {
        return ended.isDone();
    }

    synchronized boolean hasOutstanding() {
        return !outstanding.isEmpty();
    }

    /**
     * Sends one chat message unless one is still outstanding or the client is not open.
     *
     * @param filler text after the id
     * @return whether it was sent
     */
    boolean sendChat(String filler) {
        WebSocket ws = socket;
        if (ws == null || !isOpen()) {
            return false;
        }
        synchronized (this) {
            if (!outstanding.isEmpty()) {
                return false;
            }
            Ledger.Sent message = ledger.newMessage(room, this);
            outstanding.add(new Pending(message.id, message.sentAt));
            enqueue(ws, json(Map.of("message", "m" + message.id + " " + filler)));
        }
        return true;
    }

    /**
     * Sends one piece of bad input (rotating through the kinds) unless one is still outstanding.
     *
     * @return whether it was sent
     */
    boolean sendBad() {
        WebSocket ws = socket;
        if (ws == null || !isOpen()) {
            return false;
        }
        synchronized (this) {
            if (!outstanding.isEmpty()) {
                return false;
            }
            String text = switch (badCount++ % 7) {
                case 0 -> "this is not JSON";
                case 1 -> "{\"text\": \"no message field\"}";
                case 2 -> "{\"message\": 42}";
                case 3 -> "{\"message\": null}";
                case 4 -> "[\"message\", \"in an array\"]";
                case 5 -> json(Map.of("message", "x".repeat(4097)));
                default -> json(Map.of("message", "y".repeat(LONG_BAD_MESSAGE)));
            };
            outstanding.add(new Pending(-1, System.nanoTime()));
            ledger.badSent.increment();
            enqueue(ws, text);
        }
        return true;
    }

    /** Sends after the previous send completed: the JDK WebSocket allows one pending send. */
    private void enqueue(WebSocket ws, String text) {
        assert Thread.holdsLock(this);
        sends = sends.handle((r, e) -> null).thenCompose(v -> ws.sendText(text, true));
        sends.whenComplete((r, error) -> {
            if (error != null && !closing) {
                ledger.sendFailures.add(System.nanoTime(), this + ": " + rootCause(error));
            }
        });
    }

    /**
     * Gives up on sends outstanding longer than the timeout: chat messages become unanswered, bad
     * input unanswered by an error.
     *
     * @param now     {@link System#nanoTime()}
     * @param timeout how long a send may wait
     */
    synchronized void sweep(long now, Duration timeout) {
        for (Iterator<Pending> it = outstanding.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            if (now - pending.sentAt() >= timeout.toNanos()) {
                it.remove();
                if (pending.bad()) {
                    ledger.badUnanswered.add(now, this + ": no error reply to bad input");
                } else {
                    ledger.unanswered(pending.messageId());
                }
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            handle(frame, System.nanoTime());
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String frame, long now) {
        ledger.frameReceived(now);
        JsonNode json;
        try {
            json = JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            ledger.unrecognised.add(now, this + " got " + abbreviate(frame));
            return;
        }
        JsonNode message = json.get("message");
        JsonNode error = json.get("error");
        if (message != null && message.isTextual()) {
            chatMessage(message.asText(), frame, now);
        } else if (error != null && error.isTextual()) {
            Pending pending;
            synchronized (this) {
                pending = outstanding.pollFirst();
            }
            if (pending == null) {
                ledger.unexpectedErrorReplies.add(now, this + " got " + abbreviate(frame));
            } else if (pending.bad()) {
                ledger.badAnswered.increment();
            } else {
                ledger.errored(pending.messageId(), error.asText(), now);
            }
        } else {
            ledger.unrecognised.add(now, this + " got " + abbreviate(frame));
        }
    }

    private void chatMessage(String text, String frame, long now) {
        long id = messageId(text);
        Ledger.Sent sent = id < 0 ? null : ledger.sent(id);
        if (sent == null) {
            ledger.unrecognised.add(now, this + " got " + abbreviate(frame));
            return;
        }
        if (!received.add(id)) {
            ledger.duplicates.add(now, this + " got message " + id + " again");
            return;
        }
        if (sent.sender == this) {
            synchronized (this) {
                outstanding.removeIf(p -> p.messageId() == id);
            }
            ledger.acknowledged(sent, now);
        } else {
            ledger.delivered(sent, this, now);
        }
    }

    /** @return the id in {@code m<id> ...}, or -1 */
    static long messageId(String text) {
        if (!text.startsWith("m")) {
            return -1;
        }
        int end = text.indexOf(' ');
        try {
            return Long.parseLong(end < 0 ? text.substring(1) : text.substring(1, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended(statusCode + (reason.isEmpty() ? "" : " " + reason));
        return null; // the JDK then answers the close
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended(rootCause(error));
    }

    private void ended(String how) {
        long now = System.nanoTime();
        markClosed(now);
        if (!closing) {
            ledger.unexpectedCloses.add(now, this + " closed by the server or the network: " + how);
        }
        ended.complete(null);
    }

    /**
     * Closes the connection (1000) after any pending send; sends still outstanding are abandoned.
     * Idempotent.
     *
     * @return completes when the server answered the close, or after a timeout (then the
     *         connection is aborted and the timeout counted)
     */
    synchronized CompletableFuture<Void> close() {
        if (closed != null) {
            return closed;
        }
        closing = true;
        ledger.abandoned.add(outstanding.size());
        outstanding.clear();
        WebSocket ws = socket;
        if (ws == null || ended.isDone()) {
            ended.complete(null);
            closed = ended;
            return closed;
        }
        sends = sends.handle((r, e) -> null).thenCompose(v -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        closed = ended.copy().orTimeout(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionally(timeout -> {
            ledger.closeTimeouts.increment();
            ws.abort();
            markClosed(System.nanoTime());
            return null;
        });
        return closed;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String frame) {
        return frame.length() <= 120 ? frame : frame.substring(0, 120) + "...";
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + id + "@" + room;
    }
}

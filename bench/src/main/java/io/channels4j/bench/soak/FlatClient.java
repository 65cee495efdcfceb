package io.channels4j.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client of the flatness check's chat traffic, on the JDK's {@link WebSocket}: a member of its
 * room and one of its senders. It sends {@code {"message": "~<room>~<sender>~<seq>~xxx..."}},
 * keeping at most {@code window} of its own messages in flight (sent, its own copy not yet back),
 * up to the budget of the current step; it records every chat message it receives in a bitmap
 * per sender of its room: new ones are delivered, repeated ones duplicated, ones below the
 * sender's highest out of order, anything else (an {@code {"error"}} reply, a message of another
 * room) unexpected. When it has all the messages of the step it counts the step's latch down.
 *
 * <p>Threads: the listener methods run on the HTTP client's executor, one at a time per socket;
 * {@link #nextStep} and {@link #close} are called by the check's main thread. State is guarded
 * by this object's monitor. Lifecycle: {@link #connect}, {@link #nextStep} per step, {@link #close}.
 */
final class FlatClient implements WebSocket.Listener {

    /** What all clients of a run share: the run-wide delivery counter. */
    static final class Shared {
        /** New (not duplicated) deliveries, all clients. */
        final LongAdder deliveries = new LongAdder();
        final int clientsPerRoom;
        final int window;
        final int payload;

        Shared(int clientsPerRoom, int window, int payload) {
            this.clientsPerRoom = clientsPerRoom;
            this.window = window;
            this.payload = payload;
        }
    }

    final int room;
    final int index;
    private final Shared shared;
    private final BitSet[] seen;
    private final int[] highest;
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WebSocket socket;
    private long budget;
    private long sent;
    private long inFlight;
    private boolean sending;
    private long target;
    private CountDownLatch stepDone;
    private long delivered;
    private long duplicates;
    private long outOfOrder;
    private long unexpected;
    private String firstUnexpected;
    private String sendError;
    private int closeCode = -1;
    private boolean closedByServer;
    private boolean closing;

    /**
     * @param room   its room's number
     * @param index  its number in the room, 0 .. clients per room - 1 (also its sender number)
     * @param shared the run's shared state
     */
    FlatClient(int room, int index, Shared shared) {
        this.room = room;
        this.index = index;
        this.shared = shared;
        this.seen = new BitSet[shared.clientsPerRoom];
        this.highest = new int[shared.clientsPerRoom];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = new BitSet();
            highest[i] = -1;
        }
    }

    /**
     * Opens the WebSocket.
     *
     * @param http    the shared HTTP client
     * @param uri     the room's URL
     * @param origin  the Origin header (the chat refuses handshakes without an allowed one)
     * @param timeout handshake timeout
     * @return completes when the handshake did, or exceptionally
     */
    CompletableFuture<WebSocket> connect(HttpClient http, URI uri, String origin, Duration timeout) {
        return http.newWebSocketBuilder().header("Origin", origin).connectTimeout(timeout).buildAsync(uri, this);
    }

    @Override
    public synchronized void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    /**
     * Lets the client send up to a new budget and sets what it must have received for the step.
     *
     * @param messages its budget: total messages it may have sent by the end of the step
     * @param expected total deliveries it must have had by the end of the step
     * @param latch    counted down once it has them
     */
    synchronized void nextStep(long messages, long expected, CountDownLatch latch) {
        budget = messages;
        target = expected;
        stepDone = latch;
        checkTarget();
        pump();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (this) {
            if (!last) {
                partial.append(data);
            } else if (partial.isEmpty()) {
                handle(data);
            } else {
                partial.append(data);
                handle(partial);
                partial.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }

    /** One whole text frame. Caller holds the monitor. */
    private void handle(CharSequence text) {
        int at = indexOf(text, '~');
        long[] fields = at < 0 ? null : parseTag(text, at + 1);
        if (fields == null || fields[0] != room || fields[1] < 0 || fields[1] >= seen.length || fields[2] > Integer.MAX_VALUE) {
            unexpected++;
            if (firstUnexpected == null) {
                firstUnexpected = text.length() > 200 ? text.subSequence(0, 200) + "..." : text.toString();
            }
            return;
        }
        int sender = (int) fields[1];
        int seq = (int) fields[2];
        BitSet bits = seen[sender];
        if (bits.get(seq)) {
            duplicates++;
            return;
        }
        bits.set(seq);
        delivered++;
        shared.deliveries.increment();
        if (seq < highest[sender]) {
            outOfOrder++;
        } else {
            highest[sender] = seq;
        }
        if (sender == index) {
            inFlight--;
            pump();
        }
        checkTarget();
    }

    private void checkTarget() {
        if (stepDone != null && delivered >= target) {
            stepDone.countDown();
            stepDone = null;
        }
    }

    /** Sends while the window and the budget allow; one send at a time on the socket. Caller holds the monitor. */
    private void pump() {
        while (!sending && !closing && socket != null && sendError == null && inFlight < shared.window && sent < budget) {
            sending = true;
            inFlight++;
            String frame = frame(room, index, sent++, shared.payload);
            socket.sendText(frame, true).whenComplete((ws, error) -> {
                synchronized (this) {
                    sending = false;
                    if (error != null && sendError == null) {
                        sendError = error.toString();
                    }
                    pump();
                }
            });
        }
    }

    /**
     * @return the frame of one message: {@code {"message": "~room~sender~seq~xxx"}}, the text padded
     *         to {@code payload} characters
     */
    static String frame(int room, int sender, long seq, int payload) {
        StringBuilder text = new StringBuilder(payload + 16).append("{\"message\": \"~").append(room).append('~')
                .append(sender).append('~').append(seq).append('~');
        int pad = payload - (text.length() - 13);
        for (int i = 0; i < pad; i++) {
            text.append('x');
        }
        return text.append("\"}").toString();
    }

    /** Reads {@code room~sender~seq~} from position {@code from}; null when malformed. */
    static long[] parseTag(CharSequence text, int from) {
        long[] fields = new long[3];
        int p = from;
        for (int f = 0; f < 3; f++) {
            long value = 0;
            int digits = 0;
            while (p < text.length() && text.charAt(p) >= '0' && text.charAt(p) <= '9' && digits < 18) {
                value = value * 10 + (text.charAt(p++) - '0');
                digits++;
            }
            if (digits == 0 || p >= text.length() || text.charAt(p) != '~') {
                return null;
            }
            p++;
            fields[f] = value;
        }
        return fields;
    }

    private static int indexOf(CharSequence text, char c) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        synchronized (this) {
            if (closeCode < 0) {
                closeCode = statusCode;
                closedByServer = !closing;
            }
        }
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        synchronized (this) {
            if (sendError == null) {
                sendError = "socket error: " + error;
            }
        }
        closed.complete(-1);
    }

    /**
     * Sends a close frame (once); the server's close completes {@link #closed()}.
     */
    synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (socket == null) {
            closed.complete(-1);
            return;
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").whenComplete((ws, error) -> {
            if (error != null) {
                closed.complete(-1);
            }
        });
    }

    /** Drops the connection without a close handshake (after a close that was not answered). */
    synchronized void abort() {
        if (socket != null) {
            socket.abort();
        }
        closed.complete(-1);
    }

    /** @return completes with the close code when the socket is closed */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    /** @return whether the server closed the socket before the check did */
    synchronized boolean closedByServer() {
        return closedByServer;
    }

    synchronized long sent() {
        return sent;
    }

    synchronized long delivered() {
        return delivered;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized long unexpected() {
        return unexpected;
    }

    synchronized String firstUnexpected() {
        return firstUnexpected;
    }

    synchronized String sendError() {
        return sendError;
    }
}

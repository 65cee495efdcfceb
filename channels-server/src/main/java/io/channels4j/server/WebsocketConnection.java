package io.channels4j.server;

import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.routing.NoRouteFoundException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket connection: {@code websocket.connect} to the application, then its
 * {@code websocket.accept} (101), {@code websocket.close} (403 before accept, a close frame after)
 * and {@code websocket.send} back to the socket; frames in as {@code websocket.receive};
 * {@code websocket.disconnect} exactly once when the socket is gone.
 *
 * <p>Slow clients: bytes queued for the socket are counted (frames and pongs); a send that would
 * take them past the server's outbound cap cuts the client off (the application sees
 * {@code websocket.disconnect} with 1008) instead of buffering without bound. A message larger
 * than the cap is still sent to a client with nothing queued. Pings go out when nothing arrived
 * for the ping interval; a peer silent for the ping timeout after a ping is dropped (1006).
 */
final class WebsocketConnection extends ServerConnection {

    private static final Logger log = LoggerFactory.getLogger(WebsocketConnection.class);

    private enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    /** The client's key until the 101 is built, then null: guarded by {@link #sendLock}. */
    private String secWebsocketKey;
    /**
     * Changed without holding any lock the engine's threads might wait for: callbacks from
     * Java-WebSocket arrive while it holds its own connection lock, and the application's thread
     * calls into the library under {@link #sendLock}, so the two must never nest the other way.
     */
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private final AtomicBoolean disconnectSent = new AtomicBoolean();
    /** Serializes what the application sends (accept, frames, close). */
    private final Object sendLock = new Object();
    /**
     * Bytes queued for the socket as last counted plus those added since: only grows between
     * recounts, so it is recounted (against the real queue) only when it passes the cap. Updated by
     * the application's sends and by the decoder's pongs.
     */
    private final AtomicLong queuedEstimate = new AtomicLong();
    /** Set once the client was cut off for not reading: nothing more is queued. */
    private final AtomicBoolean cutOff = new AtomicBoolean();
    /** Set when the client sent more than maxInboundBytes ahead of its application; then its messages are dropped. */
    private final AtomicBoolean inboundCutOff = new AtomicBoolean();
    private volatile long pingSentNanos;
    private volatile long closingSinceNanos;
    private volatile int peerCloseCode;
    /** The code of the close this server started ({@code websocket.close}), 0 if it did not. */
    private volatile int localCloseCode;

    WebsocketConnection(Engine engine, WebSocketImpl socket, ServerDraft draft, Scope scope, String secWebsocketKey) {
        super(engine, socket, draft, scope);
        this.secWebsocketKey = secWebsocketKey;
    }

    /** Hands the connect event to the application; decoder thread. */
    void start() {
        engine.accessLog(scope.client(), "WSCONNECTING", scope.rawPath(), "", -1, -1);
        inbox.put(Events.websocketConnect());
        startApplication();
    }

    // ------------------------------------------------------------------ from the socket

    void onText(String text) {
        if (admitted(text.length())) {
            inbox.put(Events.websocketText(Events.WEBSOCKET_RECEIVE, text), text.length());
        }
    }

    void onBytes(ByteBuffer bytes) {
        if (admitted(bytes.remaining())) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            inbox.put(Events.websocketBytes(Events.WEBSOCKET_RECEIVE, copy), copy.length);
        }
    }

    /**
     * Whether a received message may join those waiting for the application. They may weigh at
     * most {@code maxInboundBytes} (characters of text, bytes of binary), so that a client sending
     * faster than its consumer handles cannot grow the server's memory without bound: the message
     * that would pass the cap closes the client with 1008 instead, and what it sends after that is
     * dropped; the application still gets what came before, then the disconnect. One message
     * larger than the cap still goes through when nothing else waits. Decoder thread (the only one
     * that adds weight, so the check cannot be overtaken).
     *
     * @param size the message's weight
     * @return true to hand it to the application
     */
    private boolean admitted(int size) {
        if (inboundCutOff.get()) {
            return false;
        }
        long waiting = inbox.weightPending();
        long cap = engine.settings().maxInboundBytes();
        if (waiting + size <= cap || waiting == 0 || !inboundCutOff.compareAndSet(false, true)) {
            return !inboundCutOff.get();
        }
        log.warn("closing {} for {}: the application is not keeping up with the client ({} bytes waiting, cap {})",
                scope.path(), clientForLog(), waiting, cap);
        close(CloseFrame.POLICY_VALIDATION, "too much sent: the server is not keeping up");
        return false;
    }

    /**
     * The peer sent a close frame; decoder thread.
     *
     * @param code its close code ({@code 1005} when it gave none)
     */
    void peerClosed(int code) {
        peerCloseCode = code;
    }

    @Override
    void socketClosed(int code, boolean remote) {
        markSocketClosed();
        State previous = state.getAndSet(State.CLOSED);
        if (!disconnectSent.compareAndSet(false, true)) {
            return;
        }
        if (previous == State.OPEN || previous == State.CLOSING && draft.mode() == ServerDraft.Mode.WEBSOCKET) {
            engine.accessLog(scope.client(), "WSDISCONNECT", scope.rawPath(), "", -1, -1);
        }
        int reported = code;
        if (code == CloseFrame.ABNORMAL_CLOSE && peerCloseCode != 0) {
            reported = peerCloseCode; // the peer did send a close frame: that is its code
        } else if (code != CloseFrame.ABNORMAL_CLOSE && localCloseCode != 0) {
            // this side closed first and the close went out: the application's own code, whether the library
            // ended the socket after flushing the frame (its code) or read the peer's answer first (the peer's;
            // a browser echoes ours, the JDK's client answers 1000): which comes first is a race
            reported = localCloseCode;
        }
        inbox.put(Events.websocketDisconnect(reported == CloseFrame.NOCODE ? Events.CLOSE_ABNORMAL : reported));
    }

    // ------------------------------------------------------------------ from the application

    @Override
    public void send(Message message) {
        String type = message.type();
        if (type == null) {
            throw new IllegalArgumentException("event without a type: " + message);
        }
        switch (type) {
            case Events.WEBSOCKET_ACCEPT -> accept(message.getString("subprotocol"),
                    Headers.fromPairs(message.getList("headers")));
            case Events.WEBSOCKET_SEND -> sendData(message);
            case Events.WEBSOCKET_CLOSE -> close(message.getInt("code", Events.CLOSE_NORMAL), message.getString("reason"));
            default -> throw new IllegalArgumentException("a websocket application cannot send '" + type + "'");
        }
    }

    private void accept(String subprotocol, Headers headers) {
        synchronized (sendLock) {
            State current = state.get();
            if (current != State.CONNECTING) {
                if (current == State.CLOSED) {
                    return; // the client went away while the application decided
                }
                throw new IllegalStateException("websocket.accept on a connection that is already "
                        + current.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (subprotocol != null && !scope.subprotocols().contains(subprotocol)) {
                throw new IllegalArgumentException("subprotocol '" + subprotocol
                        + "' was not offered by the client; offered: " + scope.subprotocols());
            }
            String[] extra = subprotocol == null
                    ? new String[] {"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", acceptKey()}
                    : new String[] {"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", acceptKey(),
                            "Sec-WebSocket-Protocol", subprotocol};
            byte[] response = HttpResponses.head(101, headers, engine.settings().serverName(), extra);
            if (!state.compareAndSet(State.CONNECTING, State.OPEN)) {
                return;
            }
            if (writeRaw(response)) {
                engine.accessLog(scope.client(), "WSCONNECT", scope.rawPath(), "", -1, -1);
            }
            draft.switchToWebsocket(socket); // after the 101: frames the client sent early follow it
        }
    }

    /** The Sec-WebSocket-Accept value; called once, under {@link #sendLock}, and forgets the key. */
    private String acceptKey() {
        String accept = Sha1.websocketAccept(secWebsocketKey);
        secWebsocketKey = null;
        return accept;
    }

    private void sendData(Message message) {
        String text = message.getString("text");
        byte[] bytes = text == null ? message.getBytes("bytes") : null;
        if ((text == null) == (bytes == null)) {
            throw new IllegalArgumentException("websocket.send needs exactly one of 'text' and 'bytes': " + message);
        }
        // Encoded once: the size for the outbound cap is exact and the frame reuses the bytes
        byte[] utf8 = text != null ? text.getBytes(StandardCharsets.UTF_8) : null;
        long size = (utf8 != null ? utf8.length : bytes.length) + 14;
        synchronized (sendLock) {
            switch (state.get()) {
                case CONNECTING -> throw new IllegalStateException(
                        "websocket.send before websocket.accept on " + scope.path());
                case CLOSING, CLOSED -> {
                    log.debug("dropped a frame for {}: the connection is closing", scope.path());
                    return;
                }
                default -> {
                }
            }
            if (!reserveOutbound(size)) {
                return;
            }
            try {
                if (utf8 != null) {
                    socket.sendFrame(((ServerDraft) socket.getDraft()).textFrame(utf8));
                } else {
                    socket.send(bytes);
                }
            } catch (WebsocketNotConnectedException e) {
                log.debug("dropped a frame for {}: the socket is closed", scope.path());
            }
        }
    }

    /**
     * Counts a send against the outbound cap; cuts a client off that stopped reading. Any thread;
     * takes no lock.
     *
     * @param size the bytes about to be queued
     * @return false if the client was cut off instead
     */
    private boolean reserveOutbound(long size) {
        if (cutOff.get()) {
            return false;
        }
        long cap = engine.settings().maxOutboundBytes();
        if (queuedEstimate.addAndGet(size) <= cap) {
            return true;
        }
        long queued = queuedBytes(); // the estimate only grows: recount what is really queued
        queuedEstimate.set(queued + size);
        if (queued + size <= cap || queued == 0) {
            return true; // a client that keeps up may get one message larger than the cap
        }
        if (!cutOff.compareAndSet(false, true)) {
            return false;
        }
        log.warn("closing {} for {}: the client is not reading ({} bytes queued, cap {})", scope.path(),
                clientForLog(), queued, cap);
        state.compareAndSet(State.OPEN, State.CLOSING);
        socket.closeConnection(CloseFrame.POLICY_VALIDATION, "outbound buffer over its cap: the client is not reading");
        return false;
    }

    /**
     * The client sent a ping; decoder thread (or the application's, for pings sent before the
     * accept). Pongs count against the outbound cap like any send: a client that floods pings
     * without reading the pongs is cut off (1008) instead of growing the queue without bound.
     *
     * @param payloadSize the ping's payload size
     * @return true to answer with a pong
     */
    boolean reservePong(int payloadSize) {
        return reserveOutbound(payloadSize + 2L);
    }

    private void close(int code, String reason) {
        synchronized (sendLock) {
            if (state.compareAndSet(State.CONNECTING, State.CLOSING)) {
                engine.accessLog(scope.client(), "WSREJECT", scope.rawPath(), "", -1, -1);
                writeRaw(HttpResponses.simple(403, "Forbidden", engine.settings().serverName(), false));
                socket.close();
                return;
            }
            if (!state.compareAndSet(State.OPEN, State.CLOSING)) {
                return;
            }
            closingSinceNanos = System.nanoTime();
            if (peerCloseCode == 0) {
                localCloseCode = code; // else the peer closed first: its code stands
            }
            socket.close(code, reason == null ? "" : truncateReason(reason));
        }
    }

    private static String truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return reason;
        }
        return new String(bytes, 0, 123, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    void applicationReturned(Throwable failure) {
        if (failure instanceof NoRouteFoundException) {
            log.info("no route for websocket {} (client {}): answering 404", scope.path(), clientForLog());
        } else if (failure != null && !(failure instanceof InterruptedException && isSocketClosed())) {
            log.error("Exception inside application for websocket {} (client {})", scope.path(), clientForLog(), failure);
        }
        switch (state.get()) {
            case CONNECTING -> {
                synchronized (sendLock) {
                    if (!state.compareAndSet(State.CONNECTING, State.CLOSING)) {
                        return;
                    }
                    engine.accessLog(scope.client(), "WSREJECT", scope.rawPath(), "", -1, -1);
                    int status = failure == null ? 403 : failure instanceof NoRouteFoundException ? 404 : 500;
                    writeRaw(HttpResponses.simple(status, HttpResponses.reason(status), engine.settings().serverName(), false));
                    socket.close();
                }
            }
            case OPEN -> close(failure == null ? Events.CLOSE_NORMAL : Events.CLOSE_INTERNAL_ERROR, null);
            default -> {
            }
        }
    }

    @Override
    void sweep(long now) {
        super.sweep(now);
        ServerSettings settings = engine.settings();
        switch (state.get()) {
            case CONNECTING -> {
                if (now - openedNanos > settings.connectTimeout().toNanos()) {
                    log.info("websocket {} rejected: the application did not accept within {}", scope.path(),
                            settings.connectTimeout());
                    close(Events.CLOSE_NORMAL, null);
                }
            }
            case OPEN -> sweepOpen(now, settings);
            case CLOSING -> {
                long since = closingSinceNanos;
                if (since != 0 && now - since > settings.pingTimeout().toNanos()) {
                    socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "close handshake timed out");
                }
            }
            default -> {
            }
        }
    }

    private void sweepOpen(long now, ServerSettings settings) {
        if (!settings.websocketTimeout().isNegative()
                && now - openedNanos > settings.websocketTimeout().toNanos()) {
            close(Events.CLOSE_NORMAL, "websocket timeout");
            return;
        }
        long lastInbound = draft.lastInboundNanos();
        long pingSent = pingSentNanos;
        if (pingSent != 0 && lastInbound < pingSent) {
            if (now - pingSent > settings.pingTimeout().toNanos()) {
                log.info("dropping {} for {}: no answer to a ping within {}", scope.path(), clientForLog(),
                        settings.pingTimeout());
                socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "ping timeout");
            }
            return;
        }
        if (now - lastInbound > settings.pingInterval().toNanos()) {
            pingSentNanos = now;
            try {
                socket.sendPing();
            } catch (RuntimeException e) {
                log.debug("ping to {} failed", clientForLog(), e);
            }
        }
    }

    /** @return the offered subprotocols of a handshake's header values */
    static List<String> parseSubprotocols(List<String> values) {
        if (values.isEmpty()) {
            return List.of(); // most clients offer none: no stream pipeline per connection
        }
        List<String> offered = new java.util.ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return List.copyOf(offered);
    }
}

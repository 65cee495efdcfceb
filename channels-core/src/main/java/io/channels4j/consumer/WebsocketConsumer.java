package io.channels4j.consumer;

import io.channels4j.AcceptConnection;
import io.channels4j.DenyConnection;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.StopConsumer;
import io.channels4j.layer.ChannelLayer;

import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket consumer, Channels' {@code WebsocketConsumer}: override {@link #connect()},
 * {@link #receive(String)} / {@link #receive(byte[])} and {@link #disconnect(int)}; call
 * {@link #accept()}, {@link #send(String)} and {@link #close()}.
 *
 * <pre>{@code
 * public class EchoConsumer extends WebsocketConsumer {
 *     @Override public void receive(String text) { send(text); }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> On {@code websocket.connect} the consumer joins every group of
 * {@link #groups()}, then runs {@link #connect()}, which accepts by default; throwing
 * {@link DenyConnection} from it rejects the handshake (HTTP 403), {@link AcceptConnection}
 * accepts. {@link #disconnect(int)} runs <em>exactly once</em> on every close path: the client
 * closes, the server or the consumer closes (once the server reports the socket closed), or a
 * handler throws (then the socket is closed with 1011 and the consumer ends with the exception).
 * After {@code disconnect} the groups of {@link #groups()} are left and the consumer stops.
 *
 * <p><b>Threading.</b> Every method here runs on, and must be called from, the connection's own
 * consumer thread, one event at a time (see {@link Consumer}).
 */
public abstract class WebsocketConsumer extends Consumer {

    private static final Logger log = LoggerFactory.getLogger(WebsocketConsumer.class);

    private boolean connectSeen;
    private boolean accepted;
    private boolean closed;
    private boolean disconnected;

    /** Creates the consumer. */
    protected WebsocketConsumer() {
    }

    /**
     * Groups this consumer joins before {@link #connect()} and leaves after
     * {@link #disconnect(int)}; Channels' {@code groups} attribute. Needs a channel layer.
     *
     * @return the group names; none by default
     */
    protected List<String> groups() {
        return List.of();
    }

    // ------------------------------------------------------------------ hooks to override

    /**
     * Called when the client opens the handshake. Accepts by default; call {@link #accept()},
     * {@link #close()} or throw {@link DenyConnection} / {@link AcceptConnection}.
     */
    public void connect() {
        accept();
    }

    /**
     * Called for each text frame. Does nothing by default.
     *
     * @param text the frame's text
     */
    public void receive(String text) {
    }

    /**
     * Called for each binary frame. Does nothing by default.
     *
     * @param bytes the frame's bytes
     */
    public void receive(byte[] bytes) {
    }

    /**
     * Called exactly once when the connection is gone; do not send from here.
     *
     * @param code the close code (1000 normal, 1006 abnormal drop, 1011 after a handler error)
     */
    public void disconnect(int code) {
    }

    // ------------------------------------------------------------------ actions

    /** Accepts the handshake with no subprotocol. */
    public void accept() {
        accept(null, null);
    }

    /**
     * Accepts the handshake with a subprotocol.
     *
     * @param subprotocol one of {@code scope().subprotocols()}, or null for none
     */
    public void accept(String subprotocol) {
        accept(subprotocol, null);
    }

    /**
     * Accepts the handshake with a subprotocol and extra response headers.
     *
     * @param subprotocol one of {@code scope().subprotocols()}, or null for none
     * @param headers     extra headers for the 101 response, or null
     * @throws IllegalStateException if already accepted or closed
     */
    public void accept(String subprotocol, Headers headers) {
        if (accepted || closed) {
            throw new IllegalStateException("cannot accept: the connection is already "
                    + (closed ? "closed" : "accepted"));
        }
        sendEvent(Events.websocketAccept(subprotocol, headers));
        accepted = true;
    }

    /**
     * Sends a text frame.
     *
     * @param text the text
     * @throws IllegalStateException if the connection has not been accepted
     */
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        if (writable()) {
            sendEvent(Events.websocketText(Events.WEBSOCKET_SEND, text));
        }
    }

    /**
     * Sends a binary frame.
     *
     * @param bytes the bytes
     * @throws IllegalStateException if the connection has not been accepted
     */
    public void send(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (writable()) {
            sendEvent(Events.websocketBytes(Events.WEBSOCKET_SEND, bytes));
        }
    }

    /**
     * Sends a text frame, then closes with 1000 (Channels' {@code send(text, close=True)}).
     *
     * @param text the text
     */
    public void sendAndClose(String text) {
        send(text);
        close();
    }

    /**
     * Sends a text frame, then closes with the given code.
     *
     * @param text the text
     * @param code the close code
     */
    public void sendAndClose(String text, int code) {
        send(text);
        close(code);
    }

    /** Closes the connection with 1000; before accept, rejects the handshake (HTTP 403). */
    public void close() {
        close(Events.CLOSE_NORMAL, null);
    }

    /**
     * Closes the connection with a code.
     *
     * @param code the close code, 1000 or 3000..4999 for applications
     */
    public void close(int code) {
        close(code, null);
    }

    /**
     * Closes the connection with a code and a reason. Closing twice is a no-op.
     * {@link #disconnect(int)} follows once the server reports the socket closed.
     *
     * @param code   the close code
     * @param reason the reason (at most 123 UTF-8 bytes on the wire), or null
     */
    public void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        sendEvent(Events.websocketClose(code, reason));
    }

    /** @return true once the handshake has been accepted */
    public final boolean isAccepted() {
        return accepted;
    }

    /** @return true once {@link #close} has been called (or the connection is gone) */
    public final boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ protocol handlers

    /**
     * Handles {@code websocket.connect}: joins {@link #groups()}, then runs {@link #connect()}.
     *
     * @param event the event
     */
    public void websocketConnect(Message event) {
        connectSeen = true;
        List<String> groups = groups();
        if (!groups.isEmpty()) {
            ChannelLayer layer = channelLayer();
            for (String group : groups) {
                layer.groupAdd(group, channelName());
            }
        }
        try {
            connect();
        } catch (AcceptConnection e) {
            if (!accepted) {
                accept();
            }
        } catch (DenyConnection e) {
            log.debug("connection to {} denied: {}", scope().path(), e.getMessage());
            close();
        }
    }

    /**
     * Handles {@code websocket.receive}: calls {@link #receive(String)} or {@link #receive(byte[])}.
     *
     * @param event the event
     */
    public void websocketReceive(Message event) {
        String text = event.getString("text");
        if (text != null) {
            receive(text);
            return;
        }
        byte[] bytes = event.getBytes("bytes");
        if (bytes != null) {
            receive(bytes);
            return;
        }
        throw new IllegalArgumentException("websocket.receive without 'text' or 'bytes': " + event);
    }

    /**
     * Handles {@code websocket.disconnect}: runs {@link #disconnect(int)} (once), leaves the
     * groups, and stops the consumer.
     *
     * @param event the event
     */
    public void websocketDisconnect(Message event) {
        runDisconnect(event.getInt("code", Events.CLOSE_ABNORMAL));
        throw new StopConsumer();
    }

    @Override
    protected void onExit(Throwable failure) {
        if (!connectSeen || disconnected) {
            return;
        }
        // The loop ended without a websocket.disconnect: a handler failed, stopped the consumer,
        // or the thread was interrupted. Close the socket if it is open, then still run
        // disconnect exactly once.
        boolean interrupted = failure instanceof InterruptedException;
        int code = failure == null ? Events.CLOSE_NORMAL
                : interrupted ? Events.CLOSE_ABNORMAL : Events.CLOSE_INTERNAL_ERROR;
        if (!interrupted && accepted && !closed) {
            try {
                close(code, null);
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
        closed = true;
        try {
            runDisconnect(code);
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private void runDisconnect(int code) {
        if (disconnected) {
            return;
        }
        disconnected = true;
        closed = true;
        try {
            disconnect(code);
        } finally {
            List<String> groups = groups();
            if (!groups.isEmpty() && hasChannelLayer()) {
                for (String group : groups) {
                    channelLayer().groupDiscard(group, channelName());
                }
            }
        }
    }

    private boolean writable() {
        if (closed) {
            log.debug("dropped a frame for {}: the connection is closed", scope().path());
            return false;
        }
        if (!accepted) {
            throw new IllegalStateException("cannot send on " + scope().path()
                    + " before the connection is accepted: call accept() first");
        }
        return true;
    }
}

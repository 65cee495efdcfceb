package io.channels4j;

/**
 * Thrown from {@code WebsocketConsumer.connect()} to reject the handshake: the consumer sends
 * {@code websocket.close} and the server answers the handshake with HTTP 403.
 *
 * <p>Control flow, not an error: it carries no stack trace.
 */
public class DenyConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Rejects the connection. */
    public DenyConnection() {
        this("connection denied");
    }

    /**
     * Rejects the connection, with a reason for logs.
     *
     * @param reason why
     */
    public DenyConnection(String reason) {
        super(reason, null, false, false);
    }
}

package io.channels4j;

/**
 * Thrown from {@code WebsocketConsumer.connect()} to accept the handshake and leave
 * {@code connect()} at once, as in Channels.
 *
 * <p>Control flow, not an error: it carries no stack trace.
 */
public class AcceptConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Accepts the connection. */
    public AcceptConnection() {
        super("connection accepted", null, false, false);
    }
}

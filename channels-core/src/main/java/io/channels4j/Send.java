package io.channels4j;

/**
 * The application's side of the event stream to the client: ASGI's {@code send}.
 *
 * <p>Implementations are thread-safe and do not block for long: the server counts outbound bytes
 * per connection and closes a client that stops reading instead of blocking the sender.
 */
@FunctionalInterface
public interface Send {

    /**
     * Emits one event for the client, such as {@code websocket.accept} or {@code websocket.send}.
     *
     * @param message the event; its {@code type} must be one the protocol knows
     * @throws IllegalStateException if the event is not valid in the connection's current state
     *                               (for example {@code websocket.send} before accept)
     */
    void send(Message message);
}

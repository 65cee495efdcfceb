package io.channels4j;

/**
 * The application's side of the event stream from the client: ASGI's {@code receive}.
 *
 * <p>Called only by the application's own thread. {@link #receive()} blocks until the next event
 * is available. Once the connection is gone, the last event an application sees is its
 * disconnect event ({@code websocket.disconnect} or {@code http.disconnect}).
 */
@FunctionalInterface
public interface Receive {

    /**
     * Waits for and returns the next event.
     *
     * @return the next event, never {@code null}
     * @throws InterruptedException if the application's thread is interrupted while waiting (the
     *                              server does this when it gives up on an application that
     *                              outlives its connection)
     */
    Message receive() throws InterruptedException;
}

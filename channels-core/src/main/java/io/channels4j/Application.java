package io.channels4j;

/**
 * The unit everything in channels4j is built from, Channels' ASGI application: routers, middleware
 * and consumers are all {@code Application}s, and wrap one another.
 *
 * <p>A protocol server (or a test communicator) calls {@link #run} once per connection, on a
 * thread of its own (a virtual thread in {@code channels-server}). The call lasts as long as the
 * connection: the application pulls events with {@link Receive#receive()} and emits events with
 * {@link Send#send(Message)}, and returns when it is done. Blocking inside {@code run} is expected
 * and cheap.
 *
 * <p>An {@code Application} instance is shared by every connection: keep per-connection state in
 * local variables or in a per-connection object such as a {@link io.channels4j.consumer.Consumer}
 * (see {@link io.channels4j.consumer.Consumer#asApplication}).
 */
@FunctionalInterface
public interface Application {

    /**
     * Runs this application for one connection.
     *
     * @param scope   what is known about the connection; immutable
     * @param receive the source of events from the client (and the server)
     * @param send    where events for the client go
     * @throws Exception anything the application does not handle; the server logs it and turns it
     *                   into an error response (500, or close code 1011 after a WebSocket accept)
     */
    void run(Scope scope, Receive receive, Send send) throws Exception;
}

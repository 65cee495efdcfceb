package io.channels4j;

/**
 * An application that can leave its thread while it waits for its next event, and go on, on a new
 * thread, when the event arrives. Every {@link io.channels4j.consumer.Consumer} application is one.
 *
 * <p>Why: a connection's application spends most of its life waiting. Run with {@link #run}, it
 * waits parked in {@link Receive#receive()}, and the parked thread keeps its stack (about 2.5 KB in
 * the heap for a virtual thread) for as long as the connection is open. Started with
 * {@link #start}, it keeps only its own objects: a server that holds many quiet connections (chat,
 * notifications, dashboards) holds much less memory per connection. Handlers still run one at a
 * time, in arrival order, each running to its end on one thread; a handler may block as before.
 *
 * <p>Who calls what: a protocol server calls {@link #start} instead of {@link #run} when this
 * application serves the connection directly, i.e. when the routers and middleware in front of it
 * only handed the connection on ({@link Delegating}) and it receives from the server's own
 * {@link Inbox}. Anything else (a middleware whose {@code run} wraps the call and must return only
 * when the connection ends, a receive wrapped by a middleware, a test communicator) calls
 * {@link #run}, which blocks for the whole connection as any application's does.
 */
public interface Resumable extends Application {

    /**
     * Starts this application for one connection, on the calling thread. Returns once it has
     * finished, or once it waits for an event with none queued: it then leaves an
     * {@link Inbox.Step} with {@code inbox}, which {@code launcher} runs on a new thread when the
     * next event arrives, and which reports the application's end the same way.
     *
     * @param scope    the connection's scope
     * @param inbox    the server's inbox for this connection: where events come from
     * @param send     where events for the client go
     * @param launcher runs the rest of the application on a new thread; must not block
     * @return true if the application finished; false if it stepped off its thread
     * @throws Exception what the application threw; it has finished
     */
    boolean start(Scope scope, Inbox inbox, Send send, Inbox.Launcher launcher) throws Exception;
}

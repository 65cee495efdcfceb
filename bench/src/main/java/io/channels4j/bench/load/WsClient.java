package io.channels4j.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client transport of the load generator: opens client connections and delivers their
 * text frames to a {@link Listener}. Implementations: {@link NioWsClient} (a few selector threads
 * for any number of connections; the default), {@link JdkWsClient} ({@code java.net.http}) and
 * {@link JwsClient} (Java-WebSocket's client, two threads per connection), kept to compare what each
 * costs per message.
 *
 * <p>Threading: {@link #connect} may be called from any thread. A connection's listener methods are
 * called one at a time (never concurrently for one connection), on the transport's threads; they
 * must not block. {@link Connection#sendText} may be called from any thread, including from inside
 * a listener method. Lifecycle: create, connect any number of times, {@link #close()} once (closes
 * every connection still open and stops the transport's threads).
 */
interface WsClient extends AutoCloseable {

    /**
     * Opens a connection and performs the opening handshake.
     *
     * @param server   the server's address
     * @param local    the local address to bind before connecting, or null for any
     * @param path     the request path, e.g. {@code /ws/chat/lobby/}
     * @param origin   the {@code Origin} header, e.g. {@code http://127.0.0.1:8000}
     * @param listener receives the connection's frames
     * @return completes with the open connection, or exceptionally when the connection or the
     *         handshake fails (a non-101 answer names its status line)
     */
    CompletableFuture<Connection> connect(InetSocketAddress server, InetAddress local, String path, String origin,
            Listener listener);

    /** Closes every connection and stops the transport's threads; waits a bounded time for them. */
    @Override
    void close();

    /** @return the transport's name as given to {@code --client} */
    String name();

    /** An open client connection. */
    interface Connection {
        /**
         * Queues a text frame; returns without waiting for the network. Frames go out in the order
         * of the calls (callers that call from several threads order the calls themselves).
         *
         * @param utf8   the frame's payload, UTF-8 (copied or written before this returns)
         * @param length how many bytes of {@code utf8} to send
         */
        void sendText(byte[] utf8, int length);

        /** Sends a close frame (1000) and closes the socket; idempotent. */
        void close();
    }

    /** Receives one connection's events, one at a time. */
    interface Listener {
        /**
         * A whole text message arrived, as UTF-8 bytes (transports that read bytes use this one).
         *
         * @param utf8 the payload between its position and limit; valid only during the call
         */
        void onText(ByteBuffer utf8);

        /**
         * A whole text message arrived, as characters (transports that decode use this one).
         *
         * @param text the payload; valid only during the call
         */
        void onText(CharSequence text);

        /**
         * The connection closed (close frame, end of stream or error), after it was open.
         *
         * @param code the close code, 1006 when there was no close frame
         */
        void onClose(int code);
    }
}

package io.channels4j.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

import org.java_websocket.SocketChannelIOHelper;
import org.java_websocket.WebSocketImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a plain (not TLS) connection has sent and decodes it on the selector thread.
 *
 * <p>Java-WebSocket 1.6.0 reads on the selector thread, then queues the bytes for one of its
 * decoder threads, which parses the request head or the frames and calls the server back
 * ({@code WebSocketServer.doRead}, {@code WebSocketWorker}). That hand-over is a thread wake-up per
 * message received, and a second one follows when the message reaches the consumer's thread. The
 * decoding itself is short and never blocks in this server (parse, then a non-blocking hand-over
 * to the connection's inbox), so the selector does it at once. One connection's bytes are still
 * decoded in order, by one thread, as before (the library pins a connection to one decoder).
 * TLS connections keep the library's path: their reads may need more reads and writes to unwrap.
 *
 * <p>{@code WebSocketImpl.decode} copies what it keeps (a partial request head, a partial frame,
 * every payload), so one read buffer serves every connection; the library returns its buffers
 * to a pool right after decoding too.
 *
 * <p>Threading: one instance per selector loop, used by its thread only.
 */
final class InlineReads {

    private static final Logger log = LoggerFactory.getLogger(InlineReads.class);

    private final ByteBuffer buffer;

    /** @param buffer the read buffer, of the library's size ({@code WebSocketServer.createBuffer}) */
    InlineReads(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * Reads once and decodes what came.
     *
     * @param socket  the connection
     * @param channel its plain socket channel
     * @throws IOException from the read; the end of the stream is not one (the connection is told,
     *                     as the library does)
     */
    void read(WebSocketImpl socket, ByteChannel channel) throws IOException {
        if (!SocketChannelIOHelper.read(buffer, socket, channel) || !buffer.hasRemaining()) {
            return;
        }
        try {
            socket.decode(buffer);
        } catch (RuntimeException e) {
            // as the library's decoder threads: a failure of one connection's callbacks is logged and the
            // selector goes on with the others
            log.error("Error while reading from remote connection", e);
        }
    }
}

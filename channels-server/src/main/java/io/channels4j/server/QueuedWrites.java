package io.channels4j.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.Role;

/**
 * Writes what is queued for a plain (not TLS) connection, several frames per system call.
 *
 * <p>Java-WebSocket 1.6.0 writes a connection's queue one buffer per {@code write} call
 * ({@code SocketChannelIOHelper.batch}). Every frame a consumer sends is one buffer, and under
 * load the selector finds several queued per connection at each wake-up (in the 1 room × 100
 * clients workload of {@code bench/run}, 200,000 frames were written in fewer than 500 wake-ups):
 * one system call each, and on a loopback or a fast link one TCP segment each, with its own
 * wake-up of the reader. This writes up to {@value #MAX_BUFFERS} queued buffers with one gathering
 * write (at most {@value #MAX_BYTES} bytes, unless the first buffer alone is larger), as Netty
 * and Tomcat do; a connection with one frame queued gets the same single write as
 * before.
 *
 * <p>The rest follows the library's {@code batch}: buffers leave the queue only when fully
 * written, a partial write leaves the rest for the next writable event, and a server connection
 * flagged to close after its last frame ({@code isFlushAndClose}) is closed once the queue is
 * empty. TLS connections keep the library's path, which has its own buffering.
 *
 * <p>Threading: one instance per selector loop, used by its thread only (the array is reused).
 */
final class QueuedWrites {

    /** Buffers per system call; Linux's IOV_MAX is 1024. */
    static final int MAX_BUFFERS = 64;

    /**
     * Bytes per system call beyond the first buffer: the JDK copies every heap buffer of a write
     * into a temporary direct buffer, which the selector thread then keeps cached, and a socket
     * rarely takes more than this at once anyway.
     */
    static final int MAX_BYTES = 256 * 1024;

    private final ByteBuffer[] batch = new ByteBuffer[MAX_BUFFERS];

    /**
     * Writes the connection's queue until it is empty or the socket takes no more.
     *
     * @param socket the connection, whose queue other threads append to meanwhile
     * @param channel its channel, the plain socket
     * @return true when the queue was found empty (the caller drops write interest), false when
     *         the socket's buffer is full and bytes remain
     * @throws IOException from the write
     */
    boolean flush(WebSocketImpl socket, GatheringByteChannel channel) throws IOException {
        BlockingQueue<ByteBuffer> queue = socket.outQueue;
        try {
            while (true) {
                int count = 0;
                long bytes = 0;
                // only this thread removes from the queue, so what the iterator returns stays at its head
                for (Iterator<ByteBuffer> it = queue.iterator(); it.hasNext() && count < MAX_BUFFERS; ) {
                    ByteBuffer next = it.next();
                    if (count > 0 && bytes + next.remaining() > MAX_BYTES) {
                        break;
                    }
                    batch[count++] = next;
                    bytes += next.remaining();
                }
                if (count == 0) {
                    break;
                }
                if (count == 1) {
                    channel.write(batch[0]);
                } else {
                    channel.write(batch, 0, count);
                }
                for (int i = 0; i < count; i++) {
                    if (batch[i].hasRemaining()) {
                        return false;
                    }
                    queue.poll();
                }
            }
        } finally {
            Arrays.fill(batch, null);
        }
        if (socket.isFlushAndClose()) {
            Draft draft = socket.getDraft();
            if (draft != null && draft.getRole() == Role.SERVER) {
                socket.closeConnection();
            }
        }
        return true;
    }
}

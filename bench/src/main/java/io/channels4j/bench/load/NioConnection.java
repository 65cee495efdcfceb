package io.channels4j.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One client WebSocket of {@link NioWsClient}: connect, the opening handshake, frames in and out.
 * Frames from the server are parsed in place in the loop's shared read buffer (only a partial frame
 * left at the end of a read is copied aside); frames to the server are masked into a per-connection
 * output buffer, allocated on the first send and written once per read event (several replies
 * produced while handling one read go out in one write).
 *
 * <p>Threading: {@link #sendText} and {@link #close} from any thread (they hop to the loop);
 * everything else on the owning loop's thread. Limits: a frame from the server must fit the loop's
 * read buffer ({@value NioLoop#READ_BUFFER_BYTES} bytes); fragmented text messages are reassembled.
 */
final class NioConnection implements WsClient.Connection {

    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSED }

    private final NioLoop loop;
    private final InetSocketAddress server;
    private final InetAddress local;
    private final WsHandshake handshake;
    private final WsClient.Listener listener;
    private final CompletableFuture<WsClient.Connection> opened = new CompletableFuture<>();
    private final Queue<byte[]> outbox = new ConcurrentLinkedQueue<>();

    private State state = State.CONNECTING;
    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer out;              // write mode: bytes [0, position) wait to be written
    private byte[] leftover;             // a partial frame from the last read
    private byte[] fragments;            // a fragmented text message being reassembled
    private int fragmentsLength;
    private boolean inRead;

    NioConnection(NioLoop loop, InetSocketAddress server, InetAddress local, String path, String origin,
            WsClient.Listener listener) {
        this.loop = loop;
        this.server = server;
        this.local = local;
        this.handshake = WsHandshake.of(server.getHostString() + ":" + server.getPort(), path, origin);
        this.listener = listener;
        opened.whenComplete((connection, error) -> {
            if (error != null) {
                loop.execute(() -> abort("connect failed: " + error));
            }
        });
    }

    CompletableFuture<WsClient.Connection> opened() {
        return opened;
    }

    /** Opens the socket; on the loop thread. */
    void start() {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (local != null) {
                channel.bind(new InetSocketAddress(local, 0));
            }
            loop.register(this);
            if (channel.connect(server)) {
                key = channel.register(loop.selector(), 0, this);
                onConnected();
            } else {
                key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
        }
    }

    /**
     * {@inheritDoc} Frames keep the order of the calls, whichever threads make them (calls from
     * other threads wait in the outbox, which the loop empties before any later frame).
     */
    @Override
    public void sendText(byte[] utf8, int length) {
        if (loop.inLoop()) {
            drainOutbox();
            send(OP_TEXT, utf8, length);
        } else {
            outbox.add(Arrays.copyOf(utf8, length));
            loop.execute(this::drainOutbox);
        }
    }

    private void drainOutbox() {
        byte[] frame;
        while ((frame = outbox.poll()) != null) {
            send(OP_TEXT, frame, frame.length);
        }
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (state == State.OPEN) {
                byte[] code = {(byte) (1000 >> 8), (byte) (1000 & 0xff)};
                appendFrame(OP_CLOSE, code, code.length);
                flush();
            }
            closeChannel();
        });
    }

    /** Closes without a close frame; completes the open future exceptionally if still pending. */
    void abort(String reason) {
        if (state != State.CLOSED) {
            fail(reason);
        }
    }

    void onReady(SelectionKey readyKey) {
        try {
            if (readyKey.isConnectable()) {
                if (channel.finishConnect()) {
                    onConnected();
                }
                return;
            }
            if (readyKey.isWritable()) {
                flush();
            }
            if (readyKey.isValid() && readyKey.isReadable()) {
                onReadable();
            }
        } catch (IOException | RuntimeException e) {
            if (state == State.OPEN) {
                closeChannel();
                listener.onClose(1006);
            } else {
                fail(e.toString());
            }
        }
    }

    private void onConnected() {
        state = State.HANDSHAKE;
        ensureOut(handshake.request().length);
        out.put(handshake.request());
        key.interestOps(SelectionKey.OP_READ);
        flush();
    }

    private void send(int opcode, byte[] payload, int length) {
        if (state != State.OPEN) {
            return;
        }
        appendFrame(opcode, payload, length);
        if (!inRead) {
            flush();
        }
    }

    private void appendFrame(int opcode, byte[] payload, int length) {
        ensureOut(14 + length);
        out.put((byte) (0x80 | opcode));
        if (length < 126) {
            out.put((byte) (0x80 | length));
        } else if (length < 65536) {
            out.put((byte) (0x80 | 126));
            out.putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127));
            out.putLong(length);
        }
        int mask = loop.nextMask();
        out.putInt(mask);
        byte[] array = out.array();
        int base = out.arrayOffset() + out.position();
        for (int i = 0; i < length; i++) {
            array[base + i] = (byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        out.position(out.position() + length);
    }

    private void ensureOut(int bytes) {
        if (out == null) {
            out = ByteBuffer.allocate(Math.max(1024, Integer.highestOneBit(bytes) << 1));
        } else if (out.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, Integer.highestOneBit(out.position() + bytes) << 1));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
    }

    private void flush() {
        if (out == null || out.position() == 0 || channel == null || !channel.isOpen()) {
            return;
        }
        out.flip();
        try {
            channel.write(out);
        } catch (IOException e) {
            out.clear();
            if (state == State.OPEN) {
                closeChannel();
                listener.onClose(1006);
            } else {
                fail(e.toString());
            }
            return;
        }
        out.compact();
        if (key != null && key.isValid()) {
            int ops = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }
    }

    private void onReadable() throws IOException {
        ByteBuffer buffer = loop.readBuffer;
        buffer.clear();
        if (leftover != null) {
            buffer.put(leftover);
            leftover = null;
        }
        int read = channel.read(buffer);
        if (read < 0) {
            if (state == State.OPEN) {
                closeChannel();
                listener.onClose(1006);
            } else {
                fail("connection closed during the handshake");
            }
            return;
        }
        buffer.flip();
        inRead = true;
        try {
            if (state == State.HANDSHAKE && !readHead(buffer)) {
                keepLeftover(buffer);
                return;
            }
            while (state == State.OPEN && readFrame(buffer)) {
                // one frame per turn
            }
            if (state == State.OPEN) {
                if (buffer.remaining() == buffer.capacity()) {
                    closeChannel();
                    listener.onClose(1009);
                    return;
                }
                keepLeftover(buffer);
            }
        } finally {
            inRead = false;
        }
        flush();
    }

    private void keepLeftover(ByteBuffer buffer) {
        if (buffer.hasRemaining()) {
            leftover = new byte[buffer.remaining()];
            buffer.get(leftover);
        }
    }

    /** @return true once the response head has been read and accepted */
    private boolean readHead(ByteBuffer buffer) {
        int start = buffer.position();
        int end = -1;
        for (int i = start; i + 3 < buffer.limit(); i++) {
            if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n' && buffer.get(i + 2) == '\r' && buffer.get(i + 3) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (buffer.remaining() > MAX_HEAD_BYTES) {
                fail("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return false;
        }
        byte[] head = new byte[end - start];
        buffer.get(head);
        buffer.position(end + 4);
        String problem = handshake.check(new String(head, StandardCharsets.ISO_8859_1));
        if (problem != null) {
            fail(problem);
            return false;
        }
        state = State.OPEN;
        opened.complete(this);
        return true;
    }

    /** @return true when a whole frame was consumed */
    private boolean readFrame(ByteBuffer buffer) {
        int p = buffer.position();
        int available = buffer.remaining();
        if (available < 2) {
            return false;
        }
        int b0 = buffer.get(p) & 0xff;
        int b1 = buffer.get(p + 1) & 0xff;
        long length = b1 & 0x7f;
        int header = 2;
        if (length == 126) {
            if (available < 4) {
                return false;
            }
            length = buffer.getShort(p + 2) & 0xffff;
            header = 4;
        } else if (length == 127) {
            if (available < 10) {
                return false;
            }
            length = buffer.getLong(p + 2);
            header = 10;
        }
        boolean masked = (b1 & 0x80) != 0;
        if (masked) {
            header += 4;
        }
        if (length < 0 || length > NioLoop.READ_BUFFER_BYTES - header) {
            closeChannel();
            listener.onClose(1009);
            return false;
        }
        if (available < header + length) {
            return false;
        }
        int start = p + header;
        int end = start + (int) length;
        if (masked) {
            int mask = buffer.getInt(start - 4);
            for (int i = 0; i < length; i++) {
                buffer.put(start + i, (byte) (buffer.get(start + i) ^ (mask >>> (24 - 8 * (i & 3)))));
            }
        }
        buffer.position(end);
        onFrame((b0 & 0x80) != 0, b0 & 0x0f, start, end);
        return true;
    }

    private void onFrame(boolean fin, int opcode, int start, int end) {
        ByteBuffer view = loop.payloadView;
        switch (opcode) {
            case OP_TEXT -> {
                if (fin) {
                    view.limit(end).position(start);
                    listener.onText(view);
                } else {
                    fragmentsLength = 0;
                    appendFragment(start, end);
                }
            }
            case OP_CONTINUATION -> {
                if (fragments == null) {
                    return; // continuation of a binary message: ignored
                }
                appendFragment(start, end);
                if (fin) {
                    ByteBuffer whole = ByteBuffer.wrap(fragments, 0, fragmentsLength);
                    fragments = null;
                    listener.onText(whole);
                }
            }
            case OP_BINARY -> {
                // the chat protocol has no binary frames
            }
            case OP_CLOSE -> {
                int code = end - start >= 2 ? loop.readBuffer.getShort(start) & 0xffff : 1005;
                byte[] reply = {(byte) (code >> 8), (byte) code};
                appendFrame(OP_CLOSE, reply, end - start >= 2 ? 2 : 0);
                flush();
                closeChannel();
                listener.onClose(code);
            }
            case OP_PING -> {
                byte[] payload = new byte[end - start];
                loop.readBuffer.get(start, payload);
                appendFrame(0xA, payload, payload.length);
            }
            default -> {
                // pong or reserved: ignored
            }
        }
    }

    private void appendFragment(int start, int end) {
        int length = end - start;
        if (fragments == null) {
            fragments = new byte[Math.max(1024, length * 2)];
        } else if (fragments.length < fragmentsLength + length) {
            fragments = Arrays.copyOf(fragments, Math.max(fragments.length * 2, fragmentsLength + length));
        }
        loop.readBuffer.get(start, fragments, fragmentsLength, length);
        fragmentsLength += length;
    }

    private void fail(String reason) {
        closeChannel();
        opened.completeExceptionally(new IOException(reason));
    }

    private void closeChannel() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        loop.unregister(this);
        out = null;
        leftover = null;
        fragments = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a socket we no longer use: nothing to do
            }
        }
    }
}

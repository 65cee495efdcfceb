package io.channels4j.server;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The selector's own read and decode of a plain connection: callbacks on the reading thread, in order. */
class InlineReadsTest {

    private static final String HEAD = "GET /ws/ HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final InlineReads reads = new InlineReads(ByteBuffer.allocate(64));
    private volatile boolean failOnMessage;

    @Test
    void read_decodesTheHeadAndTheFramesOnTheCallingThread_inOrder_acrossReadsSmallerThanAFrame() throws Exception {
        WebSocketImpl socket = socket();
        ScriptedChannel channel = new ScriptedChannel();
        channel.chunks.add(HEAD.getBytes(StandardCharsets.ISO_8859_1));
        byte[] frames = concat(maskedText("first"), maskedText("a second message, longer than the 64-byte read buffer by some"));
        for (int i = 0; i < frames.length; i += 50) {
            channel.chunks.add(java.util.Arrays.copyOfRange(frames, i, Math.min(frames.length, i + 50)));
        }

        drain(socket, channel);

        String thread = Thread.currentThread().getName();
        assertThat(events).containsExactly("open on " + thread, "text first on " + thread,
                "text a second message, longer than the 64-byte read buffer by some on " + thread);
    }

    @Test
    void read_aCallbackThatThrows_doesNotReachTheSelector_andTheNextMessageIsStillDecoded() throws Exception {
        WebSocketImpl socket = socket();
        ScriptedChannel channel = opened(socket);
        failOnMessage = true;
        channel.chunks.add(maskedText("boom"));
        assertThatCode(() -> drain(socket, channel)).doesNotThrowAnyException();
        failOnMessage = false;
        channel.chunks.add(maskedText("after"));
        drain(socket, channel);

        assertThat(events).filteredOn(e -> e.startsWith("text")).hasSize(2).last().asString().startsWith("text after");
    }

    @Test
    void read_endOfStream_tellsTheConnection() throws Exception {
        WebSocketImpl socket = socket();
        ScriptedChannel channel = opened(socket);
        assertThat(events).noneMatch(e -> e.startsWith("close"));

        reads.read(socket, channel); // nothing scripted: end of stream

        assertThat(events).last().asString().startsWith("close 1006");
    }

    /** @return a channel whose request head the socket has read and answered (the connection is open) */
    private ScriptedChannel opened(WebSocketImpl socket) throws Exception {
        ScriptedChannel channel = new ScriptedChannel();
        channel.chunks.add(HEAD.getBytes(StandardCharsets.ISO_8859_1));
        drain(socket, channel);
        assertThat(events).first().asString().startsWith("open");
        return channel;
    }

    /** One read per chunk, as the selector would on each readable event. */
    private void drain(WebSocketImpl socket, ScriptedChannel channel) throws Exception {
        while (!channel.chunks.isEmpty()) {
            reads.read(socket, channel);
        }
    }

    private WebSocketImpl socket() {
        WebSocketListener listener = (WebSocketListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketListener.class}, (proxy, method, args) -> {
                    String on = " on " + Thread.currentThread().getName();
                    switch (method.getName()) {
                        case "onWebsocketHandshakeReceivedAsServer" -> {
                            return new HandshakeImpl1Server();
                        }
                        case "onWebsocketOpen" -> events.add("open" + on);
                        case "onWebsocketMessage" -> {
                            if (failOnMessage) {
                                events.add("text " + args[1] + on);
                                throw new IllegalStateException("callback failure (expected by the test)");
                            }
                            events.add("text " + args[1] + on);
                        }
                        case "onWebsocketClose" -> events.add("close " + args[1] + on);
                        default -> {
                        }
                    }
                    return null;
                });
        return new WebSocketImpl(listener, List.<Draft>of(new Draft_6455()));
    }

    /** A client's text frame, masked as RFC 6455 requires (payloads under 126 bytes). */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Returns the scripted chunks one read at a time (each at most what the buffer takes), then end of stream. */
    private static final class ScriptedChannel extends AlwaysOpenChannel implements ByteChannel {

        final Queue<byte[]> chunks = new ArrayDeque<>();

        @Override
        public int read(ByteBuffer dst) {
            byte[] next = chunks.poll();
            if (next == null) {
                return -1;
            }
            int n = Math.min(next.length, dst.remaining());
            dst.put(next, 0, n);
            if (n < next.length) {
                ((ArrayDeque<byte[]>) chunks).addFirst(java.util.Arrays.copyOfRange(next, n, next.length));
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }
    }
}

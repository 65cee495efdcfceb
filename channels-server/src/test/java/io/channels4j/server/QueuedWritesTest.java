package io.channels4j.server;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection's queued frames, written several per system call, in order, nothing lost on a partial write. */
class QueuedWritesTest {

    private final QueuedWrites writes = new QueuedWrites();
    private WebSocketImpl socket;
    private RecordingChannel channel;

    @BeforeEach
    void setUp() {
        WebSocketListener listener = (WebSocketListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketListener.class}, (proxy, method, args) -> null);
        socket = new WebSocketImpl(listener, List.<Draft>of(new Draft_6455()));
        channel = new RecordingChannel(Long.MAX_VALUE);
    }

    static Stream<Arguments> queues() {
        return Stream.of(
                Arguments.of(1, List.of(1)), // one frame: a plain write, as before
                Arguments.of(5, List.of(5)),
                Arguments.of(QueuedWrites.MAX_BUFFERS + 36, List.of(QueuedWrites.MAX_BUFFERS, 36)));
    }

    @ParameterizedTest(name = "{0} frames: calls of {1}")
    @MethodSource("queues")
    void flush_writesTheQueuedFrames_asFewCallsAsTheBufferCapAllows_inOrder(int frames, List<Integer> calls)
            throws Exception {
        byte[] expected = queueFrames(frames, 80);

        assertThat(writes.flush(socket, channel)).isTrue();

        assertThat(channel.calls).isEqualTo(calls);
        assertThat(channel.written.toByteArray()).isEqualTo(expected);
        assertThat(socket.outQueue).isEmpty();
    }

    @Test
    void flush_largeFrames_stayWithinTheByteCapPerCall_butAFrameLargerThanItIsWrittenWhole() throws Exception {
        queueFrames(1, QueuedWrites.MAX_BYTES * 2);
        queueFrames(3, QueuedWrites.MAX_BYTES / 3 + 1);
        byte[] expected = socketBytes();

        assertThat(writes.flush(socket, channel)).isTrue();

        assertThat(channel.calls).containsExactly(1, 2, 1);
        assertThat(channel.written.toByteArray()).isEqualTo(expected);
    }

    @Test
    void flush_socketBufferFull_keepsWhatWasNotWrittenAtTheHead_andTheNextFlushFinishes() throws Exception {
        byte[] expected = queueFrames(3, 100);
        channel.capacity = 150;

        assertThat(writes.flush(socket, channel)).isFalse();
        assertThat(socket.outQueue).hasSize(2);
        assertThat(socket.outQueue.peek().remaining()).isEqualTo(50);

        channel.capacity = Long.MAX_VALUE;
        assertThat(writes.flush(socket, channel)).isTrue();
        assertThat(channel.written.toByteArray()).isEqualTo(expected);
        assertThat(socket.outQueue).isEmpty();
    }

    @Test
    void flush_socketTakesNothing_leavesTheQueueAsItWas() throws Exception {
        queueFrames(4, 100);
        channel.capacity = 0;

        assertThat(writes.flush(socket, channel)).isFalse();

        assertThat(socket.outQueue).hasSize(4).allSatisfy(b -> assertThat(b.remaining()).isEqualTo(100));
    }

    @Test
    void flush_emptyQueue_writesNothing() throws Exception {
        assertThat(writes.flush(socket, channel)).isTrue();
        assertThat(channel.calls).isEmpty();
    }

    /** Queues {@code count} frames of {@code size} distinct bytes; @return all queued bytes, in order */
    private byte[] queueFrames(int count, int size) {
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[size];
            for (int j = 0; j < size; j++) {
                frame[j] = (byte) (socket.outQueue.size() * 31 + j);
            }
            socket.outQueue.add(ByteBuffer.wrap(frame));
        }
        return socketBytes();
    }

    private byte[] socketBytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuffer buffer : socket.outQueue) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            all.writeBytes(bytes);
        }
        return all.toByteArray();
    }

    /** Takes at most {@code capacity} bytes in all, and records how many buffers each call was given. */
    private static final class RecordingChannel extends AlwaysOpenChannel implements GatheringByteChannel {

        final List<Integer> calls = new ArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        long capacity;

        RecordingChannel(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public int write(ByteBuffer src) {
            calls.add(1);
            return take(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls.add(length);
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += take(srcs[i]);
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        private int take(ByteBuffer src) {
            int n = (int) Math.min(src.remaining(), capacity);
            byte[] bytes = new byte[n];
            src.get(bytes);
            written.writeBytes(bytes);
            capacity -= n;
            return n;
        }
    }
}

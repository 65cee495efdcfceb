package io.channels4j.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InboundFrameGuard} fed the same bytes in reads of every size from 1 byte up: what it lets
 * the library decode, the close frame it hands over and the failure it reports must not depend on
 * where the reads split the stream (except that a failing frame's header may have begun in a read
 * already handed over).
 */
class InboundFrameGuardTest {

    static final int MAX = 1024;

    /** What the guard made of a stream. */
    record Outcome(byte[] decoded, byte[] closeFrame, Integer failureCode, String failureType) {
    }

    static Outcome feed(byte[] stream, int readSize) {
        InboundFrameGuard guard = new InboundFrameGuard(MAX);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        byte[] close = null;
        InvalidDataException failure = null;
        for (int at = 0; at < stream.length; at += readSize) {
            int end = Math.min(stream.length, at + readSize);
            // a read buffer as the library hands it over: some offset into a larger array
            ByteBuffer buffer = ByteBuffer.allocate(end - at + 7);
            buffer.position(3);
            buffer.put(stream, at, end - at);
            buffer.limit(buffer.position()).position(3);
            InboundFrameGuard.Verdict verdict = guard.scan(buffer);
            assertThat(buffer.position()).as("scan moves nothing").isEqualTo(3);
            assertThat(verdict.decodeUpTo()).isBetween(3, buffer.limit());
            decoded.write(buffer.array(), 3, verdict.decodeUpTo() - 3);
            if (verdict.closeFrame() != null) {
                assertThat(close).as("one close frame").isNull();
                close = verdict.closeFrame();
            }
            if (verdict.failure() != null) {
                assertThat(failure).as("one failure").isNull();
                failure = verdict.failure();
            }
        }
        return new Outcome(decoded.toByteArray(), close, failure == null ? null : failure.getCloseCode(),
                failure == null ? null : failure.getClass().getSimpleName());
    }

    /** Feeds the stream in every read size and checks each outcome is the same as whole. */
    static Outcome feedEveryWay(byte[] stream) {
        Outcome whole = feed(stream, stream.length);
        for (int size = 1; size < stream.length; size++) {
            Outcome split = feed(stream, size);
            if (whole.failureCode() == null) {
                assertThat(split.decoded()).as("decoded bytes, reads of %d", size).isEqualTo(whole.decoded());
            } else {
                // the start of the failing frame's header may have gone to the library with an earlier read:
                // an incomplete frame it never decodes, as the connection fails
                assertThat(split.decoded()).as("decoded bytes, reads of %d", size).startsWith(whole.decoded());
                assertThat(split.decoded().length - whole.decoded().length).as("reads of %d", size).isLessThan(14);
            }
            assertThat(split.closeFrame()).as("close frame, reads of %d", size).isEqualTo(whole.closeFrame());
            assertThat(split.failureCode()).as("failure, reads of %d", size).isEqualTo(whole.failureCode());
        }
        return whole;
    }

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return RawSocket.encodeFrame(fin, 0, opcode, payload, true);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void framesBeforeAClose_areDecoded_theCloseIsHandedOverWhole_andTheRestIsIgnored() {
        byte[] before = concat(
                frame(true, RawSocket.TEXT, ascii("hello")),
                frame(true, RawSocket.PING, ascii("p")),
                frame(false, RawSocket.BINARY, new byte[200]),
                frame(true, RawSocket.CONTINUATION, new byte[300]));
        byte[] close = frame(true, RawSocket.CLOSE, closePayload(1000, "bye \u2603".getBytes(StandardCharsets.UTF_8)));
        byte[] after = concat(frame(true, RawSocket.TEXT, ascii("after")),
                RawSocket.encodeFrame(true, 0, RawSocket.TEXT, ascii("unmasked"), false));

        Outcome outcome = feedEveryWay(concat(before, close, after));

        assertThat(outcome.decoded()).isEqualTo(before);
        assertThat(outcome.closeFrame()).isEqualTo(close);
        assertThat(outcome.failureCode()).isNull();
    }

    @Test
    void emptyClose_thenACloseWithOneByte_onlyTheFirstCounts() {
        byte[] first = frame(true, RawSocket.CLOSE, new byte[0]);
        Outcome outcome = feedEveryWay(concat(first, frame(true, RawSocket.CLOSE, new byte[] {3})));
        assertThat(outcome.decoded()).isEmpty();
        assertThat(outcome.closeFrame()).isEqualTo(first);
    }

    @Test
    void closeReasonNotUtf8_fails1007_afterTheFramesBeforeIt() {
        byte[] before = frame(true, RawSocket.TEXT, ascii("x"));
        byte[] snowman = "\u2603".getBytes(StandardCharsets.UTF_8);
        for (byte[] reason : new byte[][] {{'a', (byte) 0xff}, Arrays.copyOf(snowman, 2), {(byte) 0xc0, (byte) 0xae}}) {
            Outcome outcome = feedEveryWay(concat(before, frame(true, RawSocket.CLOSE, closePayload(1000, reason)),
                    frame(true, RawSocket.TEXT, ascii("y"))));
            assertThat(outcome.decoded()).isEqualTo(before);
            assertThat(outcome.closeFrame()).isNull();
            assertThat(outcome.failureCode()).isEqualTo(1007);
        }
    }

    @Test
    void closeWithAPayloadOver125Bytes_fails1002() {
        byte[] close = RawSocket.encodeFrame(true, 0, RawSocket.CLOSE, closePayload(1000, new byte[124]), true);
        Outcome outcome = feedEveryWay(close);
        assertThat(outcome.failureCode()).isEqualTo(1002);
        assertThat(outcome.closeFrame()).isNull();
    }

    @Test
    void unmaskedFrame_fails1002_afterTheFramesBeforeIt() {
        byte[] before = concat(frame(true, RawSocket.TEXT, ascii("ok")), frame(true, RawSocket.PONG, new byte[0]));
        Outcome outcome = feedEveryWay(concat(before,
                RawSocket.encodeFrame(true, 0, RawSocket.BINARY, new byte[10], false),
                frame(true, RawSocket.TEXT, ascii("never"))));
        assertThat(outcome.decoded()).isEqualTo(before);
        assertThat(outcome.failureCode()).isEqualTo(1002);
    }

    @Test
    void fragmentsOverTheMax_fail1009_atTheFirstFragmentPastIt() {
        byte[] fits = concat(frame(false, RawSocket.TEXT, new byte[500]), frame(false, RawSocket.CONTINUATION, new byte[500]));
        Outcome outcome = feedEveryWay(concat(fits, frame(false, RawSocket.CONTINUATION, new byte[100]),
                frame(true, RawSocket.CONTINUATION, new byte[1])));
        assertThat(outcome.decoded()).isEqualTo(fits);
        assertThat(outcome.failureCode()).isEqualTo(1009);
        assertThat(outcome.failureType()).isEqualTo(LimitExceededException.class.getSimpleName());
    }

    @Test
    void emptyFragments_countAsMinimumCost_andAreBounded() {
        int allowed = MAX / InboundFrameGuard.MIN_FRAGMENT_COST;
        ByteArrayOutputStream fits = new ByteArrayOutputStream();
        for (int i = 0; i < allowed; i++) {
            fits.writeBytes(frame(false, i == 0 ? RawSocket.TEXT : RawSocket.CONTINUATION, new byte[0]));
        }
        Outcome outcome = feed(concat(fits.toByteArray(), frame(false, RawSocket.CONTINUATION, new byte[0])), 7);
        assertThat(outcome.decoded()).startsWith(fits.toByteArray()); // and maybe a piece of the failing header
        assertThat(outcome.decoded().length - fits.size()).isLessThan(14);
        assertThat(outcome.failureCode()).isEqualTo(1009);
    }

    @Test
    void aMessageOfExactlyTheMax_inFragments_withControlFramesBetween_passes() {
        byte[] stream = concat(
                frame(false, RawSocket.TEXT, new byte[MAX / 2]),
                frame(true, RawSocket.PING, new byte[125]),
                frame(true, RawSocket.CONTINUATION, new byte[MAX / 2]),
                frame(true, RawSocket.BINARY, new byte[MAX]));
        Outcome outcome = feedEveryWay(stream);
        assertThat(outcome.decoded()).isEqualTo(stream);
        assertThat(outcome.failureCode()).isNull();
    }

    @Test
    void hugeDeclaredLengths_fail1009_beforeAnyPayload() {
        for (long length : new long[] {MAX + 1L, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, -1L}) {
            ByteBuffer header = ByteBuffer.allocate(14);
            header.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(length).putInt(0x01020304);
            byte[] before = frame(true, RawSocket.TEXT, ascii("a"));
            Outcome outcome = feedEveryWay(concat(before, header.array()));
            assertThat(outcome.decoded()).as("length %d", length).isEqualTo(before);
            assertThat(outcome.failureCode()).as("length %d", length).isEqualTo(1009);
        }
    }
}

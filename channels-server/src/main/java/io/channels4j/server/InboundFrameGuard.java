package io.channels4j.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;

/**
 * Follows a client's WebSocket frames ahead of Java-WebSocket's decoder (headers only: payloads
 * are skipped, except a close frame's) and decides how much of each read the decoder may see. It
 * enforces what the library does not:
 * <ul>
 *   <li>every client frame is masked (RFC 6455 §5.1), else 1002;</li>
 *   <li>a fragmented message is counted as its fragments arrive, not only at its last one (the
 *       library buffers the fragments in between without a limit); a fragment under
 *       {@value #MIN_FRAGMENT_COST} bytes counts as {@value #MIN_FRAGMENT_COST}, so a run of tiny
 *       or empty fragments is bounded too: over the max message size is 1009;</li>
 *   <li>nothing after the first close frame is decoded (§5.5.1: the rest is ignored), so a close
 *       frame followed by more frames in one read still gets its close reply;</li>
 *   <li>a close frame is collected here and handed over whole once its reason is known to be UTF-8
 *       (§7.1.6, else 1007): given an invalid reason, the library throws a NullPointerException
 *       that its worker swallows, leaving the connection open and unanswered.</li>
 * </ul>
 * Unknown opcodes, RSV bits, control frame rules and the UTF-8 of text stay the library's checks.
 *
 * <p>One instance per connection, used by its {@link ServerDraft} on the decoder thread (or under
 * the draft's lock); not thread-safe.
 */
final class InboundFrameGuard {

    /** What a fragment costs at least, against the max message size. */
    static final int MIN_FRAGMENT_COST = 64;

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /**
     * What to do with one read.
     *
     * @param decodeUpTo the buffer index up to which the library may decode (from the buffer's position)
     * @param closeFrame a complete, checked close frame to decode after that, or null
     * @param failure    the error to fail the connection with after that, or null
     */
    record Verdict(int decodeUpTo, byte[] closeFrame, InvalidDataException failure) {
    }

    private final int maxMessageSize;
    private final byte[] header = new byte[14];
    private int headerLength;
    private int headerNeeded = 2;
    private long payloadLeft;
    private boolean fragmented;
    private long messageCost;
    /** The close frame being collected (header and payload), or null. */
    private byte[] close;
    private int closeLength;
    private int closePayload;
    /** A close frame or a failure was seen: nothing more is decoded. */
    private boolean ended;

    InboundFrameGuard(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Stops decoding for good (the connection failed elsewhere). */
    void end() {
        ended = true;
        close = null;
    }

    /**
     * Scans one read; does not move the buffer's position.
     *
     * @param buffer the bytes read, from its position to its limit
     * @return how much the library may decode, and what comes after it
     */
    Verdict scan(ByteBuffer buffer) {
        int position = buffer.position();
        int limit = buffer.limit();
        if (ended) {
            return new Verdict(position, null, null);
        }
        int decodeEnd = close != null ? position : -1; // a close frame started: the library stops before it
        int frameStart = position;
        int i = position;
        while (i < limit) {
            if (payloadLeft > 0) {
                int step = (int) Math.min(payloadLeft, limit - i);
                if (close != null) {
                    buffer.get(i, close, closeLength, step);
                    closeLength += step;
                }
                i += step;
                payloadLeft -= step;
                if (payloadLeft == 0 && close != null) {
                    return closeComplete(decodeEnd);
                }
                continue;
            }
            if (headerLength == 0) {
                frameStart = i;
            }
            byte b = buffer.get(i++);
            header[headerLength++] = b;
            if (headerLength == 1 && (b & 0x0f) == CLOSE) {
                close = new byte[header.length + MAX_CONTROL_PAYLOAD];
                closeLength = 0;
                decodeEnd = frameStart;
            }
            if (close != null) {
                close[closeLength++] = b;
            }
            if (headerLength == 2) {
                if ((b & 0x80) == 0) {
                    return fail(frameStart, new InvalidDataException(CloseFrame.PROTOCOL_ERROR,
                            "client frames must be masked"));
                }
                int length7 = b & 0x7f;
                if (close != null && length7 > MAX_CONTROL_PAYLOAD) {
                    return fail(frameStart, new InvalidDataException(CloseFrame.PROTOCOL_ERROR,
                            "a close frame carries at most 125 bytes"));
                }
                headerNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
            }
            if (headerLength >= 2 && headerLength == headerNeeded) {
                long payload = payloadLength();
                headerLength = 0;
                headerNeeded = 2;
                InvalidDataException tooBig = account(header[0], payload);
                if (tooBig != null) {
                    return fail(frameStart, tooBig);
                }
                payloadLeft = payload;
                if (close != null) {
                    closePayload = (int) payload;
                    if (payload == 0) {
                        return closeComplete(decodeEnd);
                    }
                }
            }
        }
        return new Verdict(decodeEnd >= 0 ? decodeEnd : limit, null, null);
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7f;
        if (length7 < 126) {
            return length7;
        }
        if (length7 == 126) {
            return ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        }
        long length = 0;
        for (int b = 2; b < 10; b++) {
            length = (length << 8) | (header[b] & 0xffL);
        }
        return length < 0 ? Long.MAX_VALUE : length; // the top bit must be 0 (§5.2): too big either way
    }

    /** @return the error if this data frame takes its message over the limit, else null */
    private InvalidDataException account(byte first, long payload) {
        int opcode = first & 0x0f;
        boolean fin = (first & 0x80) != 0;
        if (opcode >= CLOSE) {
            return null; // control frames stand alone; their own limit is the library's check
        }
        if (payload > maxMessageSize) {
            return new LimitExceededException("a frame of " + payload + " bytes is over the max message size of "
                    + maxMessageSize, maxMessageSize);
        }
        long cost = Math.max(payload, MIN_FRAGMENT_COST);
        if (opcode == TEXT || opcode == BINARY) {
            fragmented = !fin;
            messageCost = fin ? 0 : cost;
        } else if (opcode == CONTINUATION && fragmented) {
            messageCost += cost;
            if (fin) {
                fragmented = false;
            }
            if (messageCost > maxMessageSize) {
                return new LimitExceededException("a fragmented message over the max message size of "
                        + maxMessageSize + " bytes (fragments under " + MIN_FRAGMENT_COST + " bytes count as "
                        + MIN_FRAGMENT_COST + ")", maxMessageSize);
            }
            if (fin) {
                messageCost = 0;
            }
        }
        return null; // reserved opcodes and stray continuations: the library fails them
    }

    private Verdict closeComplete(int decodeEnd) {
        byte[] frame = Arrays.copyOf(close, closeLength);
        ended = true;
        close = null;
        if (closePayload > 2) {
            int payloadStart = frame.length - closePayload;
            byte[] reason = new byte[closePayload - 2];
            for (int k = 0; k < reason.length; k++) {
                int at = 2 + k;
                reason[k] = (byte) (frame[payloadStart + at] ^ frame[payloadStart - 4 + (at & 3)]);
            }
            if (!validUtf8(reason)) {
                return new Verdict(decodeEnd, null, new InvalidDataException(CloseFrame.NO_UTF8,
                        "close reason is not valid UTF-8"));
            }
        }
        return new Verdict(decodeEnd, frame, null);
    }

    private Verdict fail(int frameStart, InvalidDataException failure) {
        end();
        return new Verdict(frameStart, null, failure);
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}

package io.channels4j.bench.load;

import java.nio.ByteBuffer;

/**
 * The load generator's chat message: {@code {"message": "~<sender>~<seq>~<micros>~xxx..."}}, the
 * text padded with {@code x} to the payload size, {@code micros} the send time in microseconds
 * since this class was loaded (sender and receivers live in the same process, so one clock).
 * Whatever a server wraps around the text (its own JSON spacing), the token is found by its first
 * {@code ~}. Written and read without building strings.
 *
 * <p>Threading: static methods are thread-safe; a {@code ChatMessage} holder is for one thread (or
 * one lock) at a time.
 */
final class ChatMessage {

    private static final long EPOCH = System.nanoTime();
    private static final byte[] PREFIX = "{\"message\": \"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The largest frame {@link #encode} writes for a payload: the wrapping plus four numbers. */
    static int maxFrameBytes(int payload) {
        return PREFIX.length + SUFFIX.length + Math.max(payload, 64);
    }

    /** Sender of the last message parsed. */
    int sender;
    /** Sequence number of the last message parsed. */
    int seq;
    /** Send time of the last message parsed, {@link #nowMicros()} units. */
    long sentMicros;
    private int cursor;

    /** @return microseconds since this class was loaded */
    static long nowMicros() {
        return (System.nanoTime() - EPOCH) / 1000;
    }

    /**
     * Writes a message.
     *
     * @param buffer  at least {@link #maxFrameBytes(int)} bytes
     * @param sender  the sender's number
     * @param seq     the message's number for that sender
     * @param micros  the send time
     * @param payload the text's length in bytes (more if the token needs more)
     * @return the bytes written
     */
    static int encode(byte[] buffer, int sender, int seq, long micros, int payload) {
        int p = 0;
        System.arraycopy(PREFIX, 0, buffer, p, PREFIX.length);
        p += PREFIX.length;
        int textStart = p;
        buffer[p++] = '~';
        p = putDecimal(buffer, p, sender);
        buffer[p++] = '~';
        p = putDecimal(buffer, p, seq);
        buffer[p++] = '~';
        p = putDecimal(buffer, p, micros);
        buffer[p++] = '~';
        while (p - textStart < payload) {
            buffer[p++] = 'x';
        }
        System.arraycopy(SUFFIX, 0, buffer, p, SUFFIX.length);
        return p + SUFFIX.length;
    }

    private static int putDecimal(byte[] buffer, int p, long value) {
        if (value == 0) {
            buffer[p] = '0';
            return p + 1;
        }
        int digits = 0;
        for (long v = value; v > 0; v /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return p + digits;
    }

    /**
     * Reads a message into this holder.
     *
     * @param utf8 the frame's payload between position and limit (not moved)
     * @return false when it holds no token (e.g. an error or presence message)
     */
    boolean parse(ByteBuffer utf8) {
        int end = utf8.limit();
        int p = utf8.position();
        while (p < end && utf8.get(p) != '~') {
            p++;
        }
        cursor = p;
        long s = number(utf8, end);
        long q = s < 0 ? -1 : number(utf8, end);
        long t = q < 0 ? -1 : number(utf8, end);
        return set(s, q, t);
    }

    /**
     * Reads a message into this holder.
     *
     * @param text the frame's payload
     * @return false when it holds no token
     */
    boolean parse(CharSequence text) {
        int end = text.length();
        int p = 0;
        while (p < end && text.charAt(p) != '~') {
            p++;
        }
        cursor = p;
        long s = number(text, end);
        long q = s < 0 ? -1 : number(text, end);
        long t = q < 0 ? -1 : number(text, end);
        return set(s, q, t);
    }

    /** The decimal after the {@code ~} at {@link #cursor}, which must end at the next {@code ~}; -1 if not. */
    private long number(ByteBuffer utf8, int end) {
        int p = cursor + 1;
        long value = 0;
        int digits = 0;
        while (p < end && digits <= 18) {
            int b = utf8.get(p);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
            p++;
        }
        cursor = p;
        return digits == 0 || digits > 18 || p >= end || utf8.get(p) != '~' ? -1 : value;
    }

    private long number(CharSequence text, int end) {
        int p = cursor + 1;
        long value = 0;
        int digits = 0;
        while (p < end && digits <= 18) {
            char c = text.charAt(p);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
            p++;
        }
        cursor = p;
        return digits == 0 || digits > 18 || p >= end || text.charAt(p) != '~' ? -1 : value;
    }

    private boolean set(long senderValue, long seqValue, long micros) {
        if (senderValue < 0 || seqValue < 0 || micros < 0 || senderValue > Integer.MAX_VALUE || seqValue > Integer.MAX_VALUE) {
            return false;
        }
        sender = (int) senderValue;
        seq = (int) seqValue;
        sentMicros = micros;
        return true;
    }
}

package io.channels4j.redis;

import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The msgpack body of a channels_redis message, byte for byte what Python's
 * {@code msgpack.packb(message, use_bin_type=True)} writes and {@code msgpack.unpackb(raw=False)}
 * (msgpack 1.0, {@code strict_map_key=True}) reads.
 *
 * <p>Encoding: String as msgpack str (UTF-8; fixstr/str8/str16/str32), {@code byte[]} as bin,
 * Long in the smallest int format, Double always as float64, Boolean, nil, List as array, Map as
 * map with str keys, in the message's insertion order. Decoding: str to String, bin to
 * {@code byte[]}, every int format to Long, float32 and float64 to Double, arrays to List, maps to
 * Map; the top level must be a map with str keys.
 *
 * <p>The routing key {@value #ASGI_CHANNEL} that channels_redis adds for process-local channels
 * ({@code "name!local"} as a str for {@code send}, a list of names for {@code group_send}) is
 * written as the last map entry, as Python's dict insertion order puts it, by
 * {@link #encode(Message, Object)}, and popped by {@link #decodeWithChannel(byte[])}.
 *
 * <p>Every failure to encode or decode is an {@link InvalidMessageException} that says what is
 * wrong and where (key path and, for decoding, the byte offset).
 *
 * <p>Thread-safe: the class is stateless; {@link Prepared} instances are immutable.
 */
final class MessageCodec {

    /** The key channels_redis uses to carry the full name of a process-local channel. */
    static final String ASGI_CHANNEL = "__asgi_channel__";

    /**
     * The deepest nesting of maps and lists written or read, counting the top-level map as 1:
     * the most Python's {@code packb} writes (its default nest limit is 511). Python's
     * {@code unpackb} would read up to 1024 levels, but no Python peer can write them, and
     * refusing them keeps the recursion well inside any thread's stack.
     */
    static final int MAX_DEPTH = 512;

    private static final byte[] ASGI_CHANNEL_BYTES = ASGI_CHANNEL.getBytes(StandardCharsets.US_ASCII);
    private static final MessagePack.PackerConfig PACKER_CONFIG =
            new MessagePack.PackerConfig().withBufferSize(512);
    private static final MessagePack.UnpackerConfig UNPACKER_CONFIG = new MessagePack.UnpackerConfig();

    private MessageCodec() {
    }

    /**
     * The decoded message and the routing key popped from it.
     *
     * @param message     the message without {@value #ASGI_CHANNEL}
     * @param asgiChannel {@code null} when the key was absent, a String (from {@code send}) or an
     *                    unmodifiable {@code List<String>} (from {@code group_send})
     */
    record Decoded(Message message, Object asgiChannel) {
    }

    // ================================================================== encoding

    /**
     * Encodes a message as msgpack.
     *
     * @param message the message
     * @return the bytes Python's {@code msgpack.packb(message, use_bin_type=True)} produces
     * @throws InvalidMessageException if a String holds an unpaired surrogate (not UTF-8
     *                                 encodable) or the nesting is deeper than {@link #MAX_DEPTH}
     */
    static byte[] encode(Message message) {
        Objects.requireNonNull(message, "message");
        Map<String, Object> map = message.asMap();
        try (MessageBufferPacker packer = PACKER_CONFIG.newBufferPacker()) {
            packer.packMapHeader(map.size());
            packEntries(packer, map);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory msgpack buffer failed", e);
        }
    }

    /**
     * Encodes a message with the {@value #ASGI_CHANNEL} routing key appended as the last entry,
     * the way channels_redis's {@code send} (String) and {@code group_send} (list) do.
     *
     * @param message     the message; must not already contain {@value #ASGI_CHANNEL}
     * @param asgiChannel a String, a {@code List<String>}, or {@code null} for a plain
     *                    {@link #encode(Message)}
     * @return the encoded bytes
     * @throws IllegalArgumentException if the message already holds the routing key or the
     *                                  channel is of another type
     * @throws InvalidMessageException  as {@link #encode(Message)}
     */
    static byte[] encode(Message message, Object asgiChannel) {
        if (asgiChannel == null) {
            return encode(message);
        }
        Objects.requireNonNull(message, "message");
        requireRoutable(message);
        requireChannel(asgiChannel);
        Map<String, Object> map = message.asMap();
        try (MessageBufferPacker packer = PACKER_CONFIG.newBufferPacker()) {
            packer.packMapHeader(map.size() + 1);
            packEntries(packer, map);
            packChannel(packer, asgiChannel);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory msgpack buffer failed", e);
        }
    }

    /**
     * Encodes the entries of a message once, so that copies carrying different routing keys
     * (one per Redis queue in {@code group_send}) cost only a header and the key.
     *
     * @param message the message; must not contain {@value #ASGI_CHANNEL}
     * @return the prepared encoding
     * @throws IllegalArgumentException if the message already holds the routing key
     * @throws InvalidMessageException  as {@link #encode(Message)}
     */
    static Prepared prepare(Message message) {
        Objects.requireNonNull(message, "message");
        requireRoutable(message);
        Map<String, Object> map = message.asMap();
        try (MessageBufferPacker packer = PACKER_CONFIG.newBufferPacker()) {
            packEntries(packer, map);
            return new Prepared(map.size(), packer.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory msgpack buffer failed", e);
        }
    }

    /**
     * A message whose entries are already encoded. Immutable and thread-safe.
     */
    static final class Prepared {
        private final int size;
        private final byte[] entries;

        private Prepared(int size, byte[] entries) {
            this.size = size;
            this.entries = entries;
        }

        /**
         * The encoding of the message, with the routing key appended when given.
         *
         * @param asgiChannel a String, a {@code List<String>}, or {@code null} for none
         * @return the same bytes as {@link MessageCodec#encode(Message, Object)}
         * @throws IllegalArgumentException if the channel is of another type
         */
        byte[] encode(Object asgiChannel) {
            if (asgiChannel != null) {
                requireChannel(asgiChannel);
            }
            try (MessageBufferPacker packer = PACKER_CONFIG.newBufferPacker()) {
                packer.packMapHeader(asgiChannel == null ? size : size + 1);
                packer.writePayload(entries);
                if (asgiChannel != null) {
                    packChannel(packer, asgiChannel);
                }
                return packer.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("in-memory msgpack buffer failed", e);
            }
        }

        /**
         * The encoding with the routing key's name but not its value: what a script completes
         * with the msgpack array of channel names to get {@link #encode(Object)}'s bytes for that
         * list.
         *
         * @return map header (one entry more than the message), entries, {@value #ASGI_CHANNEL}
         */
        byte[] headBeforeChannelList() {
            try (MessageBufferPacker packer = PACKER_CONFIG.newBufferPacker()) {
                packer.packMapHeader(size + 1);
                packer.writePayload(entries);
                packer.packRawStringHeader(ASGI_CHANNEL_BYTES.length);
                packer.writePayload(ASGI_CHANNEL_BYTES);
                return packer.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("in-memory msgpack buffer failed", e);
            }
        }
    }

    private static void requireRoutable(Message message) {
        if (message.has(ASGI_CHANNEL)) {
            throw new IllegalArgumentException("message already contains the reserved key '" + ASGI_CHANNEL
                    + "'; channels_redis adds it itself");
        }
    }

    private static void requireChannel(Object asgiChannel) {
        if (asgiChannel instanceof String) {
            return;
        }
        if (asgiChannel instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String)) {
                    throw new IllegalArgumentException("the " + ASGI_CHANNEL + " list must hold channel name Strings; "
                            + "element " + i + " is " + typeName(list.get(i)));
                }
            }
            return;
        }
        throw new IllegalArgumentException(ASGI_CHANNEL + " must be a channel name String or a List of them, not "
                + typeName(asgiChannel));
    }

    private static void packChannel(MessageBufferPacker packer, Object asgiChannel) throws IOException {
        packer.packRawStringHeader(ASGI_CHANNEL_BYTES.length);
        packer.writePayload(ASGI_CHANNEL_BYTES);
        if (asgiChannel instanceof String name) {
            packString(packer, name, ASGI_CHANNEL);
        } else {
            List<?> names = (List<?>) asgiChannel;
            packer.packArrayHeader(names.size());
            for (int i = 0; i < names.size(); i++) {
                packString(packer, (String) names.get(i), ASGI_CHANNEL);
            }
        }
    }

    private static void packEntries(MessageBufferPacker packer, Map<String, Object> map) throws IOException {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            packString(packer, key, key);
            packValue(packer, e.getValue(), 2, key);
        }
    }

    /**
     * Packs one value. {@code depth} is the nesting level a container here would have; the
     * path is only a hint for errors.
     */
    private static void packValue(MessageBufferPacker packer, Object value, int depth, String path)
            throws IOException {
        switch (value) {
            case null -> packer.packNil();
            case String s -> packString(packer, s, path);
            case Long l -> packer.packLong(l);
            case Double d -> packer.packDouble(d);
            case Boolean b -> packer.packBoolean(b);
            case byte[] bytes -> {
                packer.packBinaryHeader(bytes.length);
                packer.writePayload(bytes);
            }
            case List<?> list -> {
                checkDepth(depth, path);
                packer.packArrayHeader(list.size());
                for (int i = 0; i < list.size(); i++) {
                    packValue(packer, list.get(i), depth + 1, path);
                }
            }
            case Map<?, ?> map -> {
                checkDepth(depth, path);
                packer.packMapHeader(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new InvalidMessageException("cannot encode message: key '" + path + "' holds a map with "
                                + typeName(e.getKey()) + " key; map keys must be Strings");
                    }
                    packString(packer, key, path);
                    packValue(packer, e.getValue(), depth + 1, path);
                }
            }
            // Message normalizes its values, so these only guard against a changed Message.
            case Integer i -> packer.packLong(i);
            case Float f -> packer.packDouble(f);
            default -> throw new InvalidMessageException("cannot encode message: key '" + path + "' holds "
                    + typeName(value) + ", which msgpack cannot carry");
        }
    }

    private static void checkDepth(int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw new InvalidMessageException("cannot encode message: key '" + path + "' nests lists and maps deeper than "
                    + MAX_DEPTH + " levels, which Python's msgpack refuses");
        }
    }

    private static void packString(MessageBufferPacker packer, String s, String path) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        // String.getBytes silently replaces an unpaired surrogate with '?', where Python refuses
        // to encode it; refuse too rather than send a different string. Only strings that are
        // not plain ASCII or that contain '?' can hold one.
        if (utf8.length != s.length() || containsQuestionMark(utf8)) {
            requireWellFormed(s, path);
        }
        packer.packRawStringHeader(utf8.length);
        packer.writePayload(utf8);
    }

    private static boolean containsQuestionMark(byte[] utf8) {
        for (byte b : utf8) {
            if (b == '?') {
                return true;
            }
        }
        return false;
    }

    private static void requireWellFormed(String s, String path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidMessageException("cannot encode message: a String in key '" + path
                        + "' holds an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                        + " at index " + i + ", which is not valid UTF-8");
            }
        }
    }

    // ================================================================== decoding

    /**
     * Decodes a msgpack message body.
     *
     * @param bytes exactly one msgpack map with str keys
     * @return the message, {@value #ASGI_CHANNEL} included if present
     * @throws InvalidMessageException if the bytes are truncated, malformed, followed by extra
     *                                 bytes, not a map, have a non-str map key, hold an extension
     *                                 type, a uint64 above {@link Long#MAX_VALUE}, invalid UTF-8, or
     *                                 nest deeper than {@link #MAX_DEPTH}
     */
    static Message decode(byte[] bytes) {
        return Message.from(decodeMap(bytes));
    }

    /**
     * Decodes a message body and pops the {@value #ASGI_CHANNEL} routing key from it.
     *
     * @param bytes exactly one msgpack map with str keys
     * @return the message without the routing key, and the key's value (null if absent)
     * @throws InvalidMessageException as {@link #decode(byte[])}, or if the routing key is
     *                                 neither a str nor an array of str
     */
    static Decoded decodeWithChannel(byte[] bytes) {
        Map<String, Object> map = decodeMap(bytes);
        if (!map.containsKey(ASGI_CHANNEL)) {
            return new Decoded(Message.from(map), null);
        }
        Object channel = map.remove(ASGI_CHANNEL);
        if (channel instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String)) {
                    throw new InvalidMessageException("cannot decode message: '" + ASGI_CHANNEL
                            + "' is a list holding " + typeName(o) + "; expected channel name strings");
                }
            }
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) (List<?>) Collections.unmodifiableList(list);
            channel = names;
        } else if (!(channel instanceof String)) {
            throw new InvalidMessageException("cannot decode message: '" + ASGI_CHANNEL + "' is " + typeName(channel)
                    + "; expected a channel name string or a list of them");
        }
        return new Decoded(Message.from(map), channel);
    }

    private static Map<String, Object> decodeMap(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new InvalidMessageException("cannot decode message: no bytes (empty body)");
        }
        Reader reader = new Reader(bytes);
        try {
            MessageFormat format = reader.unpacker.getNextFormat();
            if (format == MessageFormat.NEVER_USED || format.getValueType() != org.msgpack.value.ValueType.MAP) {
                throw reader.fail("the top-level value is " + describe(format) + ", not a map");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) reader.read(1);
            if (reader.unpacker.hasNext()) {
                long offset = reader.unpacker.getTotalReadBytes();
                throw new InvalidMessageException("cannot decode message: " + (bytes.length - offset)
                        + " unexpected byte(s) after the message at offset " + offset + " of " + bytes.length);
            }
            return map;
        } catch (DecodeFailure f) {
            throw f.toException(bytes.length);
        } catch (MessagePackException | IOException e) {
            throw reader.failure(e).toException(bytes.length);
        }
    }

    /** Reads values from one byte array, checking every declared length against what is left. */
    private static final class Reader {
        final MessageUnpacker unpacker;
        final int length;

        Reader(byte[] bytes) {
            this.unpacker = UNPACKER_CONFIG.newUnpacker(bytes);
            this.length = bytes.length;
        }

        private long remaining() {
            return length - unpacker.getTotalReadBytes();
        }

        DecodeFailure fail(String reason) {
            return new DecodeFailure(reason, unpacker.getTotalReadBytes());
        }

        /** Turns an error raised inside msgpack-core into a failure naming the value. */
        DecodeFailure failure(Exception e, MessageFormat format, long offset) {
            return switch (e) {
                // A 32-bit length of 2^31 or more: far beyond any input this could be.
                case MessageSizeException size -> new DecodeFailure("truncated input: " + describe(format)
                        + " declares " + size.getSize() + " entries or bytes but only " + (length - offset)
                        + " byte(s) remain", offset);
                case MessageInsufficientBufferException eof -> new DecodeFailure("truncated input: the bytes end inside "
                        + describe(format), offset);
                default -> new DecodeFailure("malformed input: " + e, offset);
            };
        }

        DecodeFailure failure(Exception e) {
            long offset = unpacker.getTotalReadBytes();
            return e instanceof MessageInsufficientBufferException
                    ? new DecodeFailure("truncated input: the bytes end inside a value", offset)
                    : new DecodeFailure("malformed input: " + e, offset);
        }

        Object read(int depth) throws IOException {
            if (!unpacker.hasNext()) {
                throw fail("truncated input: a value is missing");
            }
            MessageFormat format = unpacker.getNextFormat();
            long start = unpacker.getTotalReadBytes();
            // One frame per nesting level: msgpack-core errors are converted here, in place.
            try {
                switch (format) {
                    case NIL -> {
                        unpacker.unpackNil();
                        return null;
                    }
                    case BOOLEAN -> {
                        return unpacker.unpackBoolean();
                    }
                    case POSFIXINT, NEGFIXINT, UINT8, UINT16, UINT32, INT8, INT16, INT32, INT64 -> {
                        return unpacker.unpackLong();
                    }
                    case UINT64 -> {
                        long offset = unpacker.getTotalReadBytes();
                        java.math.BigInteger big = unpacker.unpackBigInteger();
                        if (big.bitLength() > 63) {
                            throw new DecodeFailure("integer " + big + " (uint64) does not fit in a Java long (max "
                                    + Long.MAX_VALUE + ")", offset);
                        }
                        return big.longValue();
                    }
                    case FLOAT32, FLOAT64 -> {
                        return unpacker.unpackDouble();
                    }
                    case FIXSTR, STR8, STR16, STR32 -> {
                        return readString();
                    }
                    case BIN8, BIN16, BIN32 -> {
                        long offset = unpacker.getTotalReadBytes();
                        int n = unpacker.unpackBinaryHeader();
                        checkLength(n, offset, "byte string");
                        return unpacker.readPayload(n);
                    }
                    case FIXARRAY, ARRAY16, ARRAY32 -> {
                        long offset = unpacker.getTotalReadBytes();
                        checkDepth(depth);
                        int n = unpacker.unpackArrayHeader();
                        checkLength(n, offset, "array");
                        List<Object> list = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            try {
                                list.add(read(depth + 1));
                            } catch (DecodeFailure f) {
                                throw f.at("[" + i + "]");
                            }
                        }
                        return list;
                    }
                    case FIXMAP, MAP16, MAP32 -> {
                        long offset = unpacker.getTotalReadBytes();
                        checkDepth(depth);
                        int n = unpacker.unpackMapHeader();
                        checkLength(n * 2L, offset, "map");
                        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, (int) (n / 0.75f) + 1));
                        for (int i = 0; i < n; i++) {
                            String key = readKey(i);
                            try {
                                // Like a Python dict: a repeated key keeps its first position, last value.
                                map.put(key, read(depth + 1));
                            } catch (DecodeFailure f) {
                                throw f.at(key);
                            }
                        }
                        return map;
                    }
                    case FIXEXT1, FIXEXT2, FIXEXT4, FIXEXT8, FIXEXT16, EXT8, EXT16, EXT32 -> {
                        long offset = unpacker.getTotalReadBytes();
                        byte type = unpacker.unpackExtensionTypeHeader().getType();
                        throw new DecodeFailure("msgpack extension type " + type + (type == -1 ? " (timestamp)" : "")
                                + " is not supported in channel layer messages", offset);
                    }
                    case NEVER_USED -> throw fail("invalid msgpack byte 0xc1");
                    default -> throw fail("unknown msgpack format " + format);
                }
            } catch (MessagePackException e) {
                throw failure(e, format, start);
            }
        }

        private String readKey(int index) throws IOException {
            if (!unpacker.hasNext()) {
                throw fail("truncated input: map key " + index + " is missing");
            }
            MessageFormat format = unpacker.getNextFormat();
            if (format != MessageFormat.NEVER_USED && format.getValueType() == org.msgpack.value.ValueType.STRING) {
                return readString();
            }
            long offset = unpacker.getTotalReadBytes();
            String shown;
            try {
                Object key = read(MAX_DEPTH);
                shown = key instanceof byte[] b ? "b'" + HexFormat.of().formatHex(b) + "' (hex)" : String.valueOf(key);
            } catch (DecodeFailure f) {
                shown = "(unreadable)";
            }
            throw new DecodeFailure("map key " + shown + " is " + describe(format)
                    + "; message map keys must be strings", offset);
        }

        private String readString() throws IOException {
            long offset = unpacker.getTotalReadBytes();
            int n = unpacker.unpackRawStringHeader();
            checkLength(n, offset, "string");
            byte[] utf8 = unpacker.readPayload(n);
            for (byte b : utf8) {
                if (b < 0) {
                    try {
                        return StandardCharsets.UTF_8.newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(utf8)).toString();
                    } catch (CharacterCodingException e) {
                        throw new DecodeFailure("a str is not valid UTF-8", offset);
                    }
                }
            }
            return new String(utf8, StandardCharsets.ISO_8859_1);
        }

        private void checkLength(long declared, long offset, String what) {
            // Every element takes at least one byte: a length beyond the input is truncation
            // (and must not make us allocate gigabytes).
            if (declared < 0 || declared > remaining()) {
                throw new DecodeFailure("truncated input: " + what + " declares " + declared + (what.equals("map")
                        ? " keys and values" : what.equals("array") ? " elements" : " bytes") + " but only "
                        + remaining() + " byte(s) remain", offset);
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("lists and maps nest deeper than " + MAX_DEPTH + " levels");
            }
        }
    }

    private static String describe(MessageFormat format) {
        if (format == MessageFormat.NEVER_USED) {
            return "the invalid msgpack byte 0xc1";
        }
        return switch (format.getValueType()) {
            case NIL -> "nil";
            case BOOLEAN -> "a boolean";
            case INTEGER -> "an integer";
            case FLOAT -> "a float";
            case STRING -> "a str (string)";
            case BINARY -> "a bin (byte string)";
            case ARRAY -> "an array";
            case MAP -> "a map";
            case EXTENSION -> "an extension type";
        };
    }

    private static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case byte[] b -> "a byte array";
            default -> "a " + value.getClass().getName();
        };
    }

    /** A decoding error on its way up, collecting the key path as the recursion unwinds. */
    private static final class DecodeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String reason;
        private final long offset;
        private final ArrayDeque<String> path = new ArrayDeque<>();

        DecodeFailure(String reason, long offset) {
            super(reason, null, false, false);
            this.reason = reason;
            this.offset = offset;
        }

        DecodeFailure at(String segment) {
            path.addFirst(segment);
            return this;
        }

        InvalidMessageException toException(int total) {
            StringBuilder where = new StringBuilder();
            for (String segment : path) {
                if (!segment.startsWith("[") && !where.isEmpty()) {
                    where.append('.');
                }
                where.append(segment);
            }
            return new InvalidMessageException("cannot decode message: " + reason
                    + (where.isEmpty() ? "" : " (in key '" + where + "')")
                    + " at byte offset " + offset + " of " + total);
        }
    }
}

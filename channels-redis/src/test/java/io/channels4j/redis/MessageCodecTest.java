package io.channels4j.redis;

import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class MessageCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /** One message as channels_redis would serialize it, with its routing key (or null). */
    record Case(String name, Message message, Object asgiChannel) {
        byte[] encode() {
            return MessageCodec.encode(message, asgiChannel);
        }

        /** The value Python sees: the message with the routing key as its last entry. */
        Message withChannel() {
            return asgiChannel == null ? message : message.with(MessageCodec.ASGI_CHANNEL, asgiChannel);
        }
    }

    /**
     * The cases of src/test/resources/wire/generate_vectors.py, by the same names, built in Java;
     * shared with {@link PythonWireCompatibilityTest}.
     */
    static final class WireCases {
        static final String LONG_NAME = "specific.0123456789abcdef0123456789abcdef!" + "x".repeat(32);

        private WireCases() {
        }

        static List<Case> vectorCases() {
            List<Case> cases = new ArrayList<>();
            cases.add(new Case("empty", Message.of(), null));
            cases.add(new Case("type_only", Message.of("type", "chat.message"), null));
            cases.add(new Case("scalars", Message.of("type", "t", "none", null, "yes", true, "no", false), null));
            cases.add(new Case("ints", Message.of(
                    "zero", 0L, "pos_fix_max", 127L, "u8_min", 128L, "u8_max", 255L, "u16_min", 256L,
                    "u16_max", 65535L, "u32_min", 65536L, "u32_max", (1L << 32) - 1, "u64_min", 1L << 32,
                    "long_max", Long.MAX_VALUE, "neg_fix_min", -32L, "i8_max", -33L, "i8_min", -128L,
                    "i16_max", -129L, "i16_min", -32768L, "i32_max", -32769L, "i32_min", (long) Integer.MIN_VALUE,
                    "i64_max", Integer.MIN_VALUE - 1L, "long_min", Long.MIN_VALUE), null));
            cases.add(new Case("floats", Message.of(
                    "zero", 0.0, "neg_zero", -0.0, "one_half", 1.5, "third", 1.0 / 3, "big", 1e300,
                    "tiny", Double.MIN_VALUE, "inf", Double.POSITIVE_INFINITY, "neg_inf", Double.NEGATIVE_INFINITY,
                    "nan", Double.NaN, "whole", 2.0), null));
            cases.add(new Case("strings", Message.of(
                    "empty", "", "fix31", "a".repeat(31), "str8_32", "b".repeat(32), "str8_255", "c".repeat(255),
                    "str16_256", "d".repeat(256), "unicode", "h\u00e9llo w\u00f6rld \u2713 \uD83C\uDF89",
                    "two_byte_chars", "\u00e9".repeat(100), "nul", "a\u0000b"), null));
            cases.add(new Case("bytes", Message.of(
                    "empty", new byte[0], "two", new byte[] {0, (byte) 0xFF}, "bin8_max", repeat('x', 255),
                    "bin16", repeat('y', 256)), null));
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("k", "v");
            cases.add(new Case("lists", Message.of(
                    "empty", List.of(), "nested", List.of(1L, List.of(2L, List.of(3L, List.of()))),
                    "mixed", Arrays.asList("a", new byte[] {'b'}, 1L, 2.5, null, true, inner),
                    "fix15", range(15), "array16", range(16)), null));
            cases.add(new Case("maps", Message.of(
                    "empty", Map.of(), "nested", Map.of("a", Map.of("b", Map.of("c", "d"))),
                    "fix15", numberedMap(15), "map16", numberedMap(16)), null));
            cases.add(new Case("map16_top", Message.from(numberedMap(16)), null));
            cases.add(new Case("unicode_keys", Message.of("type", "x", "cl\u00e9", 1L, "\u2603", "snow"), null));
            cases.add(new Case("websocket_receive",
                    Message.of("type", "websocket.receive", "text", "{\"message\": \"hi\"}"), null));
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) {
                all[i] = (byte) i;
            }
            cases.add(new Case("websocket_bytes", Message.of("type", "websocket.receive", "bytes", all), null));
            cases.add(new Case("send_routing", Message.of("type", "chat.message", "text", "hello"), LONG_NAME));
            cases.add(new Case("group_routing", Message.of("type", "chat.message", "text", "grp"),
                    List.of(LONG_NAME, "specific.0123456789abcdef0123456789abcdef!y")));
            return cases;
        }

        /** Values Python's decoder accepts although its encoder never writes them. */
        static Map<String, Message> decodeOnlyCases() {
            Map<String, Message> cases = new LinkedHashMap<>();
            cases.put("decode_only.float32", Message.of("f", 1.5));
            cases.put("decode_only.non_minimal_ints", Message.of("i", 1L));
            cases.put("decode_only.str_as_map16", Message.of("a", true));
            cases.put("decode_only.duplicate_key", Message.of("a", 2L));
            return cases;
        }

        /** The 32-bit formats, too big for the vector file. */
        static List<Case> largeCases() {
            return List.of(
                    new Case("str16_max", Message.of("s", "e".repeat(65535)), null),
                    new Case("str32", Message.of("s", "f".repeat(65536)), null),
                    new Case("bin32", Message.of("b", repeat('z', 65536)), null),
                    new Case("array32", Message.of("l", Collections.nCopies(65536, 0L)), null),
                    new Case("map32", Message.from(numberedMap(65536)), null),
                    new Case("str32_unicode", Message.of("s", "\u00e9".repeat(40000)), null));
        }

        static byte[] repeat(char c, int n) {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) c);
            return b;
        }

        static List<Long> range(int n) {
            return LongStream.range(0, n).boxed().toList();
        }

        static Map<String, Object> numberedMap(int n) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(String.format("k%02d", i), (long) i);
            }
            return map;
        }
    }

    static Map<String, String> loadVectors(String resource) throws IOException {
        Map<String, String> vectors = new LinkedHashMap<>();
        try (InputStream in = MessageCodecTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("test resource %s", resource).isNotNull();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                vectors.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return vectors;
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex.replace(" ", ""));
    }

    // ================================================================ vectors from Python

    @Test
    void encodesExactlyAsPythonPackb() throws IOException {
        Map<String, String> vectors = loadVectors("/wire/msgpack-vectors.tsv");
        List<String> covered = new ArrayList<>();
        for (Case c : WireCases.vectorCases()) {
            assertThat(vectors).as("vector file has case %s", c.name()).containsKey(c.name());
            assertThat(HEX.formatHex(c.encode())).as("encoding of %s", c.name()).isEqualTo(vectors.get(c.name()));
            covered.add(c.name());
        }
        covered.addAll(WireCases.decodeOnlyCases().keySet());
        assertThat(covered).as("every vector in the file is checked").containsExactlyInAnyOrderElementsOf(vectors.keySet());
    }

    @Test
    void decodesPythonPackbOutput() throws IOException {
        Map<String, String> vectors = loadVectors("/wire/msgpack-vectors.tsv");
        for (Case c : WireCases.vectorCases()) {
            byte[] bytes = hex(vectors.get(c.name()));
            assertThat(MessageCodec.decode(bytes)).as("decode %s", c.name()).isEqualTo(c.withChannel());
            MessageCodec.Decoded decoded = MessageCodec.decodeWithChannel(bytes);
            assertThat(decoded.message()).as("decodeWithChannel %s", c.name()).isEqualTo(c.message());
            assertThat(decoded.asgiChannel()).isEqualTo(c.asgiChannel());
        }
    }

    @Test
    void decodesFormatsPythonAcceptsButNeverWrites() throws IOException {
        Map<String, String> vectors = loadVectors("/wire/msgpack-vectors.tsv");
        WireCases.decodeOnlyCases().forEach((name, expected) ->
                assertThat(MessageCodec.decode(hex(vectors.get(name)))).as(name).isEqualTo(expected));
    }

    @Test
    void capturedGroupMessageFromReferenceNotes() {
        String name = WireCases.LONG_NAME;
        byte[] bytes = MessageCodec.encode(Message.of("type", "chat.message", "text", "grp"), List.of(name));
        String expected = "83 a4" + HEX.formatHex("type".getBytes(StandardCharsets.US_ASCII))
                + "ac" + HEX.formatHex("chat.message".getBytes(StandardCharsets.US_ASCII))
                + "a4" + HEX.formatHex("text".getBytes(StandardCharsets.US_ASCII))
                + "a3" + HEX.formatHex("grp".getBytes(StandardCharsets.US_ASCII))
                + "b0" + HEX.formatHex("__asgi_channel__".getBytes(StandardCharsets.US_ASCII))
                + "91 d9 4a" + HEX.formatHex(name.getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes).isEqualTo(hex(expected));
    }

    // ================================================================ formats and types

    @Test
    void thirtyTwoBitFormatsAndBoundaries() {
        Map<String, String> headers = Map.of(
                "str16_max", "81a173daffff", "str32", "81a173db00010000", "bin32", "81a162c600010000",
                "array32", "81a16cdd00010000", "map32", "df00010000", "str32_unicode", "81a173db00013880");
        for (Case c : WireCases.largeCases()) {
            byte[] bytes = c.encode();
            assertThat(HEX.formatHex(bytes)).as(c.name()).startsWith(headers.get(c.name()));
            assertThat(MessageCodec.decode(bytes)).as(c.name()).isEqualTo(c.message());
        }
    }

    @Test
    void integersUseTheSmallestFormat() {
        Map<Long, String> expected = new LinkedHashMap<>();
        expected.put(0L, "00");
        expected.put(127L, "7f");
        expected.put(128L, "cc80");
        expected.put(255L, "ccff");
        expected.put(256L, "cd0100");
        expected.put(65535L, "cdffff");
        expected.put(65536L, "ce00010000");
        expected.put(4294967295L, "ceffffffff");
        expected.put(4294967296L, "cf0000000100000000");
        expected.put(Long.MAX_VALUE, "cf7fffffffffffffff");
        expected.put(-1L, "ff");
        expected.put(-32L, "e0");
        expected.put(-33L, "d0df");
        expected.put(-128L, "d080");
        expected.put(-129L, "d1ff7f");
        expected.put(-32768L, "d18000");
        expected.put(-32769L, "d2ffff7fff");
        expected.put((long) Integer.MIN_VALUE, "d280000000");
        expected.put(Integer.MIN_VALUE - 1L, "d3ffffffff7fffffff");
        expected.put(Long.MIN_VALUE, "d38000000000000000");
        expected.forEach((value, hex) -> {
            byte[] bytes = MessageCodec.encode(Message.of("v", value));
            assertThat(HEX.formatHex(bytes)).as("%d", value).isEqualTo("81a176" + hex);
            assertThat(MessageCodec.decode(bytes).get("v")).isInstanceOf(Long.class).isEqualTo(value);
        });
    }

    @Test
    void doublesAreAlwaysFloat64() {
        assertThat(HEX.formatHex(MessageCodec.encode(Message.of("v", 2.0)))).isEqualTo("81a176cb4000000000000000");
        assertThat(HEX.formatHex(MessageCodec.encode(Message.of("v", 1.5f)))).isEqualTo("81a176cb3ff8000000000000");
        assertThat(MessageCodec.decode(hex("81a176cb4000000000000000")).get("v")).isInstanceOf(Double.class)
                .isEqualTo(2.0);
        assertThat(MessageCodec.decode(hex("81a176ca3fc00000")).get("v")).isInstanceOf(Double.class).isEqualTo(1.5);
    }

    @Test
    void decodedValuesHaveTheMessageTypes() {
        Message m = MessageCodec.decode(MessageCodec.encode(Message.of(
                "s", "x", "b", new byte[] {1}, "i", 1, "d", 1.0, "t", true, "n", null,
                "l", List.of(1), "m", Map.of("k", 1))));
        assertThat(m.get("s")).isInstanceOf(String.class);
        assertThat(m.get("b")).isInstanceOf(byte[].class);
        assertThat(m.get("i")).isInstanceOf(Long.class);
        assertThat(m.get("d")).isInstanceOf(Double.class);
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.has("n")).isTrue();
        assertThat(m.get("n")).isNull();
        assertThat(m.getList("l")).containsExactly(1L);
        assertThat(m.getMap("m")).containsEntry("k", 1L);
    }

    @Test
    void roundTripKeepsKeyOrderAndValues() {
        Message m = Message.builder("chat.message")
                .put("z", 1).put("a", "x").put("m", Arrays.asList(null, List.of(), Map.of()))
                .put("deep", Map.of("l", List.of(Map.of("b", new byte[] {9, 8, 7}))))
                .build();
        Message back = MessageCodec.decode(MessageCodec.encode(m));
        assertThat(back).isEqualTo(m);
        assertThat(back.keys()).containsExactly("type", "z", "a", "m", "deep");
    }

    @Test
    void duplicateKeyKeepsFirstPositionAndLastValueLikeAPythonDict() {
        // {"a": 1, "b": 2, "a": 3}
        Message m = MessageCodec.decode(hex("83 a161 01 a162 02 a161 03"));
        assertThat(m.keys()).containsExactly("a", "b");
        assertThat(m.get("a")).isEqualTo(3L);
    }

    @Test
    void unpairedSurrogateIsRejectedNotReplaced() {
        assertThatThrownBy(() -> MessageCodec.encode(Message.of("text", "ok \uD800 broken")))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("text").hasMessageContaining("unpaired surrogate U+D800");
        assertThatThrownBy(() -> MessageCodec.encode(Message.of("\uDC00", 1)))
                .isInstanceOf(InvalidMessageException.class);
        assertThat(MessageCodec.decode(MessageCodec.encode(Message.of("s", "\uD83C\uDF89")))).isEqualTo(Message.of("s", "\uD83C\uDF89"));
    }

    // ================================================================ routing key

    @Test
    void routingKeyIsAppendedLast() {
        Message m = Message.of("type", "a", "text", "b");
        Message sent = MessageCodec.decode(MessageCodec.encode(m, "specific.x!y"));
        assertThat(sent.keys()).containsExactly("type", "text", "__asgi_channel__");
        assertThat(sent.get("__asgi_channel__")).isEqualTo("specific.x!y");
        assertThat(MessageCodec.encode(m, "specific.x!y")).isEqualTo(MessageCodec.encode(m.with("__asgi_channel__", "specific.x!y")));
        assertThat(MessageCodec.encode(m, List.of("a!1", "a!2")))
                .isEqualTo(MessageCodec.encode(m.with("__asgi_channel__", List.of("a!1", "a!2"))));
        assertThat(MessageCodec.encode(m, null)).isEqualTo(MessageCodec.encode(m));
        assertThat(MessageCodec.encode(Message.of(), "c!d")).isEqualTo(hex("81 b0" + HEX.formatHex(
                "__asgi_channel__".getBytes(StandardCharsets.US_ASCII)) + "a3 63 21 64"));
    }

    @Test
    void routingKeyArgumentsAreChecked() {
        Message m = Message.of("type", "a");
        assertThatThrownBy(() -> MessageCodec.encode(m.with("__asgi_channel__", "x!y"), "x!y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved key");
        assertThatThrownBy(() -> MessageCodec.encode(m, 42L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Long");
        assertThatThrownBy(() -> MessageCodec.encode(m, List.of("a!b", 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1");
        assertThatThrownBy(() -> MessageCodec.prepare(m.with("__asgi_channel__", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void preparedEncodingMatchesFullEncoding() {
        Message m = Message.of("type", "chat.message", "text", "hi", "n", List.of(1, 2));
        MessageCodec.Prepared prepared = MessageCodec.prepare(m);
        assertThat(prepared.encode(null)).isEqualTo(MessageCodec.encode(m));
        assertThat(prepared.encode("s.a!b")).isEqualTo(MessageCodec.encode(m, "s.a!b"));
        assertThat(prepared.encode(List.of("s.a!b", "s.a!c"))).isEqualTo(MessageCodec.encode(m, List.of("s.a!b", "s.a!c")));
        MessageCodec.Prepared big = MessageCodec.prepare(Message.from(WireCases.numberedMap(20)));
        assertThat(big.encode("c!1")).isEqualTo(MessageCodec.encode(Message.from(WireCases.numberedMap(20)), "c!1"));
        assertThatThrownBy(() -> prepared.encode(1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The head a group send script completes: the full encoding, less the channel list's array. */
    @Test
    void headBeforeChannelList_isTheEncodingUpToTheListOfChannels() {
        Message m = Message.of("type", "chat.message", "text", "hi");
        byte[] head = MessageCodec.prepare(m).headBeforeChannelList();
        byte[] full = MessageCodec.encode(m, List.of("s.a!b"));
        byte[] list = {(byte) 0x91, (byte) 0xa5, 's', '.', 'a', '!', 'b'}; // fixarray of 1, fixstr of 5
        assertThat(head).isEqualTo(Arrays.copyOfRange(full, 0, full.length - list.length));
        assertThat(Arrays.copyOfRange(full, head.length, full.length)).isEqualTo(list);
        MessageCodec.Prepared big = MessageCodec.prepare(Message.from(WireCases.numberedMap(20)));
        byte[] bigFull = big.encode(List.of("c!1"));
        assertThat(big.headBeforeChannelList()).isEqualTo(Arrays.copyOfRange(bigFull, 0, bigFull.length - 5));
    }

    @Test
    void decodeWithChannelPopsTheRoutingKey() {
        Message m = Message.of("type", "a", "text", "b");
        MessageCodec.Decoded plain = MessageCodec.decodeWithChannel(MessageCodec.encode(m));
        assertThat(plain.message()).isEqualTo(m);
        assertThat(plain.asgiChannel()).isNull();

        MessageCodec.Decoded single = MessageCodec.decodeWithChannel(MessageCodec.encode(m, "s.x!y"));
        assertThat(single.message()).isEqualTo(m);
        assertThat(single.message().has("__asgi_channel__")).isFalse();
        assertThat(single.asgiChannel()).isEqualTo("s.x!y");

        MessageCodec.Decoded group = MessageCodec.decodeWithChannel(MessageCodec.encode(m, List.of("s.x!1", "s.x!2")));
        assertThat(group.message()).isEqualTo(m);
        assertThat(group.asgiChannel()).isEqualTo(List.of("s.x!1", "s.x!2"));
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) group.asgiChannel();
        assertThatThrownBy(() -> list.add("more")).isInstanceOf(UnsupportedOperationException.class);

        // The key is popped wherever it is, not only at the end.
        Message first = Message.of("__asgi_channel__", "s.x!z", "type", "a");
        MessageCodec.Decoded popped = MessageCodec.decodeWithChannel(MessageCodec.encode(first));
        assertThat(popped.asgiChannel()).isEqualTo("s.x!z");
        assertThat(popped.message()).isEqualTo(Message.of("type", "a"));
    }

    @Test
    void decodeWithChannelRejectsARoutingKeyOfAnotherType() {
        assertThatThrownBy(() -> MessageCodec.decodeWithChannel(MessageCodec.encode(Message.of("__asgi_channel__", 5L))))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("__asgi_channel__");
        assertThatThrownBy(() -> MessageCodec.decodeWithChannel(
                MessageCodec.encode(Message.of("__asgi_channel__", List.of("a!b", 1L)))))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("list");
        // Plain decode leaves whatever is there alone.
        assertThat(MessageCodec.decode(MessageCodec.encode(Message.of("__asgi_channel__", 5L))).get("__asgi_channel__"))
                .isEqualTo(5L);
    }

    // ================================================================ decoding errors

    private static InvalidMessageException decodeError(String hex) {
        Throwable t = catchThrowable(() -> MessageCodec.decode(hex(hex)));
        assertThat(t).as("decoding %s", hex).isInstanceOf(InvalidMessageException.class);
        return (InvalidMessageException) t;
    }

    @Test
    void emptyInputIsRejected() {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[0]))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("empty");
    }

    @Test
    void everyTruncationIsAClearError() {
        byte[] full = MessageCodec.encode(Message.builder("t")
                .put("s", "x".repeat(40)).put("b", new byte[300]).put("i", Long.MAX_VALUE).put("d", 1.5)
                .put("l", List.of(1, "two", List.of(3.0))).put("m", Map.of("k", "v")).build());
        for (int n = 1; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            Throwable t = catchThrowable(() -> MessageCodec.decode(cut));
            assertThat(t).as("prefix of %d bytes", n).isInstanceOf(InvalidMessageException.class);
            assertThat(t.getMessage()).as("prefix of %d bytes", n).containsIgnoringCase("truncated");
        }
    }

    @Test
    void trailingBytesAreRejected() {
        assertThat(decodeError("80 c0").getMessage()).contains("1 unexpected byte(s) after the message at offset 1");
        assertThat(decodeError("81a16101 81a16102").getMessage()).contains("unexpected byte");
    }

    @ParameterizedTest
    @ValueSource(strings = {"90", "01", "c0", "a161", "c3", "cb3ff8000000000000"})
    void topLevelMustBeAMap(String hex) {
        assertThat(decodeError(hex).getMessage()).contains("top-level value").contains("not a map");
    }

    @Test
    void nonStringMapKeysAreNamed() {
        assertThat(decodeError("81 01 a178").getMessage()).contains("map key 1 is an integer").contains("strings");
        assertThat(decodeError("81 c40201ff a178").getMessage()).contains("b'01ff'").contains("bin");
        assertThat(decodeError("81 c0 01").getMessage()).contains("map key null is nil");
        assertThat(decodeError("81 a16f 81 c3 01").getMessage()).contains("map key true").contains("in key 'o'");
        assertThat(decodeError("81 a16f 81 cb3ff8000000000000 01").getMessage()).contains("map key 1.5 is a float");
    }

    @Test
    void extensionTypesAreRejected() {
        assertThat(decodeError("81 a165 d40100").getMessage()).contains("extension type 1").contains("in key 'e'");
        assertThat(decodeError("81 a174 d6ff00000000").getMessage()).contains("extension type -1 (timestamp)");
        assertThat(decodeError("81 a165 c7020501ff").getMessage()).contains("extension type 5");
    }

    @Test
    void uint64AboveLongMaxIsRejected() {
        assertThat(decodeError("81 a169 cfffffffffffffffff").getMessage())
                .contains("18446744073709551615").contains("uint64").contains("in key 'i'");
        assertThat(decodeError("81 a169 cf8000000000000000").getMessage()).contains("9223372036854775808");
        assertThat(MessageCodec.decode(hex("81 a169 cf7fffffffffffffff")).get("i")).isEqualTo(Long.MAX_VALUE);
        assertThat(MessageCodec.decode(hex("81 a169 d38000000000000000")).get("i")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void invalidUtf8IsRejected() {
        assertThat(decodeError("81 a173 a2c328").getMessage()).contains("not valid UTF-8").contains("in key 's'");
        assertThat(decodeError("81 a2c328 01").getMessage()).contains("not valid UTF-8");
        // An encoded surrogate (CESU-8) is not UTF-8 for Python either.
        assertThat(decodeError("81 a173 a3eda080").getMessage()).contains("not valid UTF-8");
    }

    @Test
    void neverUsedByteIsRejected() {
        assertThat(decodeError("c1").getMessage()).contains("0xc1");
        assertThat(decodeError("81 a161 c1").getMessage()).contains("0xc1");
        assertThat(decodeError("81 c1 01").getMessage()).contains("0xc1");
    }

    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
        assertThat(decodeError("81 a173 dbffffffff").getMessage()).contains("truncated").contains("string");
        assertThat(decodeError("81 a162 c6ffffffff").getMessage()).contains("truncated").contains("byte string");
        assertThat(decodeError("81 a16c ddffffffff").getMessage()).contains("truncated").contains("array");
        assertThat(decodeError("dfffffffff").getMessage()).contains("truncated").contains("map");
        assertThat(decodeError("81 a16c dd7fffffff 00").getMessage()).contains("truncated");
    }

    @Test
    void errorsNameTheKeyPath() {
        // {"outer": {"inner": [1, ext]}}
        String message = decodeError("81 a56f75746572 81 a5696e6e6572 92 01 d40100").getMessage();
        assertThat(message).contains("in key 'outer.inner[1]'").contains("byte offset");
    }

    /** {"l": [[...[]...]]}: a top-level map holding {@code lists} nested lists. */
    static byte[] nestedLists(int lists) {
        byte[] bytes = new byte[3 + lists];
        bytes[0] = (byte) 0x81;
        bytes[1] = (byte) 0xa1;
        bytes[2] = 'l';
        Arrays.fill(bytes, 3, bytes.length - 1, (byte) 0x91);
        bytes[bytes.length - 1] = (byte) 0x90;
        return bytes;
    }

    static Object nested(int lists) {
        Object value = List.of();
        for (int i = 1; i < lists; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void nestingIsLimitedToWhatPythonPackbWrites() {
        Message deepest = Message.of("l", nested(MessageCodec.MAX_DEPTH - 1));
        byte[] bytes = nestedLists(MessageCodec.MAX_DEPTH - 1);
        assertThat(MessageCodec.encode(deepest)).isEqualTo(bytes);
        assertThat(MessageCodec.decode(bytes)).isEqualTo(deepest);
        assertThatThrownBy(() -> MessageCodec.encode(Message.of("l", nested(MessageCodec.MAX_DEPTH))))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("deeper than 512")
                .hasMessageContaining("'l'");
        assertThat(decodeError(HEX.formatHex(nestedLists(MessageCodec.MAX_DEPTH))).getMessage())
                .contains("deeper than 512");
        assertThat(decodeError(HEX.formatHex(nestedLists(100_000))).getMessage()).contains("deeper than 512");
    }

    @Test
    void randomGarbageOnlyEverFailsWithInvalidMessageException() {
        Random random = new Random(42);
        byte[] valid = MessageCodec.encode(Message.builder("t").put("l", List.of(1, "x", Map.of("k", 2.5)))
                .put("b", new byte[] {1, 2}).build());
        IntStream.range(0, 20_000).forEach(i -> {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[1 + random.nextInt(40)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            try {
                MessageCodec.decode(input);
            } catch (InvalidMessageException expected) {
                assertThat(expected.getMessage()).startsWith("cannot decode message:");
            }
        });
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> MessageCodec.encode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MessageCodec.decode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MessageCodec.decodeWithChannel(null)).isInstanceOf(NullPointerException.class);
    }
}

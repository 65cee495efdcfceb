package io.channels4j.redis;

import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the wire format against the real Python libraries, both ways: Java bytes read by
 * {@code msgpack.unpackb} and Python {@code packb} bytes read by Java; Fernet tokens made by
 * {@code cryptography}'s MultiFernet with channels_redis's key derivation decrypted in Java and
 * the reverse, including key rotation; and channels_redis's own {@code serialize}/{@code
 * deserialize} when channels_redis is importable.
 *
 * <p>Needs {@code /usr/bin/python3} (or the interpreter in system property
 * {@code channels4j.python}) with msgpack 1.0 and cryptography; fails with instructions when they
 * are missing rather than skipping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonWireCompatibilityTest {

    private static final String PYTHON = System.getProperty("channels4j.python", "/usr/bin/python3");
    private static final long PYTHON_TIMEOUT_SECONDS = 30;
    private static final HexFormat HEX = HexFormat.of();

    /** Python helpers shared by every script. */
    private static final String PRELUDE = """
            import base64, hashlib, math, sys
            import msgpack
            from cryptography.fernet import Fernet, InvalidToken, MultiFernet

            sys.setrecursionlimit(10000)  # same() below recurses through 511-deep lists

            def same(a, b):
                # Equality that also compares types (1 == 1.0 == True in Python), float signs and NaN,
                # and dict key order.
                if type(a) is not type(b):
                    return False
                if isinstance(a, float):
                    if math.isnan(a) or math.isnan(b):
                        return math.isnan(a) and math.isnan(b)
                    return a == b and math.copysign(1, a) == math.copysign(1, b)
                if isinstance(a, list):
                    return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
                if isinstance(a, dict):
                    return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
                return a == b

            def make_fernet(secret):
                # channels_redis RedisChannelLayer.make_fernet
                return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf8")).digest()))

            def crypter(secrets_hex):
                return MultiFernet([make_fernet(bytes.fromhex(s).decode("utf8")) for s in secrets_hex.split(",")])

            def lines():
                for line in sys.stdin:
                    yield line.rstrip("\\n").split("\\t")
            """;

    private static Path work;

    @BeforeAll
    static void requirePython() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing: PythonWireCompatibilityTest checks the Redis wire format against Python's "
                    + "msgpack and cryptography. Install them (Debian/Ubuntu: apt-get install python3 "
                    + "python3-msgpack python3-cryptography) or point -Dchannels4j.python at an interpreter that "
                    + "has them.");
        }
        work = Files.createTempDirectory("channels4j-python-wire");
        Result r = python("import msgpack, cryptography\nprint(msgpack.version, cryptography.__version__)\n", "");
        if (r.exit != 0) {
            fail(PYTHON + " cannot import msgpack and cryptography, which PythonWireCompatibilityTest needs "
                    + "(Debian/Ubuntu: apt-get install python3-msgpack python3-cryptography; or "
                    + "-Dchannels4j.python=<interpreter>):\n" + r.stderr);
        }
    }

    @AfterAll
    static void removeWorkDirectory() throws IOException {
        if (work != null) {
            Files.deleteIfExists(work);
        }
    }

    // ================================================================ msgpack

    @Test
    void msgpackBothWays() throws Exception {
        List<MessageCodecTest.Case> cases = new ArrayList<>(MessageCodecTest.WireCases.vectorCases());
        cases.addAll(MessageCodecTest.WireCases.largeCases());
        cases.add(new MessageCodecTest.Case("http_request", Message.builder("http.request")
                .put("body", "x=1".getBytes(StandardCharsets.US_ASCII)).put("more_body", false).build(), null));
        cases.add(new MessageCodecTest.Case("deep_mixed", Message.of("a", List.of(Map.of("b", List.of(
                Arrays.asList(null, 1.25e-7, -7L, "\u00fc\u0000", new byte[] {0}))))), "specific.q!r"));

        StringBuilder input = new StringBuilder();
        for (MessageCodecTest.Case c : cases) {
            input.append(c.name()).append('\t').append(HEX.formatHex(c.encode())).append('\t')
                    .append(toPython(c.withChannel())).append('\n');
        }
        String script = PRELUDE + """
                for name, java_hex, expr in lines():
                    expected = eval(expr)
                    decoded = msgpack.unpackb(bytes.fromhex(java_hex), raw=False)
                    status = "ok" if same(decoded, expected) else "MISMATCH " + repr(decoded)[:300]
                    print(name, status, msgpack.packb(expected, use_bin_type=True).hex(), sep="\\t")
                """;
        Map<String, String[]> results = byName(run(script, input.toString()));
        for (MessageCodecTest.Case c : cases) {
            String[] r = results.get(c.name());
            assertThat(r).as("Python answered for %s", c.name()).isNotNull();
            assertThat(r[1]).as("Python unpackb of the Java bytes for %s", c.name()).isEqualTo("ok");
            assertThat(r[2]).as("Python packb equals Java encode for %s", c.name()).isEqualTo(HEX.formatHex(c.encode()));
            byte[] pythonBytes = HEX.parseHex(r[2]);
            MessageCodec.Decoded decoded = MessageCodec.decodeWithChannel(pythonBytes);
            assertThat(decoded.message()).as("Java decode of Python bytes for %s", c.name()).isEqualTo(c.message());
            assertThat(decoded.asgiChannel()).isEqualTo(c.asgiChannel());
        }
    }

    @Test
    void nestingLimitsMatchPython() throws Exception {
        // Python's parser cannot read such deep literals, so Python builds the values itself.
        String script = PRELUDE + """
                def nested(lists):
                    v = []
                    for _ in range(lists - 1):
                        v = [v]
                    return {"l": v}
                for op, lists in lines():
                    try:
                        if op == "pack":
                            print(msgpack.packb(nested(int(lists)), use_bin_type=True).hex())
                        else:
                            ok = same(msgpack.unpackb(bytes.fromhex(lists), raw=False)["l"], nested(len(lists) // 2 - 3)["l"])
                            print("ok" if ok else "MISMATCH")
                    except Exception as e:
                        print("rejected " + type(e).__name__)
                """;
        int deepest = MessageCodec.MAX_DEPTH - 1; // lists inside the top-level map
        List<String> out = run(script, String.join("\n",
                "pack\t" + deepest,
                "pack\t" + (deepest + 1),
                "unpack\t" + HEX.formatHex(MessageCodec.encode(Message.of("l", MessageCodecTest.nested(deepest))))));
        // The deepest Python writes is byte-identical to Java's, and Java reads it.
        assertThat(out.get(0)).isEqualTo(HEX.formatHex(MessageCodecTest.nestedLists(deepest)));
        assertThat(MessageCodec.decode(HEX.parseHex(out.get(0))))
                .isEqualTo(Message.of("l", MessageCodecTest.nested(deepest)));
        assertThat(out.get(2)).isEqualTo("ok");
        // One more level: Python's packb refuses, and so does Java, both ways.
        assertThat(out.get(1)).isEqualTo("rejected ValueError");
        assertThat(catchThrowable(() -> MessageCodec.encode(Message.of("l", MessageCodecTest.nested(deepest + 1)))))
                .isInstanceOf(InvalidMessageException.class);
        assertThat(catchThrowable(() -> MessageCodec.decode(MessageCodecTest.nestedLists(deepest + 1))))
                .isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void malformedInputIsRejectedByBoth() throws Exception {
        List<String> malformed = List.of(
                "81a161", // truncated: value missing
                "81a173a5616263", // truncated string
                "81a169cd01", // truncated integer
                "80c0", // trailing bytes
                "8101a178", // integer key
                "81c001", // nil key
                "81a173a2c328", // invalid UTF-8
                "81a173a3eda080", // encoded surrogate
                "c1", // never-used byte
                "81a173dbffffffff", // string longer than the input
                "dfffffffff", // map longer than the input
                "81a16cdd7fffffff00", // array longer than the input
                HEX.formatHex(MessageCodecTest.nestedLists(1100))); // deeper than Python's unpack stack
        StringBuilder input = new StringBuilder();
        for (String hex : malformed) {
            input.append(hex).append('\n');
        }
        String script = PRELUDE + """
                for (hex_,) in lines():
                    try:
                        msgpack.unpackb(bytes.fromhex(hex_), raw=False)
                        print(hex_, "accepted", sep="\\t")
                    except Exception as e:
                        print(hex_, "rejected " + type(e).__name__, sep="\\t")
                """;
        Map<String, String[]> results = byName(run(script, input.toString()));
        for (String hex : malformed) {
            assertThat(results.get(hex)[1]).as("Python on %s", abbreviate(hex)).startsWith("rejected");
            assertThat(catchThrowable(() -> MessageCodec.decode(HEX.parseHex(hex))))
                    .as("Java on %s", abbreviate(hex)).isInstanceOf(InvalidMessageException.class);
        }
    }

    @Test
    void valuesPythonDecodesButAMessageCannotHoldAreRejectedClearly() throws Exception {
        // Python's unpackb accepts these; a channels4j Message cannot represent them, so Java
        // refuses them with a clear error instead of inventing a value.
        Map<String, String> divergent = new LinkedHashMap<>();
        divergent.put("81c40201ffa178", "map key b'01ff'"); // strict_map_key allows bytes keys
        divergent.put("81a169cfffffffffffffffff", "18446744073709551615"); // uint64 above Long.MAX_VALUE
        divergent.put("81a165d40100", "extension type 1 ");
        divergent.put("81a174d6ff00000000", "extension type -1 (timestamp)");
        divergent.put("9101", "top-level value is an array");
        StringBuilder input = new StringBuilder();
        divergent.keySet().forEach(hex -> input.append(hex).append('\n'));
        String script = PRELUDE + """
                for (hex_,) in lines():
                    try:
                        msgpack.unpackb(bytes.fromhex(hex_), raw=False)
                        print(hex_, "accepted", sep="\\t")
                    except Exception as e:
                        print(hex_, "rejected " + type(e).__name__, sep="\\t")
                """;
        Map<String, String[]> results = byName(run(script, input.toString()));
        divergent.forEach((hex, explanation) -> {
            assertThat(results.get(hex)[1]).as("Python on %s", hex).isEqualTo("accepted");
            Throwable t = catchThrowable(() -> MessageCodec.decode(HEX.parseHex(hex)));
            assertThat(t).as("Java on %s", hex).isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining(explanation);
        });
    }

    // ================================================================ Fernet

    private static String secretsHex(String... secrets) {
        List<String> hex = new ArrayList<>();
        for (String s : secrets) {
            hex.add(HEX.formatHex(s.getBytes(StandardCharsets.UTF_8)));
        }
        return String.join(",", hex);
    }

    /** Python ops: "encrypt SECRETS PLAINTEXT_HEX -" or "decrypt SECRETS TOKEN TTL|None". */
    private static final String FERNET_SCRIPT = PRELUDE + """
            for op, secrets, arg, ttl in lines():
                f = crypter(secrets)
                if op == "encrypt":
                    print(f.encrypt(bytes.fromhex(arg)).decode("ascii"))
                else:
                    try:
                        print(f.decrypt(arg.encode("ascii"), None if ttl == "None" else int(ttl)).hex())
                    except InvalidToken:
                        print("InvalidToken")
            """;

    @Test
    void fernetBothWaysWithRotation() throws Exception {
        String a = "key A";
        String b = "key B \u00e9\uD83D\uDD11";
        String c = "unrelated";
        byte[] plaintext = MessageCodec.encode(Message.of("type", "chat.message", "text", "secret text"));
        byte[] big = new byte[5000];
        new SecureRandom().nextBytes(big);
        String p = HEX.formatHex(plaintext);

        // Python encrypts...
        String[] pyTokens = run(FERNET_SCRIPT, String.join("\n",
                "encrypt\t" + secretsHex(a) + "\t" + p + "\t-",
                "encrypt\t" + secretsHex(b, a) + "\t" + p + "\t-",
                "encrypt\t" + secretsHex(a) + "\t\t-",
                "encrypt\t" + secretsHex(a) + "\t" + HEX.formatHex(big) + "\t-")).toArray(String[]::new);
        assertThat(pyTokens).hasSize(4);
        Duration ttl = Duration.ofSeconds(96);
        // ... Java decrypts, with rotation both ways.
        assertThat(new SymmetricEncryption(List.of(a)).decrypt(ascii(pyTokens[0]), ttl)).isEqualTo(plaintext);
        assertThat(new SymmetricEncryption(List.of(b, a)).decrypt(ascii(pyTokens[0]), ttl)).isEqualTo(plaintext);
        assertThat(new SymmetricEncryption(List.of(b)).decrypt(ascii(pyTokens[1]), ttl)).isEqualTo(plaintext);
        assertThat(new SymmetricEncryption(List.of(a, b)).decrypt(ascii(pyTokens[1]), ttl)).isEqualTo(plaintext);
        assertThat(catchThrowable(() -> new SymmetricEncryption(List.of(a)).decrypt(ascii(pyTokens[1]), ttl)))
                .isInstanceOf(InvalidTokenException.class);
        assertThat(catchThrowable(() -> new SymmetricEncryption(List.of(c)).decrypt(ascii(pyTokens[0]), ttl)))
                .isInstanceOf(InvalidTokenException.class);
        assertThat(new SymmetricEncryption(List.of(a)).decrypt(ascii(pyTokens[2]), ttl)).isEmpty();
        assertThat(new SymmetricEncryption(List.of(a)).decrypt(ascii(pyTokens[3]), ttl)).isEqualTo(big);

        // Java encrypts (A alone; then B first with A kept for rotation; one token 100 s old) ...
        String withA = new String(new SymmetricEncryption(List.of(a)).encrypt(plaintext), StandardCharsets.US_ASCII);
        String withB = new String(new SymmetricEncryption(List.of(b, a)).encrypt(plaintext), StandardCharsets.US_ASCII);
        String empty = new String(new SymmetricEncryption(List.of(a)).encrypt(new byte[0]), StandardCharsets.US_ASCII);
        String large = new String(new SymmetricEncryption(List.of(a)).encrypt(big), StandardCharsets.US_ASCII);
        Clock past = Clock.fixed(Instant.now().minusSeconds(100), ZoneOffset.UTC);
        String old = new String(new SymmetricEncryption(List.of(a), past).encrypt(plaintext), StandardCharsets.US_ASCII);
        Clock future = Clock.fixed(Instant.now().plusSeconds(120), ZoneOffset.UTC);
        String skewed = new String(new SymmetricEncryption(List.of(a), future).encrypt(plaintext), StandardCharsets.US_ASCII);
        // ... Python decrypts.
        List<String> out = run(FERNET_SCRIPT, String.join("\n",
                "decrypt\t" + secretsHex(a) + "\t" + withA + "\t96",
                "decrypt\t" + secretsHex(b, a) + "\t" + withA + "\t96", // rotation: new key first, old kept
                "decrypt\t" + secretsHex(b) + "\t" + withA + "\t96", // old key dropped
                "decrypt\t" + secretsHex(b) + "\t" + withB + "\t96",
                "decrypt\t" + secretsHex(a) + "\t" + withB + "\t96",
                "decrypt\t" + secretsHex(c) + "\t" + withA + "\tNone",
                "decrypt\t" + secretsHex(a) + "\t" + empty + "\t96",
                "decrypt\t" + secretsHex(a) + "\t" + large + "\t96",
                "decrypt\t" + secretsHex(a) + "\t" + old + "\t60", // expired for Python too
                "decrypt\t" + secretsHex(a) + "\t" + old + "\t200",
                "decrypt\t" + secretsHex(a) + "\t" + skewed + "\t96", // too far in the future
                "decrypt\t" + secretsHex(a) + "\t" + skewed + "\tNone"));
        assertThat(out).containsExactly(p, p, "InvalidToken", p, "InvalidToken", "InvalidToken", "",
                HEX.formatHex(big), "InvalidToken", p, "InvalidToken", p);
        // And Java agrees on the time checks.
        assertThat(catchThrowable(() -> new SymmetricEncryption(List.of(a)).decrypt(ascii(old), Duration.ofSeconds(60))))
                .isInstanceOf(InvalidTokenException.class);
        assertThat(catchThrowable(() -> new SymmetricEncryption(List.of(a)).decrypt(ascii(skewed), ttl)))
                .isInstanceOf(InvalidTokenException.class);
    }

    // ================================================================ channels_redis itself

    private static final String LAYER_SCRIPT = PRELUDE + """
            from channels_redis.core import RedisChannelLayer

            def layer(secrets_hex):
                keys = None if secrets_hex == "-" else [bytes.fromhex(s).decode("utf8") for s in secrets_hex.split(",")]
                return RedisChannelLayer(expiry=60, symmetric_encryption_keys=keys)

            for op, secrets, arg in lines():
                if op == "serialize":
                    print(layer(secrets).serialize(eval(arg)).hex())
                else:
                    expected_expr, member_hex = arg.split(" ")
                    message = layer(secrets).deserialize(bytes.fromhex(member_hex))
                    print("ok" if same(message, eval(expected_expr)) else "MISMATCH " + repr(message)[:300])
            """;

    @Test
    void channelsRedisSerializeAndDeserialize() throws Exception {
        Result probe = python("import channels_redis.core\n", "");
        assumeTrue(probe.exit == 0, "channels_redis is not importable by " + PYTHON
                + " (apt-get install python3-channels-redis); its serialize()/deserialize() were not run. "
                + "The msgpack and Fernet checks above cover the same formats.");
        String secret = "layer secret";
        SymmetricEncryption crypter = new SymmetricEncryption(List.of(secret));
        Message message = Message.builder("chat.message").put("text", "hello \u00e9").put("n", 3)
                .put("raw", new byte[] {1, 2}).build();
        String channel = "specific.0123456789abcdef0123456789abcdef!abc";

        // Java members (12 random bytes + body), deserialized by channels_redis.
        byte[] prefix = new byte[12];
        new SecureRandom().nextBytes(prefix);
        byte[] plainMember = concat(prefix, MessageCodec.encode(message, channel));
        byte[] encryptedMember = concat(prefix, crypter.encrypt(MessageCodec.encode(message, List.of(channel))));
        String expectedSend = toPython(message.with(MessageCodec.ASGI_CHANNEL, channel)).replace(" ", "");
        String expectedGroup = toPython(message.with(MessageCodec.ASGI_CHANNEL, List.of(channel))).replace(" ", "");
        // Python members, deserialized here.
        List<String> out = run(LAYER_SCRIPT, String.join("\n",
                "deserialize\t-\t" + expectedSend + " " + HEX.formatHex(plainMember),
                "deserialize\t" + secretsHex(secret) + "\t" + expectedGroup + " " + HEX.formatHex(encryptedMember),
                "serialize\t-\t" + expectedSend,
                "serialize\t" + secretsHex("other", secret) + "\t" + expectedGroup));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo("ok");
        assertThat(out.get(1)).isEqualTo("ok");

        byte[] pyPlain = HEX.parseHex(out.get(2));
        MessageCodec.Decoded sent = MessageCodec.decodeWithChannel(Arrays.copyOfRange(pyPlain, 12, pyPlain.length));
        assertThat(sent.message()).isEqualTo(message);
        assertThat(sent.asgiChannel()).isEqualTo(channel);

        byte[] pyEncrypted = HEX.parseHex(out.get(3));
        byte[] body = new SymmetricEncryption(List.of(secret, "other"))
                .decrypt(Arrays.copyOfRange(pyEncrypted, 12, pyEncrypted.length), Duration.ofSeconds(70));
        MessageCodec.Decoded grouped = MessageCodec.decodeWithChannel(body);
        assertThat(grouped.message()).isEqualTo(message);
        assertThat(grouped.asgiChannel()).isEqualTo(List.of(channel));
    }

    @Test
    void consistentHashMatchesPython() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            names.add(i % 3 == 0 ? "specific." + Integer.toHexString(i * 7919) + "!" + i
                    : i % 3 == 1 ? "group-\u00e9" + i : "chat.room." + i);
        }
        StringBuilder input = new StringBuilder();
        for (String name : names) {
            input.append(HEX.formatHex(name.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        String script = PRELUDE + """
                try:
                    from channels_redis.utils import _consistent_hash
                except ImportError:
                    import binascii
                    def _consistent_hash(value, ring_size):  # channels_redis 4.0 utils.py
                        if ring_size == 1:
                            return 0
                        return int((binascii.crc32(value.encode("utf8")) & 0xFFF) / (4096 / float(ring_size)))
                for (name_hex,) in lines():
                    name = bytes.fromhex(name_hex).decode("utf8")
                    print(",".join(str(_consistent_hash(name, n)) for n in range(1, 17)))
                """;
        List<String> out = run(script, input.toString());
        assertThat(out).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            List<String> java = new ArrayList<>();
            for (int n = 1; n <= 16; n++) {
                java.add(Integer.toString(ConsistentHash.shard(names.get(i), n)));
            }
            assertThat(String.join(",", java)).as(names.get(i)).isEqualTo(out.get(i));
        }
    }

    // ================================================================ helpers

    /** A Python expression for a message value, independent of the codec under test. */
    static String toPython(Object value) {
        StringBuilder sb = new StringBuilder();
        appendPython(sb, value instanceof Message m ? m.asMap() : value);
        return sb.toString();
    }

    private static void appendPython(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("None");
            case Boolean b -> sb.append(b ? "True" : "False");
            case Long l -> sb.append(l);
            case Double d -> {
                if (d.isNaN()) {
                    sb.append("float('nan')");
                } else if (d.isInfinite()) {
                    sb.append(d > 0 ? "float('inf')" : "float('-inf')");
                } else {
                    sb.append("float.fromhex('").append(Double.toHexString(d)).append("')");
                }
            }
            case String s -> sb.append("bytes.fromhex('").append(HEX.formatHex(s.getBytes(StandardCharsets.UTF_8)))
                    .append("').decode('utf-8')");
            case byte[] b -> sb.append("bytes.fromhex('").append(HEX.formatHex(b)).append("')");
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    appendPython(sb, list.get(i));
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(first ? "" : ", ");
                    first = false;
                    appendPython(sb, e.getKey());
                    sb.append(": ");
                    appendPython(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> throw new IllegalArgumentException("no Python form for " + value.getClass());
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static Map<String, String[]> byName(List<String> lines) {
        Map<String, String[]> map = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.split("\t", -1);
            map.put(fields[0], fields);
        }
        return map;
    }

    private record Result(int exit, List<String> stdout, String stderr) {
    }

    /** Runs a script, failing the test with Python's stderr if it does not exit 0. */
    private static List<String> run(String script, String stdin) throws Exception {
        Result r = python(script, stdin);
        if (r.exit != 0) {
            fail(PYTHON + " failed (exit " + r.exit + "):\n" + r.stderr);
        }
        return r.stdout;
    }

    /** Runs {@code PYTHON -c script} with files for stdin and stdout, so large data cannot deadlock. */
    private static Result python(String script, String stdin) throws IOException, InterruptedException {
        Path dir = work != null ? work : Files.createTempDirectory("channels4j-python-wire");
        Path in = Files.createTempFile(dir, "in", ".txt");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        try {
            Files.writeString(in, stdin.isEmpty() || stdin.endsWith("\n") ? stdin : stdin + "\n", StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(PYTHON, "-c", script)
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            pb.environment().remove("PYTHONPATH");
            pb.environment().remove("PYTHONHOME");
            Process process = pb.start();
            if (!process.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                fail(PYTHON + " did not finish within " + PYTHON_TIMEOUT_SECONDS + " s");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output.lines().toList(), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

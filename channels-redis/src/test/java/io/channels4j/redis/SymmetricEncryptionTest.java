package io.channels4j.redis;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class SymmetricEncryptionTest {

    /** The secrets of generate_vectors.py, by name. */
    static final Map<String, String> SECRETS = Map.of(
            "a", "correct horse battery staple",
            "b", "rotated-secret-\u00e9\uD83D\uDD11",
            "c", "");

    private static final HexFormat HEX = HexFormat.of();
    private static final long NOW = 1_750_000_000L;
    private static final Duration TTL = Duration.ofSeconds(70);

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static SymmetricEncryption crypter(long now, String... secrets) {
        return new SymmetricEncryption(List.of(secrets), at(now));
    }

    record Vector(String name, List<String> secrets, long timestamp, byte[] iv, byte[] plaintext, String token) {
    }

    static List<Vector> vectors() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        try (InputStream in = SymmetricEncryptionTest.class.getResourceAsStream("/wire/fernet-vectors.tsv")) {
            assertThat(in).as("fernet-vectors.tsv").isNotNull();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                List<String> secrets = Arrays.stream(f[1].split(",")).map(SECRETS::get).toList();
                vectors.add(new Vector(f[0], secrets, Long.parseLong(f[2]), HEX.parseHex(f[3]), HEX.parseHex(f[4]), f[5]));
            }
        }
        return vectors;
    }

    // ================================================================ vectors from Python

    @Test
    void encryptsExactlyAsPythonFernet() throws IOException {
        List<Vector> vectors = vectors();
        assertThat(vectors).hasSize(8);
        for (Vector v : vectors) {
            SymmetricEncryption crypter = new SymmetricEncryption(v.secrets(), at(v.timestamp()));
            byte[] token = crypter.encrypt(v.plaintext(), v.timestamp(), v.iv());
            assertThat(new String(token, StandardCharsets.US_ASCII)).as(v.name()).isEqualTo(v.token());
        }
    }

    @Test
    void decryptsPythonTokens() throws IOException {
        for (Vector v : vectors()) {
            SymmetricEncryption crypter = new SymmetricEncryption(v.secrets(), at(v.timestamp() + 5));
            assertThat(crypter.decrypt(v.token().getBytes(StandardCharsets.US_ASCII), TTL)).as(v.name())
                    .isEqualTo(v.plaintext());
            // Any order of keys decrypts; a crypter with only other keys does not.
            List<String> reversed = new ArrayList<>(v.secrets());
            java.util.Collections.reverse(reversed);
            reversed.add(0, "unrelated");
            assertThat(new SymmetricEncryption(reversed, at(v.timestamp())).decrypt(
                    v.token().getBytes(StandardCharsets.US_ASCII), TTL)).isEqualTo(v.plaintext());
            assertThatThrownBy(() -> new SymmetricEncryption(List.of("unrelated"), at(v.timestamp()))
                    .decrypt(v.token().getBytes(StandardCharsets.US_ASCII), TTL))
                    .isInstanceOf(InvalidTokenException.class);
        }
    }

    // ================================================================ format

    @Test
    void tokenLayout() {
        SymmetricEncryption crypter = crypter(NOW, "k");
        byte[] token = crypter.encrypt("hello".getBytes(StandardCharsets.UTF_8));
        String text = new String(token, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("gAAAAA").matches("[A-Za-z0-9_=-]+");
        assertThat(text.length() % 4).isZero();
        byte[] data = Base64.getUrlDecoder().decode(token);
        assertThat(data[0]).isEqualTo((byte) 0x80);
        assertThat(ByteBuffer.wrap(data, 1, 8).getLong()).isEqualTo(NOW);
        assertThat(data).hasSize(1 + 8 + 16 + 16 + 32);
        assertThat(crypter.keyCount()).isEqualTo(1);
    }

    @Test
    void keyDerivationIsSha256SplitIntoSigningAndEncryptionHalves() throws Exception {
        String secret = "my secret \u00e9";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        byte[] iv = new byte[16];
        Arrays.fill(iv, (byte) 7);
        byte[] token = crypter(NOW, secret).encrypt(new byte[] {1, 2, 3}, NOW, iv);
        byte[] data = Base64.getUrlDecoder().decode(token);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(digest, 0, 16, "HmacSHA256"));
        mac.update(data, 0, data.length - 32);
        assertThat(mac.doFinal()).isEqualTo(Arrays.copyOfRange(data, data.length - 32, data.length));

        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(digest, 16, 16, "AES"), new IvParameterSpec(iv));
        assertThat(aes.doFinal(data, 25, data.length - 57)).containsExactly(1, 2, 3);
    }

    @Test
    void randomIvsMakeEveryTokenDifferent() {
        SymmetricEncryption crypter = crypter(NOW, "k");
        byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);
        byte[] a = crypter.encrypt(plaintext);
        byte[] b = crypter.encrypt(plaintext);
        assertThat(a).isNotEqualTo(b);
        assertThat(crypter.decrypt(a, TTL)).isEqualTo(plaintext);
        assertThat(crypter.decrypt(b, TTL)).isEqualTo(plaintext);
    }

    @Test
    void roundTripsManySizes() {
        SymmetricEncryption crypter = crypter(NOW, "k");
        for (int n = 0; n <= 100; n++) {
            byte[] plaintext = new byte[n];
            Arrays.fill(plaintext, (byte) n);
            byte[] token = crypter.encrypt(plaintext);
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(57 + (n / 16 + 1) * 16);
            assertThat(crypter.decrypt(token, TTL)).isEqualTo(plaintext);
        }
    }

    // ================================================================ rotation

    @Test
    void rotationEncryptsWithFirstAndDecryptsWithAny() {
        byte[] plaintext = "rotate me".getBytes(StandardCharsets.UTF_8);
        byte[] withA = crypter(NOW, "A").encrypt(plaintext);
        assertThat(crypter(NOW, "B", "A").decrypt(withA, TTL)).isEqualTo(plaintext);
        assertThat(crypter(NOW, "A", "B").decrypt(withA, TTL)).isEqualTo(plaintext);

        byte[] withB = crypter(NOW, "B", "A").encrypt(plaintext);
        assertThat(crypter(NOW, "B").decrypt(withB, TTL)).isEqualTo(plaintext);
        assertThatThrownBy(() -> crypter(NOW, "A").decrypt(withB, TTL))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("matches none of the 1 configured");
        assertThatThrownBy(() -> crypter(NOW, "C", "D").decrypt(withB, TTL))
                .hasMessageContaining("none of the 2 configured");
    }

    // ================================================================ rejection

    @Test
    void expiry() {
        byte[] token = crypter(NOW, "k").encrypt(new byte[] {1});
        assertThat(crypter(NOW + 70, "k").decrypt(token, TTL)).containsExactly(1); // timestamp + ttl == now
        assertThatThrownBy(() -> crypter(NOW + 71, "k").decrypt(token, TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("expired")
                .hasMessageContaining("71 s ago").hasMessageContaining("70 s");
        // Fractions of a second in the ttl do not count, as Python's integer ttl.
        assertThatThrownBy(() -> crypter(NOW + 71, "k").decrypt(token, Duration.ofMillis(70_999)))
                .isInstanceOf(InvalidTokenException.class);
        // No ttl: no time checks at all, as Python's decrypt(token) without ttl.
        assertThat(crypter(NOW + 1_000_000, "k").decrypt(token, null)).containsExactly(1);
        assertThat(crypter(NOW - 1_000_000, "k").decrypt(token, null)).containsExactly(1);
        // A huge ttl does not overflow.
        assertThat(crypter(NOW + 1_000_000, "k").decrypt(token, Duration.ofSeconds(Long.MAX_VALUE))).containsExactly(1);
    }

    @Test
    void clockSkew() {
        byte[] token = crypter(NOW, "k").encrypt(new byte[] {1});
        assertThat(crypter(NOW - 60, "k").decrypt(token, TTL)).containsExactly(1);
        assertThatThrownBy(() -> crypter(NOW - 61, "k").decrypt(token, TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("in the future");
    }

    @Test
    void timestampWithTheTopBitSetIsFarFuture() throws Exception {
        byte[] token = signedToken("k", 0xFFFF_FFFF_FFFF_FFFFL, new byte[16]);
        assertThatThrownBy(() -> crypter(NOW, "k").decrypt(token, TTL))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("18446744073709551615").hasMessageContaining("future");
        assertThat(crypter(NOW, "k").decrypt(token, null)).isEmpty();
    }

    @Test
    void tamperingAnyByteIsDetected() {
        SymmetricEncryption crypter = crypter(NOW, "k");
        byte[] data = Base64.getUrlDecoder().decode(crypter.encrypt("payload".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < data.length; i++) {
            byte[] copy = data.clone();
            copy[i] ^= 0x01;
            byte[] token = Base64.getUrlEncoder().encode(copy);
            Throwable t = catchThrowable(() -> crypter.decrypt(token, Duration.ofDays(365)));
            assertThat(t).as("byte %d flipped", i).isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void badVersionBase64AndLength() {
        SymmetricEncryption crypter = crypter(NOW, "k");
        byte[] data = Base64.getUrlDecoder().decode(crypter.encrypt(new byte[] {1}));
        data[0] = (byte) 0x81;
        assertThatThrownBy(() -> crypter.decrypt(Base64.getUrlEncoder().encode(data), TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("version byte 0x81");
        byte[] valid = crypter.encrypt(new byte[] {1});
        byte[] unpadded = new String(valid, StandardCharsets.US_ASCII).replace("=", "").getBytes(StandardCharsets.US_ASCII);
        assertThat(unpadded.length).isLessThan(valid.length);
        assertThatThrownBy(() -> crypter.decrypt(unpadded, TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("not padded");
        byte[] standardAlphabet = new String(valid, StandardCharsets.US_ASCII).replace('-', '+').replace('_', '/')
                .getBytes(StandardCharsets.US_ASCII);
        if (!Arrays.equals(standardAlphabet, valid)) {
            assertThatThrownBy(() -> crypter.decrypt(standardAlphabet, TTL)).isInstanceOf(InvalidTokenException.class);
        }
        assertThatThrownBy(() -> crypter.decrypt("not base64!!".getBytes(StandardCharsets.US_ASCII), TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> crypter.decrypt(new byte[0], TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> crypter.decrypt(Base64.getUrlEncoder().encode(new byte[] {(byte) 0x80, 0, 0}), TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("too short");
        byte[] shortToken = new byte[40];
        shortToken[0] = (byte) 0x80;
        ByteBuffer.wrap(shortToken, 1, 8).putLong(NOW);
        assertThatThrownBy(() -> crypter.decrypt(Base64.getUrlEncoder().encode(shortToken), TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> crypter.decrypt(null, TTL)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void badPaddingBehindAValidSignature() throws Exception {
        // A block ending in 0x00 is not PKCS#7 padding.
        byte[] token = signedToken("k", NOW, new byte[16], new byte[16]);
        assertThatThrownBy(() -> crypter(NOW, "k").decrypt(token, TTL))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature is valid").hasMessageContaining("padded");
        // Ciphertext that is not whole AES blocks.
        byte[] ragged = signedRaw("k", NOW, new byte[16], new byte[17]);
        assertThatThrownBy(() -> crypter(NOW, "k").decrypt(ragged, TTL))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("padded");
        // No ciphertext at all.
        byte[] empty = signedRaw("k", NOW, new byte[16], new byte[0]);
        assertThatThrownBy(() -> crypter(NOW, "k").decrypt(empty, TTL)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void errorMessagesNeverContainKeyMaterial() {
        String secret = "super-secret-value-1234";
        SymmetricEncryption crypter = crypter(NOW, secret);
        assertThat(crypter.toString()).doesNotContain(secret).contains("1 key");
        List<byte[]> bad = List.of(crypter(NOW, "other").encrypt(new byte[] {1}),
                crypter(NOW - 1000, secret).encrypt(new byte[] {1}), "x".getBytes(StandardCharsets.US_ASCII));
        for (byte[] token : bad) {
            Throwable t = catchThrowable(() -> crypter.decrypt(token, TTL));
            assertThat(t).isInstanceOf(InvalidTokenException.class);
            assertThat(t.getMessage()).doesNotContain(secret).startsWith("invalid Fernet token");
        }
    }

    @Test
    void constructorChecks() {
        assertThatThrownBy(() -> new SymmetricEncryption(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new SymmetricEncryption(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret 1 is null");
        assertThatThrownBy(() -> new SymmetricEncryption(List.of("bad \uD800")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret 0")
                .hasMessageNotContaining("bad");
        assertThatThrownBy(() -> new SymmetricEncryption(null)).isInstanceOf(NullPointerException.class);
        assertThat(new SymmetricEncryption(List.of("a", "b", "c")).keyCount()).isEqualTo(3);
        assertThatThrownBy(() -> crypter(NOW, "k").encrypt(new byte[1], NOW, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void safeToShareBetweenThreads() throws Exception {
        SymmetricEncryption crypter = new SymmetricEncryption(List.of("shared", "old"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] plaintext = ("thread " + seed + " message " + i).getBytes(StandardCharsets.UTF_8);
                        if (!Arrays.equals(plaintext, crypter.decrypt(crypter.encrypt(plaintext), TTL))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ================================================================ helpers

    /** A correctly signed token whose plaintext blocks are encrypted without padding. */
    private static byte[] signedToken(String secret, long timestamp, byte[] iv, byte[]... blocks) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        byte[] plain = new byte[blocks.length * 16];
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(blocks[i], 0, plain, i * 16, 16);
        }
        byte[] ciphertext;
        if (plain.length == 0) {
            // Valid padding for an empty plaintext: one full block of 0x10.
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(digest, 16, 16, "AES"), new IvParameterSpec(iv));
            ciphertext = aes.doFinal(new byte[0]);
        } else {
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(digest, 16, 16, "AES"), new IvParameterSpec(iv));
            ciphertext = aes.doFinal(plain);
        }
        return signedRaw(secret, timestamp, iv, ciphertext);
    }

    /** A correctly signed token around arbitrary ciphertext bytes. */
    private static byte[] signedRaw(String secret, long timestamp, byte[] iv, byte[] ciphertext) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        ByteBuffer data = ByteBuffer.allocate(25 + ciphertext.length + 32);
        data.put((byte) 0x80).putLong(timestamp).put(iv).put(ciphertext);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(digest, 0, 16, "HmacSHA256"));
        mac.update(data.array(), 0, 25 + ciphertext.length);
        data.put(mac.doFinal());
        return Base64.getUrlEncoder().encode(data.array());
    }
}

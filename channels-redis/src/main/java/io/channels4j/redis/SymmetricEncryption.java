package io.channels4j.redis;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * channels_redis's {@code symmetric_encryption_keys}: a Fernet {@code MultiFernet}, so that Java
 * and Python processes sharing one Redis can read each other's encrypted messages.
 *
 * <p>Each configured secret (a String, encoded as UTF-8) becomes a Fernet key the way
 * channels_redis derives it: {@code SHA-256(secret)}, whose bytes 0-15 sign (HMAC-SHA256) and
 * bytes 16-31 encrypt (AES-128-CBC, PKCS#7 padding). A token is the url-safe base64 (with
 * {@code =} padding) of {@code 0x80 || timestamp (8 bytes, big-endian seconds) || IV (16) ||
 * ciphertext || HMAC (32)}, the HMAC covering everything before it.
 *
 * <p>{@link #encrypt(byte[])} uses the first secret; {@link #decrypt(byte[], Duration)} tries every
 * secret in order, which is how keys are rotated: put the new secret first and keep the old one
 * until messages signed with it have expired.
 *
 * <p>Thread-safe: instances are immutable; ciphers and MACs are created per call.
 */
final class SymmetricEncryption {

    /** How far in the future a token's timestamp may be (Fernet's clock skew allowance). */
    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

    private static final byte VERSION = (byte) 0x80;
    private static final int TIMESTAMP_END = 9;
    private static final int IV_LENGTH = 16;
    private static final int HEADER_LENGTH = TIMESTAMP_END + IV_LENGTH;
    private static final int HMAC_LENGTH = 32;
    private static final int BLOCK = 16;

    private final List<FernetKey> keys;
    private final Clock clock;
    private final SecureRandom random;

    /** The two halves of one derived key. No toString: key material must never be printed. */
    private static final class FernetKey {
        final SecretKeySpec signing;
        final SecretKeySpec encryption;

        FernetKey(byte[] digest) {
            this.signing = new SecretKeySpec(digest, 0, 16, "HmacSHA256");
            this.encryption = new SecretKeySpec(digest, 16, 16, "AES");
        }
    }

    /**
     * Creates the encryption from channels_redis secrets, with the system clock.
     *
     * @param secrets one or more secrets, the one to encrypt with first
     * @throws IllegalArgumentException if the list is empty or a secret is null or not encodable
     *                                  as UTF-8
     */
    SymmetricEncryption(List<String> secrets) {
        this(secrets, Clock.systemUTC());
    }

    /**
     * Creates the encryption with a given clock (for token timestamps and expiry).
     *
     * @param secrets one or more secrets, the one to encrypt with first
     * @param clock   the clock
     * @throws IllegalArgumentException if the list is empty or a secret is null or not encodable
     *                                  as UTF-8
     */
    SymmetricEncryption(List<String> secrets, Clock clock) {
        Objects.requireNonNull(secrets, "secrets");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("symmetric encryption needs at least one secret");
        }
        List<FernetKey> derived = new ArrayList<>(secrets.size());
        MessageDigest sha256 = newDigest();
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            if (secret == null) {
                throw new IllegalArgumentException("symmetric encryption secret " + i + " is null");
            }
            byte[] digest = sha256.digest(utf8(secret, i));
            derived.add(new FernetKey(digest));
            Arrays.fill(digest, (byte) 0);
        }
        this.keys = List.copyOf(derived);
        this.random = new SecureRandom();
    }

    /**
     * How many secrets are configured.
     *
     * @return the count, at least 1
     */
    int keyCount() {
        return keys.size();
    }

    /**
     * Encrypts with the first secret, stamped with the current time.
     *
     * @param plaintext the bytes to encrypt
     * @return the Fernet token as ASCII bytes
     */
    byte[] encrypt(byte[] plaintext) {
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        return encrypt(plaintext, clock.instant().getEpochSecond(), iv);
    }

    /**
     * Encrypts with the first secret, a given timestamp and IV (for known-answer tests).
     *
     * @param plaintext the bytes to encrypt
     * @param timestamp the token timestamp, seconds since the epoch
     * @param iv        16 bytes
     * @return the Fernet token as ASCII bytes
     */
    byte[] encrypt(byte[] plaintext, long timestamp, byte[] iv) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (iv.length != IV_LENGTH) {
            throw new IllegalArgumentException("the IV must be " + IV_LENGTH + " bytes");
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("the token timestamp must not be before 1970");
        }
        FernetKey key = keys.get(0);
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, key.encryption, new IvParameterSpec(iv));
            int cipherLength = aes.getOutputSize(plaintext.length);
            byte[] data = new byte[HEADER_LENGTH + cipherLength + HMAC_LENGTH];
            data[0] = VERSION;
            ByteBuffer.wrap(data, 1, 8).putLong(timestamp);
            System.arraycopy(iv, 0, data, TIMESTAMP_END, IV_LENGTH);
            int written = aes.doFinal(plaintext, 0, plaintext.length, data, HEADER_LENGTH);
            if (written != cipherLength) {
                throw new IllegalStateException("AES wrote " + written + " bytes, expected " + cipherLength);
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.signing);
            mac.update(data, 0, HEADER_LENGTH + cipherLength);
            mac.doFinal(data, HEADER_LENGTH + cipherLength);
            return Base64.getUrlEncoder().encode(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CBC or HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /**
     * Decrypts a token made with any of the configured secrets, as Python's
     * {@code MultiFernet.decrypt(token, ttl)}.
     *
     * @param token the Fernet token (ASCII bytes)
     * @param ttl   how old the token may be (channels_redis uses {@code expiry + 10 s}; whole
     *              seconds count), or {@code null} to check neither age nor clock skew
     * @return the plaintext
     * @throws InvalidTokenException if the token is malformed, has a version other than 0x80,
     *                               has expired, is stamped more than {@link #MAX_CLOCK_SKEW} in
     *                               the future, matches none of the secrets, or has bad padding
     */
    byte[] decrypt(byte[] token, Duration ttl) {
        Objects.requireNonNull(token, "token");
        if (token.length % 4 != 0) {
            // Python's urlsafe_b64decode insists on the padding; so does Fernet.
            throw new InvalidTokenException("invalid Fernet token: not padded url-safe base64 (" + token.length
                    + " bytes, not a multiple of 4)");
        }
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("invalid Fernet token: not url-safe base64 (" + token.length + " bytes)");
        }
        if (data.length == 0) {
            throw new InvalidTokenException("invalid Fernet token: empty");
        }
        if (data[0] != VERSION) {
            throw new InvalidTokenException(String.format(
                    "invalid Fernet token: version byte 0x%02x, expected 0x80", data[0] & 0xFF));
        }
        if (data.length < TIMESTAMP_END) {
            throw new InvalidTokenException("invalid Fernet token: too short for a timestamp (" + data.length + " bytes)");
        }
        long timestamp = ByteBuffer.wrap(data, 1, 8).getLong(); // unsigned; negative means after 2^63
        if (ttl != null) {
            checkTime(timestamp, ttl);
        }
        if (data.length < HEADER_LENGTH + HMAC_LENGTH) {
            throw new InvalidTokenException("invalid Fernet token: too short (" + data.length + " bytes, at least "
                    + (HEADER_LENGTH + HMAC_LENGTH) + " needed)");
        }
        int signedLength = data.length - HMAC_LENGTH;
        byte[] tag = Arrays.copyOfRange(data, signedLength, data.length);
        boolean authenticated = false;
        for (FernetKey key : keys) {
            if (!MessageDigest.isEqual(hmac(key, data, signedLength), tag)) {
                continue;
            }
            authenticated = true;
            int cipherLength = signedLength - HEADER_LENGTH;
            if (cipherLength == 0 || cipherLength % BLOCK != 0) {
                continue; // like Python: this key fails, the next ones are tried
            }
            try {
                Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
                aes.init(Cipher.DECRYPT_MODE, key.encryption, new IvParameterSpec(data, TIMESTAMP_END, IV_LENGTH));
                return aes.doFinal(data, HEADER_LENGTH, cipherLength);
            } catch (BadPaddingException | IllegalBlockSizeException e) {
                // try the next key, as MultiFernet does
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-128-CBC is unavailable in this JVM", e);
            }
        }
        if (authenticated) {
            throw new InvalidTokenException("invalid Fernet token: the signature is valid but the ciphertext "
                    + "does not decrypt to correctly padded data");
        }
        throw new InvalidTokenException("invalid Fernet token: the signature matches none of the " + keys.size()
                + " configured symmetric encryption key(s)");
    }

    private void checkTime(long timestamp, Duration ttl) {
        long now = clock.instant().getEpochSecond();
        long ttlSeconds = ttl.getSeconds();
        if (timestamp >= 0 && saturatedAdd(timestamp, ttlSeconds) < now) {
            throw new InvalidTokenException("invalid Fernet token: expired (issued " + (now - timestamp)
                    + " s ago, time to live " + ttlSeconds + " s)");
        }
        if (timestamp < 0 || timestamp > saturatedAdd(now, MAX_CLOCK_SKEW.getSeconds())) {
            throw new InvalidTokenException("invalid Fernet token: timestamp "
                    + Long.toUnsignedString(timestamp) + " is more than " + MAX_CLOCK_SKEW.getSeconds()
                    + " s in the future (now " + now + "); check the clocks");
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    private static byte[] hmac(FernetKey key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.signing);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    private static byte[] utf8(String secret, int index) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(secret));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("symmetric encryption secret " + index
                    + " is not valid Unicode (unpaired surrogate)");
        }
    }

    @Override
    public String toString() {
        return "SymmetricEncryption[" + keys.size() + " key(s)]";
    }
}

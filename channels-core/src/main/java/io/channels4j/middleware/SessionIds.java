package io.channels4j.middleware;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session ids and their signed cookie form. An id is 32 random characters from {@code [a-z0-9]}
 * (Django's {@code get_random_string(32, VALID_KEY_CHARS)}, about 165 bits); the cookie carries
 * {@code <id>:<signature>}, the signature being the unpadded base64url HMAC-SHA256 of a fixed
 * salt and the id under the configured secret. A cookie that does not verify is treated as no
 * cookie. Thread-safe; the secret never leaves this object (not in {@code toString}, not in errors).
 */
final class SessionIds {

    /** Shortest secret accepted, in UTF-8 bytes: the HMAC-SHA256 key size. */
    static final int MIN_SECRET_BYTES = 32;

    private static final String CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] SALT = "io.channels4j.middleware.SessionMiddleware:".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    /**
     * Keyed and salted once, never updated: every signature starts from a clone. A
     * {@code Mac.getInstance} per request would look the provider up each time and leave a provider
     * thread-local (about 300 bytes) on the connection's thread for the connection's lifetime.
     */
    private final Mac prototype;

    /**
     * @param secret the signing secret
     * @throws IllegalArgumentException if it is shorter than {@value #MIN_SECRET_BYTES} bytes
     */
    SessionIds(String secret) {
        Objects.requireNonNull(secret, "session secret");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the session secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, was " + bytes.length + " (use a long random string kept out of the source)");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.prototype = newMac();
    }

    /** @return a secret for a store that lives only as long as this process */
    static String randomSecret() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return a new random session id */
    static String newId() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = CHARS.charAt(RANDOM.nextInt(CHARS.length()));
        }
        return new String(id);
    }

    /** @return true if the text has the shape of an id this class makes (stores may make others) */
    static boolean isWellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > 256) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** @return the cookie value for an id */
    String sign(String id) {
        if (!isWellFormed(id)) {
            throw new IllegalArgumentException("a session id must be 1..256 characters of [A-Za-z0-9_-]");
        }
        return id + ':' + signature(id);
    }

    /** @return the id a cookie value carries, or null if it is not one this secret signed */
    String unsign(String cookieValue) {
        int colon = cookieValue.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String id = cookieValue.substring(0, colon);
        if (!isWellFormed(id)) {
            return null;
        }
        // Compare the canonical text, not decoded bytes: lenient base64 would accept variants.
        byte[] given = cookieValue.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1);
        byte[] expected = signature(id).getBytes(StandardCharsets.ISO_8859_1);
        return MessageDigest.isEqual(given, expected) ? id : null;
    }

    private String signature(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(id));
    }

    private byte[] mac(String id) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            mac = newMac(); // a provider whose HMAC cannot be cloned
        }
        return mac.doFinal(id.getBytes(StandardCharsets.US_ASCII));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(SALT);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "SessionIds[HmacSHA256]";
    }
}

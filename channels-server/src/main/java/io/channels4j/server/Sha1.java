package io.channels4j.server;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 for the WebSocket handshake's {@code Sec-WebSocket-Accept}, from a clone of one digest.
 * {@code MessageDigest.getInstance} on every handshake would look the provider up each time and
 * leave a provider thread-local (a map and a lookup key, about 300 bytes) on the calling thread,
 * which for a WebSocket is the connection's own thread and lives as long as the connection.
 *
 * <p>Thread-safe: the prototype is never updated, only cloned.
 */
final class Sha1 {

    private static final MessageDigest PROTOTYPE = newDigest();

    private Sha1() {
    }

    /**
     * @param input the bytes
     * @return their SHA-1 digest, 20 bytes
     */
    static byte[] digest(byte[] input) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            digest = newDigest(); // a provider whose SHA-1 cannot be cloned
        }
        return digest.digest(input);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}

package io.channels4j.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SHA-1 for the WebSocket handshake's {@code Sec-WebSocket-Accept}, from a clone of one digest.
 * {@code MessageDigest.getInstance} on every handshake would look the provider up each time and
 * leave a provider thread-local (a map and a lookup key, about 300 bytes) on the calling thread,
 * which for a WebSocket is the connection's own thread and lives as long as the connection.
 *
 * <p>Thread-safe: the prototype is never updated, only cloned; a used digest is kept as a spare for
 * the next handshake (a clone is about 300 bytes of state), taken by one thread at a time.
 */
final class Sha1 {

    private static final MessageDigest PROTOTYPE = newDigest();
    private static final byte[] WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.ISO_8859_1);
    private static final AtomicReference<MessageDigest> SPARE = new AtomicReference<>();

    private Sha1() {
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for a client's key (RFC 6455 4.2.2).
     *
     * @param key the client's {@code Sec-WebSocket-Key}, ASCII
     * @return base64 of SHA-1 of the key and the protocol's GUID
     */
    static String websocketAccept(String key) {
        MessageDigest digest = take();
        for (int i = 0; i < key.length(); i++) {
            digest.update((byte) key.charAt(i));
        }
        digest.update(WEBSOCKET_GUID);
        byte[] result = digest.digest();
        SPARE.lazySet(digest);
        return Base64.getEncoder().encodeToString(result);
    }

    private static MessageDigest take() {
        MessageDigest spare = SPARE.getAndSet(null);
        if (spare != null) {
            return spare;
        }
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newDigest(); // a provider whose SHA-1 cannot be cloned
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}

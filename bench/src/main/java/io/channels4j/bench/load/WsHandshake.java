package io.channels4j.bench.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the RFC 6455 opening handshake, for {@link NioConnection}: the request bytes
 * and the check of the server's answer. Immutable; thread-safe.
 *
 * @param request the request head, ISO-8859-1 bytes, ending in an empty line
 * @param accept  the {@code Sec-WebSocket-Accept} value the server must answer with
 */
record WsHandshake(byte[] request, String accept) {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * Builds a request with a fresh random key.
     *
     * @param host   the {@code Host} header, {@code host:port}
     * @param path   the request path
     * @param origin the {@code Origin} header
     * @return the handshake
     */
    static WsHandshake of(String host, String path, String origin) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String head = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: " + origin + "\r\n"
                + "\r\n";
        return new WsHandshake(head.getBytes(StandardCharsets.ISO_8859_1), acceptFor(key));
    }

    /**
     * Checks the server's answer.
     *
     * @param responseHead the response head, without the final empty line
     * @return null when it accepts the upgrade, else why not (the status line or the bad header)
     */
    String check(String responseHead) {
        int eol = responseHead.indexOf("\r\n");
        String statusLine = eol < 0 ? responseHead : responseHead.substring(0, eol);
        if (!statusLine.startsWith("HTTP/1.1 101")) {
            return "handshake refused: " + statusLine;
        }
        for (String line : responseHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                String value = line.substring(colon + 1).strip();
                return value.equals(accept) ? null : "bad Sec-WebSocket-Accept: " + value;
            }
        }
        return "no Sec-WebSocket-Accept in: " + statusLine;
    }

    /** @return the accept value RFC 6455 derives from a key */
    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }
}

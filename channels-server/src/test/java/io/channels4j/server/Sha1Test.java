package io.channels4j.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The handshake's Sec-WebSocket-Accept, from clones of one prototype digest and a reused spare. */
class Sha1Test {

    /** The accept value computed independently, with a digest of the test's own. */
    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void websocketAccept_givesRfc6455sExampleAccept_everyTime() {
        // RFC 6455 section 1.3
        assertThat(Sha1.websocketAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        Sha1.websocketAccept("x3JJHMbDL1EzLkh9GBhXDw==");
        assertThat(Sha1.websocketAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void websocketAccept_isRfc6455s_alsoFromManyThreadsAtOnce() throws Exception {
        assertThat(Sha1.websocketAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.Queue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().name("sha1-" + t).start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    String key = Base64.getEncoder().encodeToString(("key " + i).getBytes(StandardCharsets.US_ASCII));
                    if (!Sha1.websocketAccept(key).equals(accept(key))) {
                        wrong.add(key);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).isEmpty();
    }
}

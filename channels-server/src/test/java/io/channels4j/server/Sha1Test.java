package io.channels4j.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The handshake digest, from clones of one prototype. */
class Sha1Test {

    private static String accept(String key) {
        return Base64.getEncoder().encodeToString(
                Sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void digest_givesRfc6455sExampleAccept_everyTime() {
        // RFC 6455 section 1.3
        assertThat(accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        accept("x3JJHMbDL1EzLkh9GBhXDw==");
        assertThat(accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}

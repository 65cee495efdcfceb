package io.channels4j.bench.load;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WsHandshakeTest {

    @Test
    void acceptFor_matchesRfc6455Example() {
        assertThat(WsHandshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void request_carriesHostOriginAndKey() {
        WsHandshake handshake = WsHandshake.of("127.0.0.1:8000", "/ws/chat/lobby/", "http://127.0.0.1:8000");
        String request = new String(handshake.request(), StandardCharsets.ISO_8859_1);

        assertThat(request).startsWith("GET /ws/chat/lobby/ HTTP/1.1\r\n").endsWith("\r\n\r\n")
                .contains("\r\nHost: 127.0.0.1:8000\r\n", "\r\nOrigin: http://127.0.0.1:8000\r\n",
                        "\r\nSec-WebSocket-Version: 13\r\n", "\r\nUpgrade: websocket\r\n");
        String key = request.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow().substring(19);
        assertThat(handshake.accept()).isEqualTo(WsHandshake.acceptFor(key));
    }

    @Test
    void check_acceptsOnly101WithTheRightAccept() {
        WsHandshake handshake = WsHandshake.of("h:1", "/", "http://h:1");
        assertThat(handshake.check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nsec-websocket-accept: "
                + handshake.accept())).isNull();
        assertThat(handshake.check("HTTP/1.1 403 Forbidden\r\nContent-Length: 0")).isEqualTo("handshake refused: HTTP/1.1 403 Forbidden");
        assertThat(handshake.check("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope")).startsWith("bad Sec-WebSocket-Accept");
        assertThat(handshake.check("HTTP/1.1 101 Switching Protocols")).startsWith("no Sec-WebSocket-Accept");
    }
}

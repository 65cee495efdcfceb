package io.channels4j.server;

import io.channels4j.Headers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Token lists in request headers ({@code Connection: keep-alive, Upgrade}). */
class RequestHeadTest {

    private static RequestHead head(String... namesAndValues) {
        return new RequestHead("GET", "/ws/", "1.1", Headers.of(namesAndValues));
    }

    @Test
    void hasToken_findsATokenInAnyPlaceAndCase_andOnlyWholeTokens() {
        assertThat(head("Connection", "keep-alive, Upgrade").hasToken("connection", "upgrade")).isTrue();
        assertThat(head("connection", "UPGRADE").hasToken("connection", "upgrade")).isTrue();
        assertThat(head("Connection", " , upgrade ,").hasToken("connection", "upgrade")).isTrue();
        assertThat(head("Connection", "close", "Connection", "Upgrade").hasToken("connection", "upgrade")).isTrue();
        assertThat(head("Connection", "Upgrades, keep-alive").hasToken("connection", "upgrade")).isFalse();
        assertThat(head("Connection", "").hasToken("connection", "upgrade")).isFalse();
        assertThat(head("Upgrade", "upgrade").hasToken("connection", "upgrade")).isFalse();
    }

    @Test
    void isWebsocketUpgrade_needsBothHeaders() {
        assertThat(head("Upgrade", "websocket", "Connection", "keep-alive, Upgrade").isWebsocketUpgrade()).isTrue();
        assertThat(head("Upgrade", " WebSocket ", "Connection", "upgrade").isWebsocketUpgrade()).isTrue();
        assertThat(head("Upgrade", "websocket", "Connection", "keep-alive").isWebsocketUpgrade()).isFalse();
        assertThat(head("Connection", "upgrade").isWebsocketUpgrade()).isFalse();
    }
}

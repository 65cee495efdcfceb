package io.channels4j.server;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link WebsocketConnection} counts against the outbound cap for a text message. */
class WebsocketConnectionTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "ascii only", "caf\u00e9", "\u2603 snowman", "\ud83d\ude00 emoji", "mixed \u00e9\u2603\ud83d\ude00x"})
    void utf8Length_isTheEncodedSize(String text) {
        assertThat(WebsocketConnection.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud83d", "x\ude00y", "\ud83d\ud83d"})
    void utf8Length_ofLoneSurrogates_isNeverLessThanTheEncodedSize(String text) {
        assertThat(WebsocketConnection.utf8Length(text)).isGreaterThanOrEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
}

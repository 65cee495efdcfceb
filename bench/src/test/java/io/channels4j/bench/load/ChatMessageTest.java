package io.channels4j.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatMessageTest {

    @Test
    void encode_thenParseBytes_givesSenderSeqAndTime() {
        byte[] frame = new byte[ChatMessage.maxFrameBytes(64)];
        int length = ChatMessage.encode(frame, 1234, 56, 987_654_321L, 64);
        String text = new String(frame, 0, length, StandardCharsets.UTF_8);

        assertThat(text).startsWith("{\"message\": \"~1234~56~987654321~x").endsWith("x\"}");
        assertThat(text.length()).isEqualTo("{\"message\": \"".length() + 64 + "\"}".length());
        ChatMessage parsed = new ChatMessage();
        assertThat(parsed.parse(ByteBuffer.wrap(frame, 0, length))).isTrue();
        assertThat(parsed.sender).isEqualTo(1234);
        assertThat(parsed.seq).isEqualTo(56);
        assertThat(parsed.sentMicros).isEqualTo(987_654_321L);
    }

    @Test
    void parse_readsTheTokenWhateverJsonSpacingTheServerUses() {
        ChatMessage parsed = new ChatMessage();
        assertThat(parsed.parse("{\"message\":\"~0~7~42~xxxx\"}")).isTrue();
        assertThat(parsed.sender).isZero();
        assertThat(parsed.seq).isEqualTo(7);
        assertThat(parsed.sentMicros).isEqualTo(42);
        ByteBuffer buffer = ByteBuffer.wrap("??{\"message\": \"~3~4~5~\"}".getBytes(StandardCharsets.UTF_8));
        buffer.position(2);
        assertThat(parsed.parse(buffer)).isTrue();
        assertThat(parsed.sender).isEqualTo(3);
        assertThat(buffer.position()).as("position not moved").isEqualTo(2);
    }

    @Test
    void encode_withPayloadShorterThanTheToken_writesTheWholeToken() {
        byte[] frame = new byte[ChatMessage.maxFrameBytes(0)];
        int length = ChatMessage.encode(frame, 1, 2, 3, 0);
        assertThat(new String(frame, 0, length, StandardCharsets.UTF_8)).isEqualTo("{\"message\": \"~1~2~3~\"}");
    }

    @Test
    void parse_refusesTextWithoutAToken() {
        ChatMessage parsed = new ChatMessage();
        assertThat(parsed.parse("{\"error\": \"not JSON\"}")).isFalse();
        assertThat(parsed.parse("{\"online\": [\"guest-1234\"]}")).isFalse();
        assertThat(parsed.parse("{\"message\": \"~1~2\"}")).as("truncated").isFalse();
        assertThat(parsed.parse("{\"message\": \"~1~x~3~\"}")).isFalse();
        assertThat(parsed.parse("{\"message\": \"~99999999999~1~3~\"}")).as("sender beyond int").isFalse();
        assertThat(parsed.parse(ByteBuffer.wrap("hello ~".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }
}

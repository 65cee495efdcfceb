package io.channels4j;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventsTest {

    @Test
    void websocketConnect_hasOnlyType() {
        Message m = Events.websocketConnect();

        assertThat(m.type()).isEqualTo("websocket.connect");
        assertThat(m.keys()).containsExactly("type");
    }

    @Test
    void websocketAccept_withSubprotocolAndHeaders() {
        Message m = Events.websocketAccept("chat", Headers.of("x-a", "1", "x-b", "2"));

        assertThat(m.type()).isEqualTo("websocket.accept");
        assertThat(m.getString("subprotocol")).isEqualTo("chat");
        assertThat(m.getList("headers")).containsExactly(List.of("x-a", "1"), List.of("x-b", "2"));
        assertThat(Headers.fromPairs(m.getList("headers"))).isEqualTo(Headers.of("x-a", "1", "x-b", "2"));
    }

    @Test
    void websocketAccept_omitsNullSubprotocolAndNullOrEmptyHeaders() {
        assertThat(Events.websocketAccept(null, null).keys()).containsExactly("type");
        assertThat(Events.websocketAccept(null, Headers.empty()).keys()).containsExactly("type");
        assertThat(Events.websocketAccept("p", Headers.empty()).keys()).containsExactly("type", "subprotocol");
    }

    @Test
    void websocketText_buildsReceiveOrSend() {
        Message receive = Events.websocketText(Events.WEBSOCKET_RECEIVE, "hi");
        Message send = Events.websocketText(Events.WEBSOCKET_SEND, "yo");

        assertThat(receive.type()).isEqualTo("websocket.receive");
        assertThat(receive.getString("text")).isEqualTo("hi");
        assertThat(receive.has("bytes")).isFalse();
        assertThat(send.type()).isEqualTo("websocket.send");
        assertThat(send.getString("text")).isEqualTo("yo");
    }

    @Test
    void websocketText_rejectsNullText() {
        assertThatThrownBy(() -> Events.websocketText(Events.WEBSOCKET_SEND, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void websocketBytes_copiesBytes() {
        byte[] data = {1, 2};
        Message m = Events.websocketBytes(Events.WEBSOCKET_SEND, data);
        data[0] = 9;

        assertThat(m.type()).isEqualTo("websocket.send");
        assertThat(m.getBytes("bytes")).containsExactly(1, 2);
        assertThat(m.has("text")).isFalse();
        assertThatThrownBy(() -> Events.websocketBytes(Events.WEBSOCKET_SEND, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void websocketClose_hasCodeAndOptionalReason() {
        Message withReason = Events.websocketClose(Events.CLOSE_NORMAL, "bye");
        Message withoutReason = Events.websocketClose(4000, null);

        assertThat(withReason.type()).isEqualTo("websocket.close");
        assertThat(withReason.getInt("code")).isEqualTo(1000);
        assertThat(withReason.getString("reason")).isEqualTo("bye");
        assertThat(withoutReason.getInt("code")).isEqualTo(4000);
        assertThat(withoutReason.has("reason")).isFalse();
    }

    @Test
    void websocketDisconnect_hasCode() {
        Message m = Events.websocketDisconnect(Events.CLOSE_ABNORMAL);

        assertThat(m.type()).isEqualTo("websocket.disconnect");
        assertThat(m.get("code")).isEqualTo(1006L);
    }

    @Test
    void httpRequest_hasBodyAndMoreBody() {
        Message m = Events.httpRequest(new byte[] {'a'}, true);

        assertThat(m.type()).isEqualTo("http.request");
        assertThat(m.getBytes("body")).containsExactly('a');
        assertThat(m.getBoolean("more_body", false)).isTrue();
    }

    @Test
    void httpResponseStart_hasStatusAndHeaderPairs() {
        Message m = Events.httpResponseStart(200, Headers.of("content-type", "text/plain"));

        assertThat(m.type()).isEqualTo("http.response.start");
        assertThat(m.getInt("status")).isEqualTo(200);
        assertThat(m.getList("headers")).containsExactly(List.of("content-type", "text/plain"));
    }

    @Test
    void httpResponseStart_nullHeaders_giveEmptyList() {
        Message m = Events.httpResponseStart(204, null);

        assertThat(m.getList("headers")).isEmpty();
    }

    @Test
    void httpResponseStart_acceptsStatusBounds() {
        assertThat(Events.httpResponseStart(100, null).getInt("status")).isEqualTo(100);
        assertThat(Events.httpResponseStart(999, null).getInt("status")).isEqualTo(999);
    }

    @Test
    void httpResponseStart_rejectsStatusOutOfRange_namingIt() {
        assertThatThrownBy(() -> Events.httpResponseStart(99, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HTTP status must be 100..999, was 99");
        assertThatThrownBy(() -> Events.httpResponseStart(1000, Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HTTP status must be 100..999, was 1000");
    }

    @Test
    void httpResponseBody_hasBodyAndMoreBody() {
        Message m = Events.httpResponseBody("ok".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);

        assertThat(m.type()).isEqualTo("http.response.body");
        assertThat(m.getBytes("body")).containsExactly('o', 'k');
        assertThat(m.getBoolean("more_body", true)).isFalse();
    }

    @Test
    void httpDisconnect_hasOnlyType() {
        Message m = Events.httpDisconnect();

        assertThat(m.type()).isEqualTo("http.disconnect");
        assertThat(m.keys()).containsExactly("type");
    }

    @Test
    void closeCodes_matchRfc6455() {
        assertThat(List.of(Events.CLOSE_NORMAL, Events.CLOSE_GOING_AWAY, Events.CLOSE_UNSUPPORTED_DATA,
                Events.CLOSE_ABNORMAL, Events.CLOSE_INVALID_PAYLOAD, Events.CLOSE_POLICY_VIOLATION,
                Events.CLOSE_TOO_BIG, Events.CLOSE_INTERNAL_ERROR, Events.CLOSE_TRY_AGAIN_LATER))
                .containsExactly(1000, 1001, 1003, 1006, 1007, 1008, 1009, 1011, 1013);
    }
}

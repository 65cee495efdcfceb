package io.channels4j.consumer;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.WebsocketCommunicator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonWebsocketConsumerTest {

    static final List<Integer> DISCONNECTS = new CopyOnWriteArrayList<>();

    private final List<WebsocketCommunicator> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WebsocketCommunicator::close);
        DISCONNECTS.clear();
    }

    private WebsocketCommunicator client(Supplier<? extends Consumer> factory) {
        WebsocketCommunicator c = new WebsocketCommunicator(Consumer.asApplication(factory, new ChannelLayers()), "/ws/");
        clients.add(c);
        assertThat(c.connect().accepted()).isTrue();
        return c;
    }

    /** Answers {"echo": <content>}. */
    public static class JsonEcho extends JsonWebsocketConsumer {
        @Override
        public void receiveJson(JsonNode content) {
            sendJson(Map.of("echo", content));
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(code);
        }
    }

    @Test
    void receiveJson_andSendJson_roundTrip() {
        WebsocketCommunicator c = client(JsonEcho::new);
        c.sendJsonTo(Map.of("message", "hi", "n", 3));
        JsonNode answer = c.receiveJsonFrom();
        assertThat(answer.get("echo").get("message").asText()).isEqualTo("hi");
        assertThat(answer.get("echo").get("n").asInt()).isEqualTo(3);
    }

    @Test
    void invalidJson_closesWith1007AndAReason_notADeadConsumer() {
        WebsocketCommunicator c = client(JsonEcho::new);
        c.sendTo("{not json");
        Message close = c.receiveClose();
        assertThat(close.getInt("code")).isEqualTo(1007);
        assertThat(close.getString("reason")).isEqualTo("invalid JSON");
        c.await(Duration.ofSeconds(2)); // ends cleanly: no failure
        assertThat(DISCONNECTS).containsExactly(1007);
    }

    @Test
    void binaryFrame_closesWith1003AndAReason() {
        WebsocketCommunicator c = client(JsonEcho::new);
        c.sendTo(new byte[] {1, 2, 3});
        Message close = c.receiveClose();
        assertThat(close.getInt("code")).isEqualTo(1003);
        assertThat(close.getString("reason")).contains("binary");
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly(1003);
    }

    @Test
    void invalidJsonHook_canKeepTheConnection() {
        class Lenient extends JsonEcho {
            @Override
            protected void receiveInvalidJson(String text, Json.InvalidJsonException error) {
                sendJson(Map.of("error", "invalid JSON"));
            }
        }
        WebsocketCommunicator c = client(Lenient::new);
        c.sendTo("nope");
        assertThat(c.receiveJsonFrom().get("error").asText()).isEqualTo("invalid JSON");
        c.sendJsonTo(Map.of("ok", true));
        assertThat(c.receiveJsonFrom().get("echo").get("ok").asBoolean()).isTrue();
    }

    @Test
    void sendJsonAndClose_sendsThenCloses() {
        class Once extends JsonWebsocketConsumer {
            @Override
            public void receiveJson(JsonNode content) {
                sendJsonAndClose(Map.of("bye", true));
            }
        }
        WebsocketCommunicator c = client(Once::new);
        c.sendJsonTo(Map.of());
        assertThat(c.receiveJsonFrom().get("bye").asBoolean()).isTrue();
        assertThat(c.receiveClose().getInt("code")).isEqualTo(1000);
    }
}

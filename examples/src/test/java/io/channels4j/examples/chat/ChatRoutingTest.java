package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.NoRouteFoundException;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tutorial app driven in-process, as Channels' own tests drive consumers. */
class ChatRoutingTest {

    private final ChannelLayers layers = new ChannelLayers().set("default", new InMemoryChannelLayer());
    private final Application application = ChatRouting.application(layers);

    @AfterEach
    void tearDown() {
        layers.closeAll();
    }

    @Test
    void roomMembers_seeEachOthersMessages_otherRoomsDoNot() {
        try (var alice = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             var bob = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             var carol = new WebsocketCommunicator(application, "/ws/chat/kitchen/")) {
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(bob.connect().accepted()).isTrue();
            assertThat(carol.connect().accepted()).isTrue();
            alice.sendJsonTo(Map.of("message", "hello"));
            assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
            assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
            assertThat(carol.receiveNothing()).isTrue();
        }
    }

    @Test
    void badInput_getsAnErrorOnThatSocket_andTheRoomKeepsWorking() {
        try (var alice = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             var bob = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            alice.connect();
            bob.connect();
            alice.sendTo("not json");
            assertThat(alice.receiveJsonFrom().get("error").asText()).contains("not JSON");
            alice.sendJsonTo(Map.of("text", "no message key"));
            assertThat(alice.receiveJsonFrom().get("error").asText()).contains("message");
            alice.sendJsonTo(Map.of("message", 42));
            assertThat(alice.receiveJsonFrom().get("error").asText()).contains("string message");
            alice.sendTo(new byte[] {1, 2, 3});
            assertThat(alice.receiveJsonFrom().get("error").asText()).contains("binary");
            alice.sendJsonTo(Map.of("message", "x".repeat(ChatConsumer.MAX_MESSAGE_LENGTH + 1)));
            assertThat(alice.receiveJsonFrom().get("error").asText()).contains("longer than");
            assertThat(bob.receiveNothing()).isTrue(); // nothing of that reached the room

            alice.sendJsonTo(Map.of("message", "still here"));
            assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("still here");
            assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("still here");
        }
    }

    @Test
    void unknownPath_hasNoRoute() {
        try (var stray = new WebsocketCommunicator(application, "/ws/chat/no room/")) {
            stray.sendInput(io.channels4j.Events.websocketConnect());
            assertThatThrownBy(() -> stray.await(Duration.ofSeconds(2)))
                    .cause().isInstanceOf(NoRouteFoundException.class);
        }
    }

    @Test
    void indexPage_hasTheRoomInput() {
        var response = new HttpCommunicator(application, "GET", "/chat/").getResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).startsWith("text/html");
        assertThat(response.bodyText()).contains("id=\"room-name-input\"").contains("'/chat/' + roomName + '/'");
    }

    @Test
    void roomPage_embedsTheRoomNameAsJsonScript() {
        var response = new HttpCommunicator(application, "GET", "/chat/lobby/").getResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText())
                .contains("<script id=\"room-name\" type=\"application/json\">\"lobby\"</script>")
                .contains("id=\"chat-log\"").contains("id=\"chat-message-input\"").contains("id=\"chat-message-submit\"");
    }

    @Test
    void roomPage_escapesARoomNameThatTriesToInjectMarkup() {
        String hostile = "<img src=x onerror=alert(1)>&\"";
        String encoded = java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        var response = new HttpCommunicator(application, "GET", "/chat/" + encoded + "/").getResponse();
        String body = response.bodyText();
        assertThat(response.status()).isEqualTo(200);
        assertThat(body).doesNotContain("<img");
        assertThat(body).contains("\"\\u003Cimg src=x onerror=alert(1)\\u003E\\u0026\\\"\"");
    }

    @Test
    void jsonScript_escapesLikeDjango() {
        assertThat(ChatPages.jsonScript("<a>&\"b\"", "x"))
                .isEqualTo("<script id=\"x\" type=\"application/json\">\"\\u003Ca\\u003E\\u0026\\\"b\\\"\"</script>");
    }

    @Test
    void options_defaultsAndErrors() {
        assertThat(ChatServer.parse(new String[0], null)).isEqualTo(new ChatServer.Options(8000, "127.0.0.1", "memory://"));
        assertThat(ChatServer.parse(new String[] {"--port", "9001", "--layer", "redis://127.0.0.1:6379"}, null))
                .isEqualTo(new ChatServer.Options(9001, "127.0.0.1", "redis://127.0.0.1:6379"));
        assertThat(ChatServer.parse(new String[0], "redis://r:6379").layer()).isEqualTo("redis://r:6379");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--port", "x"}, null)).hasMessageContaining("--port");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--nope", "1"}, null)).hasMessageContaining("--nope");
    }
}

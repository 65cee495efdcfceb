package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.Headers;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.NoRouteFoundException;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.List;
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

    /** A browser tab on a page of the development server: its handshakes carry that Origin. */
    private WebsocketCommunicator tab(String path) {
        return tab(application, path, "http://127.0.0.1:8000");
    }

    private static WebsocketCommunicator tab(Application application, String path, String origin) {
        return new WebsocketCommunicator(application, path,
                origin == null ? Headers.empty() : Headers.of("origin", origin), List.of());
    }

    @Test
    void roomMembers_seeEachOthersMessages_otherRoomsDoNot() {
        try (var alice = tab("/ws/chat/lobby/");
             var bob = tab("/ws/chat/lobby/");
             var carol = tab("/ws/chat/kitchen/")) {
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
        try (var alice = tab("/ws/chat/lobby/");
             var bob = tab("/ws/chat/lobby/")) {
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
        try (var stray = tab("/ws/chat/no room/")) {
            stray.sendInput(io.channels4j.Events.websocketConnect());
            assertThatThrownBy(() -> stray.await(Duration.ofSeconds(2)))
                    .cause().isInstanceOf(NoRouteFoundException.class);
        }
    }

    @Test
    void handshakesFromOtherSites_orWithoutOrigin_areRejected_beforeTheConsumerRuns() {
        try (var evil = tab(application, "/ws/chat/lobby/", "https://evil.example");
             var noOrigin = tab(application, "/ws/chat/lobby/", null);
             var lookalike = tab(application, "/ws/chat/lobby/", "http://localhost.evil.example:8000");
             var member = tab("/ws/chat/lobby/")) {
            assertThat(evil.connect().accepted()).isFalse();
            assertThat(noOrigin.connect().accepted()).isFalse();
            assertThat(lookalike.connect().accepted()).isFalse();
            assertThat(member.connect().accepted()).isTrue();
            evil.sendJsonTo(Map.of("message", "hijacked"));
            assertThat(member.receiveNothing()).as("a rejected socket never joined the room").isTrue();
            member.disconnect();
            evil.disconnect();
            noOrigin.disconnect();
            lookalike.disconnect();
        }
    }

    @Test
    void developmentHosts_areAllowedOnAnyPort_otherHostsWhenConfigured() {
        for (String origin : List.of("http://localhost:8000", "http://127.0.0.1:9000", "http://[::1]:8000")) {
            try (var tab = tab(application, "/ws/chat/lobby/", origin)) {
                assertThat(tab.connect().accepted()).as(origin).isTrue();
                tab.disconnect();
            }
        }
        Application deployed = ChatRouting.application(layers, List.of("chat.example.com"));
        try (var site = tab(deployed, "/ws/chat/lobby/", "https://chat.example.com");
             var local = tab(deployed, "/ws/chat/lobby/", "http://127.0.0.1:8000")) {
            assertThat(site.connect().accepted()).isTrue();
            assertThat(local.connect().accepted()).isFalse();
            site.disconnect();
            local.disconnect();
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
        assertThat(ChatServer.parse(new String[0], null).allowedHosts()).containsExactly("localhost", "127.0.0.1", "[::1]");
        assertThat(ChatServer.parse(new String[] {"--allowed-hosts", "chat.example.com, .example.org"}, null).allowedHosts())
                .containsExactly("chat.example.com", ".example.org");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--allowed-hosts", " , "}, null))
                .hasMessageContaining("--allowed-hosts");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--allowed-hosts", "[::1"}, null))
                .hasMessageContaining("--allowed-hosts");
        assertThat(ChatServer.parse(new String[] {"--port", "9001", "--layer", "redis://127.0.0.1:6379"}, null))
                .isEqualTo(new ChatServer.Options(9001, "127.0.0.1", "redis://127.0.0.1:6379"));
        assertThat(ChatServer.parse(new String[0], "redis://r:6379").layer()).isEqualTo("redis://r:6379");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--port", "x"}, null)).hasMessageContaining("--port");
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--nope", "1"}, null)).hasMessageContaining("--nope");
    }

    @Test
    void layerUrl_getsTheChatCapacity_unlessItSetsOne_andPrintsWithoutPassword() {
        assertThat(ChatServer.withChatCapacity("memory://")).isEqualTo("memory://?capacity=1000");
        assertThat(ChatServer.withChatCapacity("redis://h:6379/0?prefix=x")).isEqualTo("redis://h:6379/0?prefix=x&capacity=1000");
        assertThat(ChatServer.withChatCapacity("memory://?capacity=5")).isEqualTo("memory://?capacity=5");
        assertThat(ChannelLayers.redactUrl("redis://:s3cret@h:6379/0")).isEqualTo("redis://:***@h:6379/0");
        assertThat(ChannelLayers.redactUrl("rediss://user:s3cret@h:6379")).isEqualTo("rediss://user:***@h:6379");
        assertThat(ChannelLayers.redactUrl("redis://h:6379")).isEqualTo("redis://h:6379");
        assertThat(ChannelLayers.redactUrl("redis://s3cret@h:6379")).isEqualTo("redis://***@h:6379");
    }

    @Test
    void whoIsOnline_isSentToPagesThatAskForIt() {
        try (var alice = tab("/ws/chat/lobby/?online=1&name=alice");
             var bob = tab("/ws/chat/lobby/?online=1&name=bob");
             var plain = tab("/ws/chat/lobby/")) {
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(alice.receiveJsonFrom().get("online").toString()).isEqualTo("[\"alice\"]");
            assertThat(bob.connect().accepted()).isTrue();
            assertThat(alice.receiveJsonFrom().get("online").toString()).isEqualTo("[\"alice\",\"bob\"]");
            assertThat(bob.receiveJsonFrom().get("online").toString()).isEqualTo("[\"alice\",\"bob\"]");
            assertThat(plain.connect().accepted()).isTrue();
            assertThat(plain.receiveNothing()).isTrue(); // the tutorial's protocol for clients that do not ask
            assertThat(alice.receiveNothing()).isTrue(); // and they are not listed: no event per plain join
            try (var guest = tab("/ws/chat/lobby/?online=1")) {
                assertThat(guest.connect().accepted()).isTrue();
                assertThat(alice.receiveJsonFrom().get("online").toString()).contains("guest-");
                assertThat(bob.receiveJsonFrom().get("online").toString()).contains("guest-");
            }
            assertThat(alice.receiveJsonFrom().get("online").toString()).doesNotContain("guest-");
            assertThat(bob.receiveJsonFrom().get("online").toString()).doesNotContain("guest-");
            bob.disconnect();
            assertThat(alice.receiveJsonFrom().get("online").toString()).doesNotContain("bob");
        }
    }

    @Test
    void userName_comesFromTheQueryOrIsAGuest() {
        assertThat(OnlineChatConsumer.userName("online=1&name=Ann%20Lee")).isEqualTo("Ann Lee");
        assertThat(OnlineChatConsumer.userName("name=%0Aeve")).isEqualTo("eve");
        assertThat(OnlineChatConsumer.userName("online=1")).startsWith("guest-");
        assertThat(OnlineChatConsumer.userName("name=" + "x".repeat(100))).hasSize(40);
    }
}

package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.GroupIntrospection;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.NoRouteFoundException;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat client that sends crafted JSON cannot close, drive or move another member of its room:
 * the others receive at most a plain {@code {"message": ...}} frame with the text that was sent,
 * stay connected, and nobody joins a group other than {@code chat_<room>}. Room names that are not
 * {@code \w+} have no route. In-process, with the tutorial's routing and an in-memory layer.
 */
class MessageInjectionTest {

    private static final String ORIGIN = "http://127.0.0.1:8000";

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();
    private final ChannelLayers layers = new ChannelLayers().set("default", layer);
    private final Application application = ChatRouting.application(layers);
    private final GroupIntrospection groups = (GroupIntrospection) layer;

    @AfterEach
    void tearDown() {
        layers.closeAll();
    }

    private WebsocketCommunicator tab(String path) {
        return new WebsocketCommunicator(application, path, Headers.of("origin", ORIGIN), List.of());
    }

    /** Crafted frames: the text sent, and what the room must see (null: nothing, only an error to the sender). */
    static Stream<Arguments> craftedFrames() {
        return Stream.of(
                Arguments.of("{\"type\": \"websocket.close\"}", null),
                Arguments.of("{\"type\": \"websocket.close\", \"code\": 4000}", null),
                Arguments.of("{\"type\": \"chat.message\"}", null),
                Arguments.of("{\"message\": {\"type\": \"websocket.close\"}}", null),
                Arguments.of("{\"message\": [\"websocket.close\"]}", null),
                Arguments.of("{\"message\": \"x\", \"type\": \"websocket.close\"}", "x"),
                Arguments.of("{\"message\": \"x\", \"type\": \"websocket.close\", \"code\": 1000}", "x"),
                Arguments.of("{\"type\": \"chat.message\", \"message\": \"x\", \"room\": \"kitchen\", "
                        + "\"group\": \"chat_kitchen\", \"channel\": \"specific.abc!def\"}", "x"),
                Arguments.of("{\"type\": \"presence.join\", \"message\": \"y\"}", "y"),
                Arguments.of("{\"type\": \"websocket.accept\", \"message\": \"z\", \"subprotocol\": \"evil\"}", "z"),
                Arguments.of("{\"message\": \"{\\\"type\\\": \\\"websocket.close\\\", \\\"code\\\": 1000}\"}",
                        "{\"type\": \"websocket.close\", \"code\": 1000}"),
                Arguments.of("{\"message\": \"{\\\"type\\\": \\\"group_add\\\", \\\"group\\\": \\\"chat_evil\\\"}\"}",
                        "{\"type\": \"group_add\", \"group\": \"chat_evil\"}"),
                // duplicate keys: the parser keeps the last, which is still only text to relay
                Arguments.of("{\"message\": \"x\", \"message\": \"{\\\"type\\\":\\\"websocket.close\\\"}\"}",
                        "{\"type\":\"websocket.close\"}"),
                Arguments.of("{\"message\": \"\\u0000\\r\\n{\\\"type\\\":\\\"websocket.close\\\"}\"}",
                        "\u0000\r\n{\"type\":\"websocket.close\"}"),
                Arguments.of("[{\"type\": \"websocket.close\"}]", null),
                Arguments.of("\"websocket.close\"", null),
                Arguments.of("null", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedFrames")
    void craftedJson_cannotCloseOrDriveTheOtherMembers(String frame, String relayed) {
        try (var mallory = tab("/ws/chat/lobby/");
             var alice = tab("/ws/chat/lobby/");
             var bob = tab("/ws/chat/lobby/");
             var carol = tab("/ws/chat/kitchen/")) {
            assertThat(mallory.connect().accepted()).isTrue();
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(bob.connect().accepted()).isTrue();
            assertThat(carol.connect().accepted()).isTrue();
            assertThat(groups.groupSize("chat_lobby")).isEqualTo(3);

            mallory.sendTo(frame);
            Message toMallory = mallory.receiveOutput(Duration.ofSeconds(2));
            assertThat(toMallory.type()).as("the sender only gets a frame, never a close").isEqualTo(Events.WEBSOCKET_SEND);
            JsonNode echoed = io.channels4j.Json.parse(toMallory.getString("text"));
            if (relayed == null) {
                assertThat(echoed.has("error")).as("an error to the sender for %s", frame).isTrue();
                assertThat(echoed.get("error").asText()).doesNotContain("Exception").doesNotContain("\tat ");
            } else {
                assertOnlyMessage(toMallory, relayed);
            }
            for (var member : List.of(alice, bob)) {
                if (relayed == null) {
                    assertThat(member.receiveNothing()).as("nothing reached the room").isTrue();
                } else {
                    assertOnlyMessage(member.receiveOutput(Duration.ofSeconds(2)), relayed);
                    assertThat(member.receiveNothing()).as("exactly one frame").isTrue();
                }
            }
            assertThat(carol.receiveNothing()).as("nothing reached another room").isTrue();

            // nobody moved: the room has the same three members, the attacker's names have none
            assertThat(groups.groupSize("chat_lobby")).isEqualTo(3);
            for (String other : List.of("chat_kitchen")) {
                assertThat(groups.groupSize(other)).isEqualTo(1);
            }
            for (String attackerChosen : List.of("chat_evil", "evil", "chat_", "chat_lobby.evil", "websocket.close",
                    "chat.message", "group_add", "presence.join")) {
                assertThat(groups.groupMembers(attackerChosen)).as(attackerChosen).isEmpty();
            }

            // everyone is still connected and the room still works, both ways
            alice.sendTo("{\"message\": \"after\"}");
            for (var member : List.of(mallory, alice, bob)) {
                assertOnlyMessage(member.receiveOutput(Duration.ofSeconds(2)), "after");
            }
            mallory.sendTo("{\"message\": \"again\"}");
            for (var member : List.of(mallory, alice, bob)) {
                assertOnlyMessage(member.receiveOutput(Duration.ofSeconds(2)), "again");
            }
            assertThat(carol.receiveNothing()).isTrue();
            for (var member : List.of(mallory, alice, bob, carol)) {
                assertThat(member.isDone()).as("consumer still running").isFalse();
            }
            for (var member : List.of(mallory, alice, bob, carol)) {
                member.disconnect();
            }
            assertThat(groups.groupSize("chat_lobby")).isZero();
            assertThat(groups.groupSize("chat_kitchen")).isZero();
        }
    }

    @Test
    void aMembersOwnEventNamesInTheMessage_areRelayedAsText() {
        try (var mallory = tab("/ws/chat/lobby/?online=1&name=mallory");
             var alice = tab("/ws/chat/lobby/?online=1&name=alice")) {
            assertThat(mallory.connect().accepted()).isTrue();
            assertThat(mallory.receiveJsonFrom().get("online").toString()).isEqualTo("[\"mallory\"]");
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(mallory.receiveJsonFrom().get("online")).isNotNull();
            assertThat(alice.receiveJsonFrom().get("online")).isNotNull();

            mallory.sendTo("{\"type\": \"presence.leave\", \"message\": \"{\\\"online\\\": []}\"}");
            for (var member : List.of(mallory, alice)) {
                assertOnlyMessage(member.receiveOutput(Duration.ofSeconds(2)), "{\"online\": []}");
            }
            assertThat(alice.receiveNothing()).isTrue();
            assertThat(groups.groupLabels("chat_lobby")).hasSize(2).containsValues("mallory", "alice");
        }
    }

    /** Room names the route {@code \\w+} does not match: no route, never joined. */
    static Stream<String> hostileRoomPaths() {
        return Stream.of(
                "/ws/chat/../admin/",
                "/ws/chat/lobby/../kitchen/",
                "/ws/chat/..%2Fadmin/",
                "/ws/chat/lob by/",
                "/ws/chat/lob%20by/",
                "/ws/chat/\u263a/",
                "/ws/chat/lobby\n/",
                "/ws/chat/lobby/extra/",
                "/ws/chat/lobby",
                "/ws/chat//");
    }

    /** Room names the route matches but that make no valid group name (non-ASCII, too long). */
    static Stream<String> roomNamesThatAreNoGroupName() {
        return Stream.of(
                "/ws/chat/caf\u00e9/",
                "/ws/chat/\u0440\u0443\u0441/",
                "/ws/chat/" + "a".repeat(95) + "/", // "chat_" + 95 = 100 chars; group names must be shorter
                "/ws/chat/" + "a".repeat(200) + "/",
                "/ws/chat/" + "\u00e9".repeat(200) + "/");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRoomPaths")
    void hostileRoomName_hasNoRoute_andJoinsNothing(String path) {
        assertRejectedCleanly(path);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roomNamesThatAreNoGroupName")
    void roomNameThatIsNoGroupName_isRejected(String path) {
        assertRejectedCleanly(path);
    }

    private void assertRejectedCleanly(String path) {
        try (var stray = tab(path)) {
            stray.sendInput(Events.websocketConnect());
            // either the router finds no route (the server answers 404), or the handshake is closed
            Message answer = null;
            try {
                answer = stray.receiveOutput(Duration.ofSeconds(2));
            } catch (AssertionError noAnswer) {
                assertThat(stray.isDone()).as("the application ended").isTrue();
                assertThat(stray.failure()).as("%s: no route (a server answers 404, no stack trace)", path)
                        .isInstanceOf(NoRouteFoundException.class);
            }
            if (answer != null) {
                assertThat(answer.type()).as("%s: a closed handshake, got %s", path, answer)
                        .isEqualTo(Events.WEBSOCKET_CLOSE);
                assertThat(stray.receiveNothing()).isTrue();
            }
        }
        assertNoGroupJoined();
    }

    private void assertNoGroupJoined() {
        for (String group : List.of("chat_lobby", "chat_kitchen", "chat_admin", "chat_lob", "chat_" + "a".repeat(94))) {
            assertThat(groups.groupMembers(group)).as(group).isEmpty();
        }
    }

    private static void assertOnlyMessage(Message frame, String text) {
        assertThat(frame.type()).isEqualTo(Events.WEBSOCKET_SEND);
        assertThat(frame.getBytes("bytes")).isNull();
        JsonNode json = io.channels4j.Json.parse(frame.getString("text"));
        assertThat(json.isObject()).isTrue();
        assertThat(json.size()).as("only a message key in %s", json).isEqualTo(1);
        assertThat(json.get("message").isTextual()).isTrue();
        assertThat(json.get("message").asText()).isEqualTo(text);
    }
}

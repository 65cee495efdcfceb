package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.NoRouteFoundException;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void unknownPath_hasNoRoute() {
        try (var stray = new WebsocketCommunicator(application, "/ws/chat/no room/")) {
            stray.sendInput(io.channels4j.Events.websocketConnect());
            assertThatThrownBy(() -> stray.await(Duration.ofSeconds(2)))
                    .cause().isInstanceOf(NoRouteFoundException.class);
        }
    }
}

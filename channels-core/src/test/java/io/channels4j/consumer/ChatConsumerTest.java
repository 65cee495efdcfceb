package io.channels4j.consumer;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.layer.InvalidChannelNameException;
import io.channels4j.routing.URLRouter;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tutorial's ChatConsumer, written as DESIGN.md §4 shows it, driven like Channels' tests. */
class ChatConsumerTest {

    /** The tutorial consumer, verbatim from DESIGN.md §4. */
    public static class ChatConsumer extends WebsocketConsumer {
        private String roomGroupName;

        @Override
        public void connect() {
            String roomName = scope().urlRoute().kwarg("room_name");
            roomGroupName = "chat_" + roomName;
            channelLayer().groupAdd(roomGroupName, channelName());
            accept();
        }

        @Override
        public void disconnect(int code) {
            channelLayer().groupDiscard(roomGroupName, channelName());
        }

        @Override
        public void receive(String textData) {
            String message = Json.parse(textData).get("message").asText();
            channelLayer().groupSend(roomGroupName, Message.of("type", "chat.message", "message", message));
        }

        public void chatMessage(Message event) {
            send(Json.stringify(Map.of("message", event.getString("message"))));
        }
    }

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final Application application = new URLRouter(List.of(
            rePath("ws/chat/(?P<room_name>\\w+)/$",
                    Consumer.asApplication(ChatConsumer::new, new ChannelLayers().set("default", layer)))));
    private final List<WebsocketCommunicator> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WebsocketCommunicator::close);
        layer.close();
    }

    private WebsocketCommunicator join(String path) {
        WebsocketCommunicator client = new WebsocketCommunicator(application, path);
        clients.add(client);
        assertThat(client.connect().accepted()).isTrue();
        return client;
    }

    @Test
    void twoClientsInOneRoom_bothReceiveEachMessage_andAnotherRoomReceivesNothing() {
        WebsocketCommunicator alice = join("/ws/chat/lobby/");
        WebsocketCommunicator bob = join("/ws/chat/lobby/");
        WebsocketCommunicator carol = join("/ws/chat/kitchen/");

        alice.sendJsonTo(Map.of("message", "hello"));

        assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
        assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
        assertThat(carol.receiveNothing()).isTrue();

        bob.sendJsonTo(Map.of("message", "hi alice"));
        assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("hi alice");
        assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("hi alice");
        assertThat(carol.receiveNothing()).isTrue();
    }

    @Test
    void aClientThatLeft_receivesNothingMore() {
        WebsocketCommunicator alice = join("/ws/chat/lobby/");
        WebsocketCommunicator bob = join("/ws/chat/lobby/");
        bob.disconnect();
        alice.sendJsonTo(Map.of("message", "anyone?"));
        assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("anyone?");
        assertThat(layer.droppedMessages()).isZero();
    }

    @Test
    void manyMessages_arriveInOrder() {
        WebsocketCommunicator alice = join("/ws/chat/lobby/");
        WebsocketCommunicator bob = join("/ws/chat/lobby/");
        for (int i = 0; i < 50; i++) {
            alice.sendJsonTo(Map.of("message", "m" + i));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("m" + i);
        }
    }

    @Test
    void invalidGroupName_failsLoudly_namingTheRule() {
        // The tutorial's \w+ keeps spaces out of room names; a consumer that builds a group name
        // from raw input hits the layer's name rule, which must fail loudly.
        class LooseChat extends ChatConsumer {
            @Override
            public void connect() {
                channelLayer().groupAdd("chat_my room", channelName());
                accept();
            }
        }
        WebsocketCommunicator client = new WebsocketCommunicator(
                Consumer.asApplication(LooseChat::new, new ChannelLayers().set("default", layer)), "/ws/chat/x/");
        clients.add(client);
        client.sendInput(io.channels4j.Events.websocketConnect());
        assertThatThrownBy(() -> client.await(Duration.ofSeconds(2)))
                .cause().isInstanceOf(InvalidChannelNameException.class)
                .hasMessageContaining("chat_my room");
    }
}

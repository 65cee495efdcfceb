package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;

/** The tutorial end to end through real sockets: two clients in a room, one in another. */
class ChatFlowIT {

    /** The tutorial's consumer. */
    public static class ChatConsumer extends WebsocketConsumer {
        private String roomGroupName;

        @Override
        public void connect() {
            roomGroupName = "chat_" + scope().urlRoute().kwarg("room_name");
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

    static Application chatApplication() {
        ChannelLayers layers = new ChannelLayers().set("default", new InMemoryChannelLayer());
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatConsumer::new, layers))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(ChatFlowIT::chatApplication);

    @Test
    void twoClientsInLobby_bothReceive_kitchenReceivesNothing() throws Exception {
        try (TestClient alice = TestClient.connect(server.websocketUrl("/ws/chat/lobby/"));
             TestClient bob = TestClient.connect(server.websocketUrl("/ws/chat/lobby/"));
             TestClient carol = TestClient.connect(server.websocketUrl("/ws/chat/kitchen/"))) {
            alice.sendText("{\"message\": \"hello\"}");
            assertThat(Json.parse(alice.receiveText()).get("message").asText()).isEqualTo("hello");
            assertThat(Json.parse(bob.receiveText()).get("message").asText()).isEqualTo("hello");
            assertThat(carol.receivesNothing(Duration.ofMillis(300))).isTrue();
        }
    }
}

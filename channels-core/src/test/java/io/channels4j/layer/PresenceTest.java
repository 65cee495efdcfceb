package io.channels4j.layer;

import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.routing.URLRouter;
import io.channels4j.testing.WebsocketCommunicator;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Presence} on {@link InMemoryChannelLayer}, with a fake clock for expiry. */
class PresenceTest {

    private static final Duration GROUP_EXPIRY = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Duration NOTHING = Duration.ofMillis(50);

    private final FakeClock clock = new FakeClock();
    private final InMemoryChannelLayer layer = InMemoryChannelLayer.builder()
            .expiry(Duration.ofMinutes(10))
            .groupExpiry(GROUP_EXPIRY)
            .clock(clock)
            .build();
    private final Presence presence = new Presence(layer);
    private final List<WebsocketCommunicator> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(WebsocketCommunicator::close);
        layer.close();
    }

    @Test
    void join_listsTheUser_andTellsTheRoom_includingTheJoiner() throws Exception {
        String alice = layer.newChannel();
        String bob = layer.newChannel();
        presence.join("lobby", alice, "alice");
        assertThat(layer.receive(alice, WAIT)).isEqualTo(joinEvent("alice"));

        presence.join("lobby", bob, "bob");
        assertThat(layer.receive(alice, WAIT)).isEqualTo(joinEvent("bob"));
        assertThat(layer.receive(bob, WAIT)).isEqualTo(joinEvent("bob"));
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice", "bob");
        assertThat(presence.connections("lobby")).containsOnly(Map.entry(alice, "alice"), Map.entry(bob, "bob"));
        assertThat(presence.whoIsIn("kitchen")).isEmpty();
    }

    @Test
    void leave_removesTheConnection_andTellsTheOthers() throws Exception {
        String alice = layer.newChannel();
        String bob = layer.newChannel();
        presence.join("lobby", alice, "alice");
        presence.join("lobby", bob, "bob");
        drain(alice, bob);

        presence.leave("lobby", bob, "bob");
        assertThat(layer.receive(alice, WAIT))
                .isEqualTo(Message.of("type", Presence.LEAVE, "room", "lobby", "user", "bob"));
        assertThat(layer.receive(bob, NOTHING)).isNull();
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice");
        assertThat(layer.groupMembers("lobby")).containsExactly(alice);
    }

    @Test
    void aUserWithTwoConnections_isListedOnce_andStaysUntilBothLeave() {
        String tab1 = layer.newChannel();
        String tab2 = layer.newChannel();
        String carol = layer.newChannel();
        presence.join("lobby", tab1, "alice");
        presence.join("lobby", tab2, "alice");
        presence.join("lobby", carol, "carol");
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice", "carol");
        assertThat(presence.connections("lobby")).hasSize(3);

        presence.leave("lobby", tab1, "alice");
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice", "carol");
        presence.leave("lobby", tab2, "alice");
        assertThat(presence.whoIsIn("lobby")).containsExactly("carol");
    }

    @Test
    void aConnectionThatNeverLeaves_staysUntilGroupExpiry_unlessRefreshed() {
        String crashed = layer.newChannel();
        String alive = layer.newChannel();
        presence.join("lobby", crashed, "ghost");
        presence.join("lobby", alive, "alice");
        clock.advance(GROUP_EXPIRY.minusSeconds(1));
        presence.refresh("lobby", alive, "alice");
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice", "ghost");

        clock.advance(Duration.ofSeconds(1));
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice");
        clock.advance(GROUP_EXPIRY.minusSeconds(1));
        assertThat(presence.whoIsIn("lobby")).isEmpty();
    }

    @Test
    void refresh_sendsNoEvent_andMayRename() throws Exception {
        String alice = layer.newChannel();
        presence.join("lobby", alice, "alice");
        drain(alice);
        presence.refresh("lobby", alice, "Alice Liddell");
        assertThat(layer.receive(alice, NOTHING)).isNull();
        assertThat(presence.whoIsIn("lobby")).containsExactly("Alice Liddell");
    }

    @Test
    void plainGroupMembers_areInTheRoomButNotListed() throws Exception {
        String anonymous = layer.newChannel();
        layer.groupAdd("lobby", anonymous);
        presence.join("lobby", layer.newChannel(), "alice");
        assertThat(layer.receive(anonymous, WAIT)).isEqualTo(joinEvent("alice"));
        assertThat(presence.whoIsIn("lobby")).containsExactly("alice");
        assertThat(layer.groupSize("lobby")).isEqualTo(2);
    }

    @Test
    void presenceKeepsNoState_soInstancesOnOneLayerAgree() {
        Presence other = new Presence(layer);
        presence.join("lobby", layer.newChannel(), "alice");
        other.join("lobby", layer.newChannel(), "bob");
        assertThat(other.whoIsIn("lobby")).isEqualTo(presence.whoIsIn("lobby")).containsExactly("alice", "bob");
        assertThat(other.layer()).isSameAs(layer);
    }

    @Test
    void badArguments_areRefused() {
        String channel = layer.newChannel();
        assertThatThrownBy(() -> new Presence(GroupIntrospectionTest.plainLayer()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not support group introspection");
        assertThatThrownBy(() -> new Presence(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> presence.join("lobby", channel, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("user must not be empty");
        assertThatThrownBy(() -> presence.join("lobby", channel, null))
                .isInstanceOf(NullPointerException.class).hasMessage("user");
        assertThatThrownBy(() -> presence.leave("lobby", channel, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> presence.join("lobby", channel, "x".repeat(1001)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> presence.join("my room", channel, "alice"))
                .isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> presence.whoIsIn("my room")).isInstanceOf(InvalidChannelNameException.class);
        assertThat(presence.whoIsIn("lobby")).isEmpty();
    }

    // ------------------------------------------------------------------ in a consumer

    // [snippet presence-consumer]
    /** A chat room that shows who is online: {@code /ws/room/<name>/?user=<name>}. */
    public static class RoomConsumer extends WebsocketConsumer {
        private Presence presence;
        private String room;
        private String user;

        @Override
        public void connect() {
            presence = new Presence(channelLayer());
            room = "room_" + scope().urlRoute().kwarg("room_name");
            user = queryParameter("user", "guest");
            presence.join(room, channelName(), user); // the room, this one included, gets presence.join
            accept();
        }

        @Override
        public void disconnect(int code) {
            if (room != null) {
                presence.leave(room, channelName(), user); // the others get presence.leave
            }
        }

        public void presenceJoin(Message event) {
            send(Json.stringify(Map.of("joined", event.getString("user"), "online", presence.whoIsIn(room))));
        }

        public void presenceLeave(Message event) {
            send(Json.stringify(Map.of("left", event.getString("user"), "online", presence.whoIsIn(room))));
        }

        private String queryParameter(String name, String fallback) {
            for (String pair : scope().queryString().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && kv[0].equals(name) && !kv[1].isEmpty()) {
                    return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
                }
            }
            return fallback;
        }
    }
    // [end presence-consumer]

    @Test
    void aConsumer_showsWhoIsOnline() {
        Application application = new URLRouter(List.of(rePath("ws/room/(?P<room_name>\\w+)/$",
                Consumer.asApplication(RoomConsumer::new, new ChannelLayers().set("default", layer)))));
        WebsocketCommunicator alice = connect(application, "/ws/room/lobby/?user=alice");
        assertOnline(alice.receiveJsonFrom(), "joined", "alice", "alice");

        WebsocketCommunicator bob = connect(application, "/ws/room/lobby/?user=Bob%20B");
        assertOnline(bob.receiveJsonFrom(), "joined", "Bob B", "Bob B", "alice");
        assertOnline(alice.receiveJsonFrom(), "joined", "Bob B", "Bob B", "alice");

        WebsocketCommunicator elsewhere = connect(application, "/ws/room/kitchen/?user=carol");
        assertOnline(elsewhere.receiveJsonFrom(), "joined", "carol", "carol");

        bob.disconnect();
        assertOnline(alice.receiveJsonFrom(), "left", "Bob B", "alice");
        assertThat(alice.receiveNothing()).isTrue();
        assertThat(elsewhere.receiveNothing()).isTrue();
        assertThat(new Presence(layer).whoIsIn("room_lobby")).containsExactly("alice");
    }

    private WebsocketCommunicator connect(Application application, String path) {
        WebsocketCommunicator client = new WebsocketCommunicator(application, path);
        clients.add(client);
        assertThat(client.connect().accepted()).isTrue();
        return client;
    }

    private static void assertOnline(JsonNode json, String what, String user, String... online) {
        assertThat(json.get(what).asText()).isEqualTo(user);
        List<String> names = new ArrayList<>();
        json.get("online").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactly(online);
    }

    private static Message joinEvent(String user) {
        return Message.of("type", Presence.JOIN, "room", "lobby", "user", user);
    }

    private void drain(String... channels) throws InterruptedException {
        for (String channel : channels) {
            while (layer.receive(channel, NOTHING) != null) {
                // discard
            }
        }
    }
}

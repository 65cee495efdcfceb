package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.redis.RedisChannelLayer;
import io.channels4j.server.ChannelsServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out: two servers, each with its own Redis layer instance (as two processes would have),
 * on one Redis; a client on each in the same room sees the other's messages.
 */
class ScaleOutIT {

    private final String prefix = "c4jt" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final List<AutoCloseable> resources = new ArrayList<>();

    private static String redisUrl() {
        String url = System.getenv("CHANNELS_TEST_REDIS");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379/0" : url;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        try (Jedis jedis = new Jedis(URI.create(redisUrl()))) {
            for (String key : jedis.keys(prefix + "*")) {
                jedis.del(key);
            }
        }
    }

    private ChannelsServer server() {
        RedisChannelLayer layer = RedisChannelLayer.builder().host(redisUrl()).prefix(prefix).build();
        resources.add(layer);
        ChannelsServer server = ChannelsServer.builder()
                .application(ChatRouting.application(new ChannelLayers().set("default", layer)))
                .port(0).start();
        resources.add(server);
        return server;
    }

    /**
     * A browser-like client: the JDK's WebSocket, queueing text frames, with the Origin a page of
     * that server would send (the chat rejects handshakes without one).
     */
    private LinkedBlockingQueue<String> client(ChannelsServer server, String room, List<WebSocket> sockets) {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", server.httpUrl().toString())
                .buildAsync(server.websocketUrl().resolve("/ws/chat/" + room + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).orTimeout(10, TimeUnit.SECONDS).join();
        sockets.add(socket);
        resources.add(() -> socket.abort());
        return received;
    }

    @Test
    void aMessageSentOnOneServer_reachesTheRoomOnTheOther() throws Exception {
        ChannelsServer first = server();
        ChannelsServer second = server();
        List<WebSocket> sockets = new ArrayList<>();
        LinkedBlockingQueue<String> alice = client(first, "lobby", sockets);
        LinkedBlockingQueue<String> bob = client(second, "lobby", sockets);
        LinkedBlockingQueue<String> carol = client(second, "kitchen", sockets);

        sockets.get(0).sendText("{\"message\": \"hello across servers\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(Json.parse(alice.poll(10, TimeUnit.SECONDS)).get("message").asText()).isEqualTo("hello across servers");
        assertThat(Json.parse(bob.poll(10, TimeUnit.SECONDS)).get("message").asText()).isEqualTo("hello across servers");

        sockets.get(1).sendText("{\"message\": \"and back\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(Json.parse(alice.poll(10, TimeUnit.SECONDS)).get("message").asText()).isEqualTo("and back");
        assertThat(Json.parse(bob.poll(10, TimeUnit.SECONDS)).get("message").asText()).isEqualTo("and back");
        assertThat(carol.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}

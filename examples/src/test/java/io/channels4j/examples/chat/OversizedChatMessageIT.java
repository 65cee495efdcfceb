package io.channels4j.examples.chat;

import io.channels4j.Json;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1 MiB chat messages through the real server: just under the server's message cap (1 MiB) the
 * consumer answers {@code {"error": ...}} on that socket only and the socket stays open; over it
 * the server closes that socket with 1009 and a reason. The room's other members get nothing of
 * either and keep chatting; the client never sees a stack trace.
 */
class OversizedChatMessageIT {

    private static final int SERVER_CAP = 1024 * 1024; // ChannelsServer's default maxMessageSize

    private final List<AutoCloseable> resources = new ArrayList<>();
    private ChatServer.Running chat;

    @BeforeEach
    void start() {
        chat = ChatServer.start(new ChatServer.Options(0, "127.0.0.1", "memory://"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        resources.add(chat);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** A connected client: its text frames, and how it was closed. */
    private record Client(WebSocket socket, LinkedBlockingQueue<String> texts, CompletableFuture<String> closed) {
    }

    private Client connect() {
        URI page = chat.server().httpUrl();
        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", page.toString())
                .buildAsync(chat.server().websocketUrl().resolve("/ws/chat/lobby/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            texts.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode + " " + reason);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete("error " + error);
                    }
                }).orTimeout(10, TimeUnit.SECONDS).join();
        resources.add(socket::abort);
        return new Client(socket, texts, closed);
    }

    private static String messageOfTotalSize(int bytes) {
        String head = "{\"message\": \"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void justUnderTheServersCap_getsAnErrorReply_andTheSocketStaysOpen() throws Exception {
        Client mallory = connect();
        Client alice = connect();

        mallory.socket().sendText(messageOfTotalSize(SERVER_CAP - 16), true).get(10, TimeUnit.SECONDS);
        String reply = mallory.texts().poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(Json.parse(reply).get("error").asText()).contains("longer than").doesNotContain("Exception");

        mallory.socket().sendText("{\"message\": \"still here\"}", true).get(5, TimeUnit.SECONDS);
        for (Client member : List.of(mallory, alice)) {
            assertThat(Json.parse(member.texts().poll(10, TimeUnit.SECONDS)).get("message").asText())
                    .isEqualTo("still here");
        }
        assertThat(alice.texts()).as("alice got nothing of the oversized message").isEmpty();
        assertThat(mallory.closed()).isNotDone();
    }

    @Test
    void overTheServersCap_closesThatSocketWith1009_andTheRoomGoesOn() throws Exception {
        Client mallory = connect();
        Client alice = connect();
        Client bob = connect();

        mallory.socket().sendText(messageOfTotalSize(SERVER_CAP + 1024), true);
        assertThat(mallory.closed().get(10, TimeUnit.SECONDS)).startsWith("1009 ").doesNotContain("Exception");

        alice.socket().sendText("{\"message\": \"after\"}", true).get(5, TimeUnit.SECONDS);
        for (Client member : List.of(alice, bob)) {
            assertThat(Json.parse(member.texts().poll(10, TimeUnit.SECONDS)).get("message").asText())
                    .isEqualTo("after");
        }
        assertThat(alice.closed()).isNotDone();
        assertThat(bob.closed()).isNotDone();
    }
}

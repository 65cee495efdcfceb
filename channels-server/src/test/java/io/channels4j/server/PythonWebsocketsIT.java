package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.channels4j.routing.Route.path;
import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The server against an independent client implementation: Python's {@code websockets} library
 * (Debian's python3-websockets for {@code /usr/bin/python3}) runs {@code ws_client.py} once for
 * the class; each test asserts on one part of the JSON line it prints.
 */
class PythonWebsocketsIT {

    static final int MAX_MESSAGE = 64 * 1024;
    static final String PYTHON = "/usr/bin/python3";
    static final long SCRIPT_TIMEOUT_SECONDS = 30;

    static final LinkedBlockingQueue<String> DISCONNECTS = new LinkedBlockingQueue<>();

    /** Echoes text and bytes; records its disconnect code. */
    public static class Echo extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(text);
        }

        @Override
        public void receive(byte[] bytes) {
            send(bytes);
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(scope().path() + " " + code);
        }
    }

    /** Accepts with chat.v2 when offered (rejects otherwise); answers any text with the offered list. */
    public static class Subprotocol extends WebsocketConsumer {
        @Override
        public void connect() {
            if (scope().subprotocols().contains("chat.v2")) {
                accept("chat.v2");
            } else {
                close();
            }
        }

        @Override
        public void receive(String text) {
            send(Json.stringify(scope().subprotocols()));
        }
    }

    /** Rejects the handshake. */
    public static class Rejecting extends WebsocketConsumer {
        @Override
        public void connect() {
            close();
        }
    }

    static Application application() {
        ChannelLayers none = new ChannelLayers();
        ChannelLayers layers = new ChannelLayers().set("default", new InMemoryChannelLayer());
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/echo/", Consumer.asApplication(Echo::new, none)),
                rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatFlowIT.ChatConsumer::new, layers)),
                path("ws/subprotocol/", Consumer.asApplication(Subprotocol::new, none)),
                path("ws/reject/", Consumer.asApplication(Rejecting::new, none))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(PythonWebsocketsIT::application,
            b -> b.maxMessageSize(MAX_MESSAGE));

    private static JsonNode results;
    private static String transcript;

    /** Runs the Python client once against the live server (extensions start before this). */
    @BeforeAll
    static void runPythonClient(@TempDir Path dir) throws Exception {
        Path script = script();
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(PYTHON, script.toString(), server.server().websocketUrl().toString(),
                String.valueOf(MAX_MESSAGE))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().remove("PYTHONPATH");
        Process process = builder.start();
        boolean finished = process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        transcript = "--- stdout ---\n" + read(stdout) + "\n--- stderr ---\n" + read(stderr);
        if (!finished) {
            fail("%s %s did not finish within %d s\n%s", PYTHON, script, SCRIPT_TIMEOUT_SECONDS, transcript);
        }
        if (process.exitValue() != 0) {
            fail("%s %s exited with %d\n%s", PYTHON, script, process.exitValue(), transcript);
        }
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            fail("the Python client printed nothing\n%s", transcript);
        }
        results = Json.parse(lines.get(lines.size() - 1));
    }

    private static Path script() throws URISyntaxException {
        URL resource = PythonWebsocketsIT.class.getResource("/ws_client.py");
        assertThat(resource).as("ws_client.py on the test class path").isNotNull();
        return Path.of(resource.toURI());
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** @return one check's observations, failing with the whole transcript if it errored */
    private static JsonNode part(String name) {
        JsonNode node = results == null ? null : results.get(name);
        if (node == null || node.has("error")) {
            fail("the Python check '%s' failed: %s\n%s", name, node, transcript);
        }
        return node;
    }

    @Test
    void echo_unicodeTextAndBinaryOfTheMaxSize() {
        JsonNode echo = part("echo");
        assertThat(echo.get("echoed")).as(transcript).isEqualTo(echo.get("sent"));
        assertThat(echo.get("echoed").get(2).asText()).isEqualTo("\u65e5\u672c\u8a9e \uD83C\uDF89 emoji");
        assertThat(echo.get("binary_type").asText()).isEqualTo("bytes");
        assertThat(echo.get("binary_len").asInt()).isEqualTo(MAX_MESSAGE);
        assertThat(echo.get("binary_equal").asBoolean()).as(transcript).isTrue();
        assertThat(echo.get("extensions").isNull()).as("no extension negotiated (permessage-deflate stays off)").isTrue();
    }

    @Test
    void chat_bothLobbyClientsReceive_kitchenReceivesNothing() {
        JsonNode chat = part("chat");
        String sent = chat.get("sent").asText();
        assertThat(chat.get("alice")).isEqualTo(Json.parse(Json.stringify(Map.of("message", sent))));
        assertThat(chat.get("bob")).isEqualTo(chat.get("alice"));
        assertThat(chat.get("kitchen").isNull()).as("kitchen got %s", chat.get("kitchen")).isTrue();
    }

    @Test
    void subprotocol_isNegotiated() {
        JsonNode subprotocol = part("subprotocol");
        assertThat(subprotocol.get("negotiated").asText()).isEqualTo("chat.v2");
        assertThat(subprotocol.get("server_saw_offered")).isEqualTo(Json.parse("[\"chat.v1\", \"chat.v2\"]"));
    }

    @Test
    void rejectedHandshake_isHttp403() {
        JsonNode reject = part("reject");
        assertThat(reject.get("opened").asBoolean()).isFalse();
        assertThat(reject.get("exception").asText()).isIn("InvalidStatusCode", "InvalidStatus");
        assertThat(reject.get("status").asInt()).isEqualTo(403);
    }

    @Test
    void messageOverTheMaxSize_closes1009() {
        JsonNode tooBig = part("too_big");
        assertThat(tooBig.get("closed").asBoolean()).as(transcript).isTrue();
        assertThat(tooBig.get("code").asInt()).isEqualTo(1009);
        // the application on the server saw both /ws/echo/ connections end: normally, then with 1009
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(DISCONNECTS).contains("/ws/echo/ 1000", "/ws/echo/ 1009"));
    }
}

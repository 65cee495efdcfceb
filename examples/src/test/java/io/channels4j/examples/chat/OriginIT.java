package io.channels4j.examples.chat;

import io.channels4j.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat's origin check through the real server: a handshake from another site's page (the
 * cross-site WebSocket hijacking attempt) or without an Origin header is answered with HTTP 403
 * before any consumer runs; one from the chat's own page gets its 101 and a working socket.
 */
class OriginIT {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private ChatServer.Running start(ChatServer.Options options) {
        ChatServer.Running running = ChatServer.start(options, new PrintStream(output, true, StandardCharsets.UTF_8));
        resources.add(running);
        return running;
    }

    private String log() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /**
     * Sends a WebSocket handshake by hand, so exactly the given headers go out, and returns the
     * response's status line.
     */
    private static String handshake(URI httpUrl, String path, String origin) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(httpUrl.getHost()).append(':').append(httpUrl.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Cookie: sessionid=the-victims-session\r\n");
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket(httpUrl.getHost(), httpUrl.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    @Test
    void aPageOfAnotherSite_getsA403() throws Exception {
        ChatServer.Running chat = start(new ChatServer.Options(0, "127.0.0.1", "memory://"));

        assertThat(handshake(chat.server().httpUrl(), "/ws/chat/lobby/", "https://evil.example"))
                .startsWith("HTTP/1.1 403");
        assertThat(handshake(chat.server().httpUrl(), "/ws/chat/lobby/", "http://127.0.0.1.evil.example"))
                .startsWith("HTTP/1.1 403");
        assertThat(handshake(chat.server().httpUrl(), "/ws/chat/lobby/", "null"))
                .as("a sandboxed frame or file: page").startsWith("HTTP/1.1 403");
        assertThat(log()).contains("WSREJECT /ws/chat/lobby/");
    }

    @Test
    void noOriginHeader_getsA403() throws Exception {
        ChatServer.Running chat = start(new ChatServer.Options(0, "127.0.0.1", "memory://"));

        assertThat(handshake(chat.server().httpUrl(), "/ws/chat/lobby/", null)).startsWith("HTTP/1.1 403");
    }

    @Test
    void theChatsOwnPage_gets101_andAWorkingSocket() throws Exception {
        ChatServer.Running chat = start(new ChatServer.Options(0, "127.0.0.1", "memory://"));
        URI page = chat.server().httpUrl();

        assertThat(handshake(page, "/ws/chat/lobby/", page.toString())).startsWith("HTTP/1.1 101");
        assertThat(handshake(page, "/ws/chat/lobby/", "http://localhost:" + page.getPort())).startsWith("HTTP/1.1 101");

        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", page.toString())
                .buildAsync(chat.server().websocketUrl().resolve("/ws/chat/lobby/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).orTimeout(10, TimeUnit.SECONDS).join();
        resources.add(socket::abort);
        socket.sendText("{\"message\": \"same site\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(Json.parse(received.poll(10, TimeUnit.SECONDS)).get("message").asText()).isEqualTo("same site");
    }

    @Test
    void allowedHostsOption_replacesTheDevelopmentHosts() throws Exception {
        ChatServer.Running chat = start(ChatServer.parse(
                new String[] {"--port", "0", "--allowed-hosts", "chat.example.com,.example.org"}, null));
        URI url = chat.server().httpUrl();

        assertThat(handshake(url, "/ws/chat/lobby/", "https://chat.example.com")).startsWith("HTTP/1.1 101");
        assertThat(handshake(url, "/ws/chat/lobby/", "https://www.example.org:8443")).startsWith("HTTP/1.1 101");
        assertThat(handshake(url, "/ws/chat/lobby/", url.toString())).startsWith("HTTP/1.1 403");
    }
}

package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Json;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.HttpConsumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** TLS from a keystore: https:// and wss:// on one port, with the scope's scheme to match. */
class TlsIT {

    private static final char[] PASSWORD = "changeit-test".toCharArray();

    @TempDir
    static Path dir;

    static ChannelsServer server;
    static SSLContext clientContext;

    /** Echoes the scheme and the text. */
    public static class SchemeEcho extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(scope().scheme() + ":" + text);
        }
    }

    /** Answers with the scheme. */
    public static class SchemePage extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            sendResponse(200, Json.stringify(Map.of("scheme", scope().scheme())), "application/json");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        ChannelLayers none = new ChannelLayers();
        Application application = ProtocolTypeRouter.of(Map.of(
                "websocket", Consumer.asApplication(SchemeEcho::new, none),
                "http", Consumer.asApplication(SchemePage::new, none)));
        server = ChannelsServer.builder().application(application).port(0).tls(keystore, PASSWORD).start();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void https_servesPagesWithSchemeHttps() throws Exception {
        assertThat(server.httpUrl().getScheme()).isEqualTo("https");
        HttpClient client = HttpClient.newBuilder().sslContext(clientContext).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl().resolve("/page/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("scheme").asText()).isEqualTo("https");
    }

    @Test
    void wss_carriesFramesWithSchemeWss() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(clientContext).build();
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(server.websocketUrl().resolve("/ws/"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("secret", true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("wss:secret");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }
}

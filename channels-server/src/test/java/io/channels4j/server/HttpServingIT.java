package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.HttpConsumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** HTTP on the same port as the WebSockets, through real sockets and the JDK's HTTP client. */
class HttpServingIT {

    static final ChannelLayer LAYER = new InMemoryChannelLayer();
    static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();

    /** Answers with what the server put in the scope. */
    public static class ScopeDump extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            Scope s = scope();
            sendResponse(200, Json.stringify(Map.of(
                    "method", s.method(), "path", s.path(), "raw_path", s.rawPath(), "query", s.queryString(),
                    "scheme", s.scheme(), "http_version", s.httpVersion(),
                    "client", s.client().host(), "server_port", s.server().port(),
                    "headers", s.headers().toPairs(),
                    "body", new String(body, StandardCharsets.UTF_8))), "application/json");
        }
    }

    /** Fails in handle. */
    public static class Broken extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** Server-sent events: a first event from handle, more from layer messages. */
    public static class EventStream extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            channelLayer().groupAdd("sse", channelName());
            sendHeaders(200, Headers.of("content-type", "text/event-stream"));
            sendBody("data: hello\n\n".getBytes(StandardCharsets.UTF_8), true);
        }

        public void tick(Message event) {
            boolean last = event.getBoolean("last", false);
            sendBody(("data: " + event.getString("n") + "\n\n").getBytes(StandardCharsets.UTF_8), !last);
        }
    }

    static Application application() {
        ChannelLayers layers = new ChannelLayers().set("default", LAYER);
        Application raw = (scope, receive, send) -> {
            receive.receive();
            send.send(Events.httpResponseStart(201, Headers.of("X-Custom", "yes", "Set-Cookie", "a=1", "Set-Cookie", "b=2")));
            send.send(Events.httpResponseBody("created".getBytes(StandardCharsets.UTF_8), false));
        };
        return ProtocolTypeRouter.of(Map.of("http", new URLRouter(List.of(
                path("scope/", Consumer.asApplication(ScopeDump::new, layers)),
                path("scope/<path:rest>", Consumer.asApplication(ScopeDump::new, layers)),
                path("broken/", Consumer.asApplication(Broken::new, layers)),
                path("events/", Consumer.asApplication(EventStream::new, layers)),
                path("raw/", raw)))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(HttpServingIT::application,
            b -> b.maxRequestBodySize(1000).accessLog(ACCESS_LOG::add));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.httpUrl(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void get_buildsTheScopeAsDaphneDoes() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/scope/caf%C3%A9%20x/?a=1&b=%20"))
                .header("X-Trace", "t1").header("X_Smuggled", "no").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode scope = Json.parse(response.body());
        assertThat(scope.get("method").asText()).isEqualTo("GET");
        assertThat(scope.get("path").asText()).isEqualTo("/scope/café x/");
        assertThat(scope.get("raw_path").asText()).isEqualTo("/scope/caf%C3%A9%20x/");
        assertThat(scope.get("query").asText()).isEqualTo("a=1&b=%20");
        assertThat(scope.get("scheme").asText()).isEqualTo("http");
        assertThat(scope.get("http_version").asText()).isEqualTo("1.1");
        assertThat(scope.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(scope.get("server_port").asInt()).isEqualTo(server.server().port());
        String headers = scope.get("headers").toString();
        assertThat(headers).contains("[\"x-trace\",\"t1\"]").contains("\"host\"").doesNotContain("smuggled");
        assertThat(response.headers().firstValue("server")).contains("channels4j");
        assertThat(response.headers().firstValue("content-length")).contains(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void post_deliversTheBody() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/scope/"))
                .POST(HttpRequest.BodyPublishers.ofString("héllo body")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode scope = Json.parse(response.body());
        assertThat(scope.get("method").asText()).isEqualTo("POST");
        assertThat(scope.get("body").asText()).isEqualTo("héllo body");
    }

    @Test
    void anyStatusAndRepeatedHeaders_reachTheClient() throws Exception {
        HttpResponse<String> response = get("/raw/");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("created");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
        assertThat(response.headers().firstValue("x-custom")).contains("yes");
    }

    @Test
    void head_sendsNoBody() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/raw/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void noRoute_is404() throws Exception {
        assertThat(get("/nowhere/").statusCode()).isEqualTo(404);
    }

    @Test
    void applicationError_is500() throws Exception {
        HttpResponse<String> response = get("/broken/");
        assertThat(response.statusCode()).isEqualTo(500);
    }

    @Test
    void bodyOverTheMax_is413() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/scope/"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1001))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void chunkedRequestBody_is411() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/scope/"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8))))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(411);
    }

    @Test
    void serverSentEventStreamstreamAsTheyAreSent() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.httpUrl("/events/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("data: hello"); // arrives before the response ends
            assertThat(lines.readLine()).isEmpty();
            LAYER.groupSend("sse", Message.of("type", "tick", "n", "1"));
            assertThat(lines.readLine()).isEqualTo("data: 1");
            assertThat(lines.readLine()).isEmpty();
            LAYER.groupSend("sse", Message.of("type", "tick", "n", "2", "last", true));
            assertThat(lines.readLine()).isEqualTo("data: 2");
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isNull(); // the response ended with the last chunk
        }
    }

    @Test
    void accessLog_usesDaphnesFormat() throws Exception {
        get("/raw/?x=1");
        await().atMost(Duration.ofSeconds(5)).until(() -> ACCESS_LOG.stream().anyMatch(l -> l.contains("\"GET /raw/?x=1\"")));
        String line = ACCESS_LOG.stream().filter(l -> l.contains("\"GET /raw/?x=1\"")).findFirst().orElseThrow();
        assertThat(line).matches("127\\.0\\.0\\.1:\\d+ - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}\\] \"GET /raw/\\?x=1\" 201 7");
    }

    @Test
    void proxyHeaders_areIgnoredUnlessEnabled() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.httpUrl("/scope/"))
                .header("X-Forwarded-For", "203.0.113.7").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parse(response.body()).get("client").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void trustedProxyHeaders_setClientAndScheme() throws Exception {
        try (ChannelsServer proxied = ChannelsServer.builder().application(application()).port(0)
                .proxyHeaders(true).start();
             ChannelsServer untrusting = ChannelsServer.builder().application(application()).port(0)
                .proxyHeaders(true).trustedProxies(List.of("10.9.9.9")).start()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(proxied.httpUrl() + "/scope/"))
                    .header("X-Forwarded-For", "203.0.113.7, 10.0.0.1").header("X-Forwarded-Proto", "https")
                    .timeout(Duration.ofSeconds(10));
            JsonNode scope = Json.parse(client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(scope.get("client").asText()).isEqualTo("203.0.113.7");
            assertThat(scope.get("scheme").asText()).isEqualTo("https");

            JsonNode ignored = Json.parse(client.send(HttpRequest.newBuilder(URI.create(untrusting.httpUrl() + "/scope/"))
                    .header("X-Forwarded-For", "203.0.113.7").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(ignored.get("client").asText()).isEqualTo("127.0.0.1");
        }
    }
}

package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path traversal attempts over HTTP and WebSocket: a request whose decoded path holds a dot
 * segment or a control character is answered 400 before any application sees it (never a 500 or
 * a stack trace); harmless look-alikes still reach the application with their path intact.
 */
class PathTraversalIT {

    static final AtomicInteger APPLICATION_CALLS = new AtomicInteger();

    /** Accepts. */
    public static class Accepting extends WebsocketConsumer {
    }

    static Application application() {
        Application http = (scope, receive, send) -> {
            APPLICATION_CALLS.incrementAndGet();
            Message request = receive.receive();
            if (!Events.HTTP_REQUEST.equals(request.type())) {
                return;
            }
            send.send(Events.httpResponseStart(200, Headers.of("content-type", "text/plain; charset=utf-8")));
            send.send(Events.httpResponseBody(("path=" + scope.path()).getBytes(StandardCharsets.UTF_8), false));
        };
        return ProtocolTypeRouter.of(Map.of(
                "http", http,
                "websocket", new URLRouter(List.of(path("ws/echo/", Consumer.asApplication(Accepting::new,
                        new ChannelLayers()))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(PathTraversalIT::application);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/../../etc/passwd",
        "/static/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/etc/passwd",
        "/chat/..%2f..%2f",
        "/chat/..%2F..%2Fetc%2Fpasswd",
        "/chat/%2e%2e",
        "/chat/..",
        "/./chat/",
        "/chat/%2e/",
        "/static/..%5c..%5cwindows%5cwin.ini",
        "/static/..\\..\\windows",
        "/%00",
        "/chat/%00/x",
        "/etc/passwd%00.html",
        "/chat/%0d%0aSet-Cookie:%20x=1",
        "/chat/%7f",
        "/%c0%ae%c0%ae/etc/passwd", // overlong UTF-8 for "..": not UTF-8 at all
        "/%e0%80%ae%e0%80%ae/etc/passwd",
    })
    void traversalAttempt_is400_beforeAnyApplication(String target) throws Exception {
        int before = APPLICATION_CALLS.get();
        RawSocket.Response response = get(target);
        assertThat(response.statusLine()).as("answer to %s", target).isEqualTo("HTTP/1.1 400 Bad Request");
        assertNoLeak(response);
        assertThat(APPLICATION_CALLS.get()).as("the application never ran").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/ws/../ws/echo/", "/ws/%2e%2e/ws/echo/", "/ws/echo/%00"})
    void traversalAttempt_inAWebsocketHandshake_is400(String target) throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1(RawSocket.upgradeRequest(target, RawSocket.newKey(), ""));
            RawSocket.Response response = raw.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            assertNoLeak(response);
            assertThat(raw.awaitClosedByPeer(Duration.ofSeconds(5))).as("closed after the 400").isNotNull();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/files/a..b|/files/a..b",
        "/files/..hidden|/files/..hidden",
        "/files/...|/files/...",
        "/files/.well-known/x|/files/.well-known/x",
        "/a%2fb|/a/b",
        "//etc/passwd|//etc/passwd",
        "/caf%c3%a9|/caf\u00e9",
        "/?file=../../etc/passwd|/",
        "/q?x=%00|/q",
    })
    void lookAlikes_reachTheApplication_withTheirPath(String target, String path) throws Exception {
        RawSocket.Response response = get(target);
        assertThat(response.statusLine()).as("answer to %s", target).isEqualTo("HTTP/1.1 200 OK");
        assertThat(response.bodyText()).isEqualTo("path=" + path);
    }

    @Test
    void afterTheAttempts_theServerStillServes() throws Exception {
        traversalAttempt_is400_beforeAnyApplication("/%2e%2e/%2e%2e/etc/passwd");
        assertThat(get("/ok").bodyText()).isEqualTo("path=/ok");
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
        }
    }

    private static RawSocket.Response get(String target) throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            return raw.readResponse();
        }
    }

    /** No 5xx, no stack trace, no echo of a file name in an error answer. */
    private static void assertNoLeak(RawSocket.Response response) {
        assertThat(response.status()).isLessThan(500);
        String body = response.bodyText().toLowerCase(Locale.ROOT);
        assertThat(body).doesNotContain("exception", "passwd", "at io.", "at java.", "win.ini");
    }
}

package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionMiddlewareTest {

    static final String SECRET = "a-test-secret-that-is-long-enough-for-hmac-sha256";

    private final InMemorySessionStore store = new InMemorySessionStore();

    /** An HTTP application that runs an action on the session, then answers with a status. */
    static Application page(int status, Consumer<Session> action) {
        return (scope, receive, send) -> {
            receive.receive();
            Session session = Session.of(scope);
            action.accept(session);
            send.send(Events.httpResponseStart(status, Headers.of("content-type", "text/plain")));
            send.send(Events.httpResponseBody(String.valueOf(session.asMap()).getBytes(StandardCharsets.UTF_8), false));
        };
    }

    static Application countVisits() {
        return page(200, s -> s.put("visits", s.get("visits", Long.class, 0L) + 1));
    }

    static HttpCommunicator.Response get(Application app, String cookieHeader) {
        Headers headers = cookieHeader == null ? Headers.empty() : Headers.of("cookie", cookieHeader);
        try (var http = new HttpCommunicator(app, "GET", "/", new byte[0], headers)) {
            return http.getResponse();
        }
    }

    /** @return {@code name=value} of the first Set-Cookie, or null */
    static String cookiePair(HttpCommunicator.Response response) {
        String header = response.headers().get("set-cookie");
        return header == null ? null : header.substring(0, header.indexOf(';'));
    }

    @Test
    void firstVisit_savesSession_setsSignedCookie() {
        Application app = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);

        var response = get(app, null);

        String header = response.headers().get("set-cookie");
        assertThat(header).matches("sessionid=[a-z0-9]{32}:[A-Za-z0-9_-]{43}; expires=[^;]+ GMT; HttpOnly; "
                + "Max-Age=1209600; Path=/; SameSite=Lax");
        String key = cookiePair(response).substring("sessionid=".length(), "sessionid=".length() + 32);
        assertThat(store.load(key)).isEqualTo(Map.of("visits", 1L));
    }

    @Test
    void cookieFromResponse_opensTheSameSessionNextTime() {
        Application app = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        String cookie = cookiePair(get(app, null));

        var second = get(app, cookie);
        var third = get(app, "other=1; " + cookie);

        assertThat(second.bodyText()).isEqualTo("{visits=2}");
        assertThat(third.bodyText()).isEqualTo("{visits=3}");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void unsignedForgedOrForeignCookie_givesNewEmptySession() {
        Application app = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        String cookie = cookiePair(get(app, null));
        String key = cookie.substring("sessionid=".length(), "sessionid=".length() + 32);
        String foreign = new SessionMiddleware((s, r, w) -> { }, store, SECRET + "-other").cookieValue(key);

        assertThat(get(app, "sessionid=" + key).bodyText()).as("bare key").isEqualTo("{visits=1}");
        assertThat(get(app, cookie + "x").bodyText()).as("altered").isEqualTo("{visits=1}");
        assertThat(get(app, "sessionid=" + foreign).bodyText()).as("other secret").isEqualTo("{visits=1}");
        assertThat(store.load(key)).as("the real session is untouched").isEqualTo(Map.of("visits", 1L));
    }

    @Test
    void expiredSession_startsAfresh_underANewKey() {
        Application app = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        String cookie = cookiePair(get(app, null));
        store.clear();

        var response = get(app, cookie);

        assertThat(response.bodyText()).isEqualTo("{visits=1}");
        assertThat(cookiePair(response)).isNotEqualTo(cookie);
    }

    @Test
    void unmodifiedSession_noSave_noCookie() {
        Application app = SessionMiddlewareStack.wrap(page(200, s -> s.get("anything")), store, SECRET);

        var response = get(app, null);

        assertThat(response.headers().contains("set-cookie")).isFalse();
        assertThat(store.size()).isZero();
    }

    @Test
    void serverError_doesNotSave() {
        Application app = SessionMiddlewareStack.wrap(page(500, s -> s.put("a", 1)), store, SECRET);

        var response = get(app, null);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.headers().contains("set-cookie")).isFalse();
        assertThat(store.size()).isZero();
    }

    @Test
    void flushedSession_deletesCookie() {
        Application counter = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        Application logout = SessionMiddlewareStack.wrap(page(200, Session::flush), store, SECRET);
        String cookie = cookiePair(get(counter, null));

        var response = get(logout, cookie);

        assertThat(response.headers().get("set-cookie"))
                .isEqualTo("sessionid=; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax");
        assertThat(store.size()).isZero();
    }

    @Test
    void flushWithoutCookie_setsNothing() {
        Application app = SessionMiddlewareStack.wrap(page(200, Session::flush), store, SECRET);

        assertThat(get(app, null).headers().contains("set-cookie")).isFalse();
    }

    @Test
    void clearedSession_isStillSaved_keepsItsCookie() {
        Application counter = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        Application clear = SessionMiddlewareStack.wrap(page(200, Session::clear), store, SECRET);
        String cookie = cookiePair(get(counter, null));

        var response = get(clear, cookie);

        assertThat(cookiePair(response)).isEqualTo(cookie);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void configuredCookie_nameDomainSecureSameSite_andClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
        Application app = SessionMiddlewareStack.wrap(countVisits(), SessionMiddleware.builder(store, SECRET)
                .cookieName("sid").maxAge(Duration.ofHours(1)).cookiePath("/app").cookieDomain("example.com")
                .secure(true).httpOnly(false).sameSite("Strict").clock(clock));

        String header = get(app, null).headers().get("set-cookie");

        assertThat(header).startsWith("sid=").endsWith("; Domain=example.com; expires=Mon, 01 Jan 2024 01:00:00 GMT; "
                + "Max-Age=3600; Path=/app; SameSite=Strict; Secure");
    }

    @Test
    void expireAtBrowserClose_cookieWithoutExpiry() {
        Application app = SessionMiddlewareStack.wrap(countVisits(),
                SessionMiddleware.builder(store, SECRET).expireAtBrowserClose(true));

        String header = get(app, null).headers().get("set-cookie");

        assertThat(header).doesNotContain("Max-Age").doesNotContain("expires").endsWith("; HttpOnly; Path=/; SameSite=Lax");
    }

    @Test
    void saveEveryRequest_refreshesUnmodifiedSession() {
        Application counter = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        Application reader = SessionMiddlewareStack.wrap(page(200, s -> { }),
                SessionMiddleware.builder(store, SECRET).saveEveryRequest(true));
        String cookie = cookiePair(get(counter, null));

        assertThat(cookiePair(get(reader, cookie))).isEqualTo(cookie);
        assertThat(get(reader, null).headers().contains("set-cookie")).as("empty new session").isFalse();
    }

    @Test
    void websocket_noCookieOnAccept_explicitSavePersists() {
        Application http = SessionMiddlewareStack.wrap(countVisits(), store, SECRET);
        String cookie = cookiePair(get(http, null));
        Application ws = SessionMiddlewareStack.wrap((scope, receive, send) -> {
            receive.receive();
            Session session = Session.of(scope);
            send.send(Events.websocketAccept(null, null));
            Message frame = receive.receive();
            session.put("nickname", frame.getString("text"));
            if (!frame.getString("text").equals("unsaved")) {
                session.save();
            }
            send.send(Events.websocketText(Events.WEBSOCKET_SEND, String.valueOf(session.asMap())));
        }, store, SECRET);

        try (var client = new WebsocketCommunicator(ws, "/ws/", Headers.of("cookie", cookie), List.of())) {
            var result = client.connect();
            assertThat(result.headers().contains("set-cookie")).isFalse();
            client.sendTo("ada");
            assertThat(client.receiveFrom()).isEqualTo("{visits=1, nickname=ada}");
        }
        try (var client = new WebsocketCommunicator(ws, "/ws/", Headers.of("cookie", cookie), List.of())) {
            client.connect();
            client.sendTo("unsaved");
            client.receiveFrom();
        }

        assertThat(get(http, cookie).bodyText()).isEqualTo("{visits=2, nickname=ada}");
    }

    @Test
    void withoutCookieMiddleware_explains() {
        SessionMiddleware bare = new SessionMiddleware((s, r, w) -> { }, store, SECRET);

        assertThatThrownBy(() -> bare.run(Scope.websocket("/"), () -> null, m -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CookieMiddleware");
    }

    @Test
    void outerSessionMiddleware_wins_innerPassesThrough() {
        AtomicReference<Session> seen = new AtomicReference<>();
        InMemorySessionStore innerStore = new InMemorySessionStore();
        Application nested = SessionMiddlewareStack.wrap(
                SessionMiddlewareStack.wrap(page(200, s -> {
                    seen.set(s);
                    s.put("a", 1);
                }), innerStore, SECRET), store, SECRET);

        var response = get(nested, null);

        assertThat(response.headers().getAll("set-cookie")).hasSize(1);
        assertThat(store.size()).isEqualTo(1);
        assertThat(innerStore.size()).isZero();
        assertThat(seen.get()).isNotNull();
    }

    @Test
    void otherEvents_passUntouched() throws Exception {
        List<Message> sent = new java.util.ArrayList<>();
        Message accept = Events.websocketAccept(null, null);
        Application app = SessionMiddlewareStack.wrap((scope, receive, send) -> {
            Session.of(scope).put("a", 1);
            send.send(accept);
        }, store, SECRET);

        app.run(Scope.websocket("/"), () -> null, sent::add);

        assertThat(sent).containsExactly(accept);
        assertThat(store.size()).isZero();
    }

    @Test
    void builder_validatesSettings() {
        var builder = SessionMiddleware.builder(store, SECRET);

        assertThatThrownBy(() -> builder.cookieName("bad name")).hasMessageContaining("'bad name'");
        assertThatThrownBy(() -> builder.maxAge(Duration.ofMillis(10))).hasMessageContaining("PT0.01S");
        assertThatThrownBy(() -> builder.sameSite("Loose")).hasMessageContaining("'Loose'");
        assertThatThrownBy(() -> SessionMiddleware.builder(store, "short")).hasMessageContaining("was 5")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short"));
        assertThat(builder.toString()).doesNotContain(SECRET);
        assertThat(builder.build((s, r, w) -> { }).toString()).doesNotContain(SECRET);
    }

    @Test
    void cookieValue_matchesWhatTheMiddlewareAccepts() {
        SessionMiddleware middleware = SessionMiddleware.builder(store, SECRET).cookieName("sid")
                .build(page(200, s -> { }));
        store.save("abcdefghijklmnopqrstuvwxyz012345", Map.of("who", "ada"), Duration.ofMinutes(1));

        var response = get(new CookieMiddleware(middleware),
                "sid=" + middleware.cookieValue("abcdefghijklmnopqrstuvwxyz012345"));

        assertThat(middleware.cookieName()).isEqualTo("sid");
        assertThat(response.bodyText()).isEqualTo("{who=ada}");
    }
}

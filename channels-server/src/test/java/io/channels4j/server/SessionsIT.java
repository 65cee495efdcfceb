package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.HttpConsumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.middleware.Auth;
import io.channels4j.middleware.AuthMiddleware;
import io.channels4j.middleware.AuthMiddlewareStack;
import io.channels4j.middleware.InMemorySessionStore;
import io.channels4j.middleware.Session;
import io.channels4j.middleware.SessionStore;
import io.channels4j.middleware.User;
import io.channels4j.middleware.UserResolver;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sessions and auth through the real server: a login page sets the session cookie on an HTTP
 * response, and a WebSocket opened with that cookie sees the user, as a browser would do it.
 */
class SessionsIT {

    static final String SECRET = "sessions-it-secret-long-enough-for-hmac-sha256";

    /** The application's user type. */
    record Account(String id, String username) implements User {
    }

    static final Map<String, Account> ACCOUNTS = Map.of("1", new Account("1", "ada"), "2", new Account("2", "grace"));
    static final UserResolver RESOLVER = ACCOUNTS::get;

    /** {@code /login/?<id>}, {@code /logout/}, {@code /whoami/}: answers with the user and the nickname. */
    public static class Pages extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            switch (scope().path()) {
                case "/login/" -> Auth.login(scope(), ACCOUNTS.get(scope().queryString()));
                case "/logout/" -> Auth.logout(scope());
                default -> { }
            }
            User user = scope().get(AuthMiddleware.USER);
            String nickname = Session.of(scope()).get("nickname", String.class, "-");
            sendResponse(200, (user.isAuthenticated() ? user.username() : "anonymous") + " " + nickname,
                    "text/plain; charset=utf-8");
        }
    }

    /** Greets a logged-in user, refuses anyone else; saves a nickname in the session. */
    public static class Me extends WebsocketConsumer {
        @Override
        public void connect() {
            User user = Auth.user(scope());
            if (!user.isAuthenticated()) {
                close();
                return;
            }
            accept();
            send("hello " + user.username() + " (" + ((Account) user).id() + ")");
        }

        @Override
        public void receive(String text) {
            Session session = Session.of(scope());
            session.put("nickname", text);
            session.save();
            send("saved " + text);
        }
    }

    static Application application() {
        SessionStore sessions = new InMemorySessionStore();
        ChannelLayers layers = new ChannelLayers();
        return ProtocolTypeRouter.of(Map.of(
                "http", AuthMiddlewareStack.wrap(Consumer.asApplication(Pages::new, layers), sessions, SECRET, RESOLVER),
                "websocket", AuthMiddlewareStack.wrap(new URLRouter(List.of(
                        path("ws/me/", Consumer.asApplication(Me::new, layers)))), sessions, SECRET, RESOLVER)));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(SessionsIT::application);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUrl(path)).timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpResponse<String> response) {
        String header = response.headers().firstValue("set-cookie")
                .orElseThrow(() -> new AssertionError("no Set-Cookie in " + response.headers().map()));
        assertThat(header).startsWith("sessionid=").contains("HttpOnly").contains("SameSite=Lax");
        return header.substring(0, header.indexOf(';'));
    }

    /** A WebSocket client that sends a Cookie header and queues the texts it receives. */
    static final class CookieClient implements WebSocket.Listener, AutoCloseable {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final WebSocket socket;

        CookieClient(URI uri, String cookie) {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (cookie != null) {
                builder.header("Cookie", cookie);
            }
            socket = builder.buildAsync(uri, this).orTimeout(10, TimeUnit.SECONDS).join();
        }

        String receive() throws InterruptedException {
            String text = texts.poll(5, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("nothing received within 5 s");
            }
            return text;
        }

        void send(String text) {
            socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            texts.add(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            socket.abort();
        }
    }

    @Test
    void loginPageSetsCookie_websocketWithCookieSeesUser() throws Exception {
        HttpResponse<String> login = get("/login/?1", null);
        assertThat(login.body()).isEqualTo("ada -");
        String cookie = sessionCookie(login);

        try (CookieClient ws = new CookieClient(server.websocketUrl("/ws/me/"), cookie)) {
            assertThat(ws.receive()).isEqualTo("hello ada (1)");
        }
        assertThat(get("/whoami/", cookie).body()).isEqualTo("ada -");
    }

    @Test
    void websocketWithoutSession_isRejectedWith403() {
        assertThatThrownBy(() -> new CookieClient(server.websocketUrl("/ws/me/"), null))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void forgedCookie_isAnonymous() throws Exception {
        String cookie = sessionCookie(get("/login/?2", null));
        String forged = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("AA") ? "BB" : "AA");

        assertThat(get("/whoami/", forged).body()).isEqualTo("anonymous -");
        assertThatThrownBy(() -> new CookieClient(server.websocketUrl("/ws/me/"), forged))
                .isInstanceOf(CompletionException.class);
    }

    @Test
    void websocketSave_isSeenByTheNextHttpRequest() throws Exception {
        String cookie = sessionCookie(get("/login/?2", null));

        try (CookieClient ws = new CookieClient(server.websocketUrl("/ws/me/"), cookie)) {
            assertThat(ws.receive()).isEqualTo("hello grace (2)");
            ws.send("gracie");
            assertThat(ws.receive()).isEqualTo("saved gracie");
        }

        assertThat(get("/whoami/", cookie).body()).isEqualTo("grace gracie");
    }

    @Test
    void logout_deletesCookie_andTheOldCookieNoLongerOpensTheWebsocket() throws Exception {
        String cookie = sessionCookie(get("/login/?1", null));

        HttpResponse<String> logout = get("/logout/", cookie);

        assertThat(logout.body()).isEqualTo("anonymous -");
        assertThat(logout.headers().firstValue("set-cookie")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("sessionid=; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0"));
        assertThatThrownBy(() -> new CookieClient(server.websocketUrl("/ws/me/"), cookie))
                .isInstanceOf(CompletionException.class);
    }
}

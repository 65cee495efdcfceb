package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Scope;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthMiddlewareTest {

    static final String SECRET = "a-test-secret-that-is-long-enough-for-hmac-sha256";

    /** The application's own user type. */
    record Account(String id, String username, String passwordHash) implements User {
        @Override
        public String sessionAuthHash() {
            return passwordHash;
        }
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>(Map.of(
            "1", new Account("1", "ada", "h1"),
            "2", new Account("2", "grace", "h2")));
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final UserResolver resolver = id -> {
        lookups.add(id);
        return accounts.get(id);
    };
    private final InMemorySessionStore store = new InMemorySessionStore();

    /** {@code /login?<id>} logs that account in, {@code /logout} logs out; answers with the user's name. */
    private Application pages() {
        return AuthMiddlewareStack.wrap((scope, receive, send) -> {
            receive.receive();
            if (scope.path().equals("/login")) {
                Auth.login(scope, accounts.get(scope.queryString()));
            } else if (scope.path().equals("/logout")) {
                Auth.logout(scope);
            } else if (scope.path().equals("/remember")) {
                Session.of(scope).put("basket", "apples");
            }
            String who = scope.get(AuthMiddleware.USER).username();
            send.send(Events.httpResponseStart(200, Headers.empty()));
            send.send(Events.httpResponseBody(who.getBytes(StandardCharsets.UTF_8), false));
        }, store, SECRET, resolver);
    }

    private HttpCommunicator.Response get(String path, String cookie) {
        Headers headers = cookie == null ? Headers.empty() : Headers.of("cookie", cookie);
        try (var http = new HttpCommunicator(pages(), "GET", path, new byte[0], headers)) {
            return http.getResponse();
        }
    }

    private static String cookie(HttpCommunicator.Response response) {
        String header = response.headers().get("set-cookie");
        return header.substring(0, header.indexOf(';'));
    }

    /** A WebSocket application that sends back who is connected. */
    private Application whoAmI() {
        return AuthMiddlewareStack.wrap((scope, receive, send) -> {
            receive.receive();
            User user = scope.get(AuthMiddleware.USER);
            if (!user.isAuthenticated()) {
                send.send(Events.websocketClose(4001, null));
                return;
            }
            send.send(Events.websocketAccept(null, null));
            send.send(Events.websocketText(Events.WEBSOCKET_SEND, user.username() + " " + user.id()));
        }, store, SECRET, resolver);
    }

    @Test
    void noLogin_userIsAnonymous() {
        assertThat(get("/", null).bodyText()).isEmpty();
        assertThat(lookups).isEmpty();
    }

    @Test
    void loginOnHttp_setsCookie_websocketWithCookieSeesUser() {
        String cookie = cookie(get("/login?1", null));

        try (var ws = new WebsocketCommunicator(whoAmI(), "/ws/", Headers.of("cookie", cookie), List.of())) {
            assertThat(ws.connect().accepted()).isTrue();
            assertThat(ws.receiveFrom()).isEqualTo("ada 1");
        }
        try (var ws = new WebsocketCommunicator(whoAmI(), "/ws/")) {
            assertThat(ws.connect().closeCode()).isEqualTo(4001);
            ws.await(Duration.ofSeconds(5)); // let the application finish before close() interrupts it
        }
    }

    @Test
    void loginResponse_namesTheNewUser_immediately() {
        assertThat(get("/login?2", null).bodyText()).isEqualTo("grace");
    }

    @Test
    void login_cyclesKey_keepsAnonymousValues() {
        String anonymous = cookie(get("/remember", null));
        String anonymousKey = anonymous.substring("sessionid=".length(), "sessionid=".length() + 32);

        String loggedIn = cookie(get("/login?1", anonymous));

        assertThat(loggedIn).isNotEqualTo(anonymous);
        assertThat(store.load(anonymousKey)).isNull();
        String key = loggedIn.substring("sessionid=".length(), "sessionid=".length() + 32);
        assertThat(store.load(key)).containsEntry("basket", "apples").containsEntry(Auth.SESSION_USER_ID, "1")
                .containsEntry(Auth.SESSION_USER_HASH, "h1");
    }

    @Test
    void loginAsAnotherUser_flushesTheFirstUsersValues() {
        String ada = cookie(get("/login?1", null));
        String adaWithBasket = cookie(get("/remember", ada));

        String grace = cookie(get("/login?2", adaWithBasket));

        String key = grace.substring("sessionid=".length(), "sessionid=".length() + 32);
        assertThat(store.load(key)).doesNotContainKey("basket").containsEntry(Auth.SESSION_USER_ID, "2");
    }

    @Test
    void sameUserAgain_keepsSessionAndKey() {
        String ada = cookie(get("/login?1", null));
        get("/remember", ada);

        var again = get("/login?1", ada);

        assertThat(cookie(again)).isEqualTo(ada);
        assertThat(store.load(ada.substring(10, 42))).containsEntry("basket", "apples");
    }

    @Test
    void logout_flushesSession_deletesCookie_userAnonymous() {
        String ada = cookie(get("/login?1", null));

        var out = get("/logout", ada);

        assertThat(out.bodyText()).isEmpty();
        assertThat(out.headers().get("set-cookie")).startsWith("sessionid=; expires=Thu, 01-Jan-1970");
        assertThat(store.size()).isZero();
        assertThat(get("/", ada).bodyText()).isEmpty();
    }

    @Test
    void deletedUser_isAnonymous() {
        String ada = cookie(get("/login?1", null));
        accounts.remove("1");

        assertThat(get("/", ada).bodyText()).isEmpty();
    }

    @Test
    void changedAuthHash_isAnonymous_andSessionFlushed() {
        String ada = cookie(get("/login?1", null));
        accounts.put("1", new Account("1", "ada", "new-password-hash"));

        var response = get("/", ada);

        assertThat(response.bodyText()).isEmpty();
        assertThat(response.headers().get("set-cookie")).startsWith("sessionid=;");
        assertThat(store.size()).isZero();
    }

    @Test
    void userWithoutAuthHash_skipsTheCheck() {
        accounts.put("3", new Account("3", "linus", null));
        String linus = cookie(get("/login?3", null));

        assertThat(get("/", linus).bodyText()).isEqualTo("linus");
    }

    @Test
    void resolution_isLazy_andOncePerConnection() throws Exception {
        String ada = cookie(get("/login?1", null));
        lookups.clear();
        Application untouched = AuthMiddlewareStack.wrap((scope, receive, send) -> { }, store, SECRET, resolver);
        Application twice = AuthMiddlewareStack.wrap((scope, receive, send) -> {
            scope.get(AuthMiddleware.USER).username();
            Auth.user(scope).id();
        }, store, SECRET, resolver);
        Scope request = Scope.builder(Scope.HTTP).method("GET").url("/").headers(Headers.of("cookie", ada)).build();

        untouched.run(request, () -> null, m -> { });
        assertThat(lookups).isEmpty();
        twice.run(request, () -> null, m -> { });
        assertThat(lookups).containsExactly("1");
    }

    @Test
    void authUser_returnsYourOwnType_liveAcrossLoginAndLogout() throws Exception {
        AtomicReference<User> before = new AtomicReference<>();
        AtomicReference<User> during = new AtomicReference<>();
        AtomicReference<User> after = new AtomicReference<>();
        AtomicReference<User> view = new AtomicReference<>();
        Application app = AuthMiddlewareStack.wrap((scope, receive, send) -> {
            view.set(scope.get(AuthMiddleware.USER));
            before.set(Auth.user(scope));
            Auth.login(scope, accounts.get("2"));
            during.set(Auth.user(scope));
            assertThat(view.get().username()).isEqualTo("grace");
            Auth.logout(scope);
            after.set(Auth.user(scope));
        }, resolver);

        app.run(Scope.websocket("/"), () -> null, m -> { });

        assertThat(before.get()).isSameAs(AnonymousUser.INSTANCE);
        assertThat(during.get()).isInstanceOf(Account.class).isSameAs(accounts.get("2"));
        assertThat(after.get()).isSameAs(AnonymousUser.INSTANCE);
        assertThat(view.get().isAuthenticated()).isFalse();
    }

    @Test
    void getUser_withoutAuthMiddleware_resolvesFromSession() throws Exception {
        String ada = cookie(get("/login?1", null));
        AtomicReference<User> seen = new AtomicReference<>();
        Application sessionsOnly = SessionMiddlewareStack.wrap((scope, receive, send) -> seen.set(Auth.getUser(scope,
                resolver)), store, SECRET);

        sessionsOnly.run(Scope.builder(Scope.WEBSOCKET).url("/").headers(Headers.of("cookie", ada)).build(),
                () -> null, m -> { });

        assertThat(seen.get()).isEqualTo(accounts.get("1"));
    }

    @Test
    void login_rejectsAnonymousAndIdlessUsers() throws Exception {
        Application app = AuthMiddlewareStack.wrap((scope, receive, send) -> {
            assertThatThrownBy(() -> Auth.login(scope, AnonymousUser.INSTANCE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AnonymousUser");
            assertThatThrownBy(() -> Auth.login(scope, new Account(null, "ghost", null)))
                    .isInstanceOf(IllegalArgumentException.class);
        }, resolver);

        app.run(Scope.websocket("/"), () -> null, m -> { });
    }

    @Test
    void missingMiddleware_explains() {
        Scope bare = Scope.websocket("/");

        assertThatThrownBy(() -> Auth.user(bare)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AuthMiddleware");
        assertThatThrownBy(() -> Auth.login(bare, accounts.get("1"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SessionMiddleware");
        assertThatThrownBy(() -> Auth.logout(bare)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AuthMiddleware((s, r, w) -> { }, resolver).run(bare, () -> null, m -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SessionMiddleware must be above it");
    }

    @Test
    void anonymousUser_isNobody() {
        assertThat(AnonymousUser.INSTANCE.id()).isNull();
        assertThat(AnonymousUser.INSTANCE.username()).isEmpty();
        assertThat(AnonymousUser.INSTANCE.isAuthenticated()).isFalse();
        assertThat(AnonymousUser.INSTANCE.sessionAuthHash()).isNull();
        assertThat(AnonymousUser.INSTANCE).hasToString("AnonymousUser");
    }

    @Test
    void stack_isCookieOutside_sessionThenAuth() throws Exception {
        AtomicReference<Scope> seen = new AtomicReference<>();
        Application stack = AuthMiddlewareStack.wrap((scope, receive, send) -> seen.set(scope), resolver);

        stack.run(Scope.builder(Scope.HTTP).method("GET").url("/").headers(Headers.of("cookie", "a=1")).build(),
                () -> null, m -> { });

        assertThat(stack).isInstanceOf(CookieMiddleware.class);
        assertThat(seen.get().cookies()).containsEntry("a", "1");
        assertThat(seen.get().get(SessionMiddleware.SESSION)).isNotNull();
        assertThat(seen.get().get(AuthMiddleware.USER).isAuthenticated()).isFalse();
    }
}

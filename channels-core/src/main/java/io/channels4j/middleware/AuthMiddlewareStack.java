package io.channels4j.middleware;

import io.channels4j.Application;

/**
 * Cookies, sessions and authentication in one, Channels' {@code AuthMiddlewareStack}:
 * {@code CookieMiddleware(SessionMiddleware(AuthMiddleware(inner)))}.
 *
 * <pre>{@code
 * Application application = ProtocolTypeRouter.of(Map.of(
 *         "http", AuthMiddlewareStack.wrap(pages, sessions, SESSION_SECRET, accounts::byId),
 *         "websocket", AuthMiddlewareStack.wrap(new URLRouter(websocketUrlPatterns), sessions, SESSION_SECRET,
 *                 accounts::byId)));
 * }</pre>
 *
 * <p>Wrap HTTP and WebSocket with the same store and secret, so the cookie a login page sets
 * opens the session on the WebSocket.
 *
 * <p>Stateless factory; the returned application is shared by every connection (see
 * {@link Middleware}).
 */
public final class AuthMiddlewareStack {

    private AuthMiddlewareStack() {
    }

    /**
     * The stack with no user accounts behind it: every connection's {@code user} is the anonymous
     * user until an application logs one in, over a new {@link InMemorySessionStore} with a random
     * secret. What Channels' tutorial writes as {@code AuthMiddlewareStack(URLRouter(...))} when
     * the site has no logins yet.
     *
     * @param inner the application that sees {@code cookies}, {@code session} and {@code user}
     * @return the wrapped application
     */
    public static Application wrap(Application inner) {
        return wrap(inner, userId -> null);
    }

    /**
     * The stack over a new {@link InMemorySessionStore} with a random secret: sessions live only
     * in this process and only for this stack (a second stack, e.g. for HTTP, would not see them:
     * pass it one store and secret with {@link #wrap(Application, SessionStore, String, UserResolver)}).
     * For tests and single-protocol applications.
     *
     * @param inner    the application that sees {@code cookies}, {@code session} and {@code user}
     * @param resolver finds users by id
     * @return the wrapped application
     */
    public static Application wrap(Application inner, UserResolver resolver) {
        return wrap(inner, new InMemorySessionStore(), SessionIds.randomSecret(), resolver);
    }

    /**
     * The stack with default session settings.
     *
     * @param inner    the application that sees {@code cookies}, {@code session} and {@code user}
     * @param store    where sessions live
     * @param secret   signs the session cookie; at least 32 bytes
     * @param resolver finds users by id
     * @return the wrapped application
     */
    public static Application wrap(Application inner, SessionStore store, String secret, UserResolver resolver) {
        return wrap(inner, SessionMiddleware.builder(store, secret), resolver);
    }

    /**
     * The stack with configured sessions.
     *
     * @param inner    the application that sees {@code cookies}, {@code session} and {@code user}
     * @param sessions the session settings
     * @param resolver finds users by id
     * @return the wrapped application
     */
    public static Application wrap(Application inner, SessionMiddleware.Builder sessions, UserResolver resolver) {
        return new CookieMiddleware(sessions.build(new AuthMiddleware(inner, resolver)));
    }
}

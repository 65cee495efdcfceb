package io.channels4j.middleware;

import io.channels4j.Application;

/**
 * {@link CookieMiddleware} around {@link SessionMiddleware}, Channels' {@code SessionMiddlewareStack}:
 * sessions without authentication.
 *
 * <p>Stateless factory; the returned application is shared by every connection (see
 * {@link Middleware}).
 */
public final class SessionMiddlewareStack {

    private SessionMiddlewareStack() {
    }

    /**
     * Wraps an application in cookies and sessions with default settings.
     *
     * @param inner  the application that sees {@code cookies} and {@code session}
     * @param store  where sessions live
     * @param secret signs the session cookie; at least 32 bytes
     * @return the wrapped application
     */
    public static Application wrap(Application inner, SessionStore store, String secret) {
        return new CookieMiddleware(new SessionMiddleware(inner, store, secret));
    }

    /**
     * Wraps an application in cookies and configured sessions.
     *
     * @param inner    the application that sees {@code cookies} and {@code session}
     * @param sessions the session settings
     * @return the wrapped application
     */
    public static Application wrap(Application inner, SessionMiddleware.Builder sessions) {
        return new CookieMiddleware(sessions.build(inner));
    }
}

package io.channels4j.middleware;

import io.channels4j.Scope;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Logging users in and out of a connection's session, Channels' {@code channels.auth} helpers
 * {@code get_user}, {@code login} and {@code logout}.
 *
 * <pre>{@code
 * public class LoginConsumer extends HttpConsumer {
 *     @Override public void handle(byte[] body) {
 *         Account account = accounts.check(form(body));
 *         Auth.login(scope(), account);          // the response saves the session and sets the cookie
 *         sendResponse(200, "welcome", "text/plain");
 *     }
 * }
 *
 * // in a WebsocketConsumer
 * User user = Auth.user(scope());
 * if (!user.isAuthenticated()) { close(); return; }
 * }</pre>
 *
 * <p>Like Channels, {@link #login} and {@link #logout} change the session but do not save it: an
 * HTTP response saves it; WebSocket code calls {@code Session.of(scope()).save()}.
 *
 * <p><b>Threading.</b> Static methods, called on the connection's thread; they may block on the
 * session store and the resolver.
 */
public final class Auth {

    /** The session value holding the logged-in user's id, as Django names it. */
    public static final String SESSION_USER_ID = "_auth_user_id";
    /** The session value holding the user's {@link User#sessionAuthHash()}, as Django names it. */
    public static final String SESSION_USER_HASH = "_auth_user_hash";

    private Auth() {
    }

    /**
     * The connection's user, unwrapped (your own type, or {@link AnonymousUser}), reflecting any
     * {@link #login} or {@link #logout} on this scope. {@code scope.get(AuthMiddleware.USER)}
     * gives the same user as a live view whose methods delegate.
     *
     * @param scope the scope (under {@link AuthMiddleware})
     * @return the user, never null
     * @throws IllegalStateException if no {@link AuthMiddleware} wraps the application
     */
    public static User user(Scope scope) {
        User user = scope.get(AuthMiddleware.USER);
        if (user == null) {
            throw new IllegalStateException("no user in the scope: wrap the application in AuthMiddleware "
                    + "(AuthMiddlewareStack.wrap)");
        }
        return user instanceof ScopeUser live ? live.current() : user;
    }

    /**
     * Resolves the user of a scope's session without {@link AuthMiddleware}, Channels'
     * {@code get_user(scope)}.
     *
     * @param scope    the scope (under {@link SessionMiddleware})
     * @param resolver finds users by id
     * @return the user, or {@link AnonymousUser#INSTANCE}
     * @throws IllegalStateException if there is no session in the scope
     */
    public static User getUser(Scope scope, UserResolver resolver) {
        return resolveUser(Session.of(scope), resolver);
    }

    /**
     * Logs a user in on this connection: stores the user's id (and auth hash) in the session and
     * makes the scope's user this one. Against session fixation the session gets a new key, and a
     * session that belonged to another user is flushed first (Django's rules); values of an
     * anonymous session are kept.
     *
     * @param scope the scope (under {@link SessionMiddleware}, usually {@link AuthMiddlewareStack})
     * @param user  the authenticated user
     * @throws IllegalStateException    if there is no session in the scope
     * @throws IllegalArgumentException if the user is not authenticated or has no id
     * @throws SessionStoreException    if the store fails
     */
    public static void login(Scope scope, User user) {
        Objects.requireNonNull(user, "user");
        if (!user.isAuthenticated() || user.id() == null) {
            throw new IllegalArgumentException("cannot log in " + user + ": it is not an authenticated user with an id");
        }
        Session session = Session.of(scope);
        String hash = user.sessionAuthHash() == null ? "" : user.sessionAuthHash();
        if (session.containsKey(SESSION_USER_ID)) {
            Object storedHash = session.get(SESSION_USER_HASH);
            if (!user.id().equals(session.get(SESSION_USER_ID))
                    || !hash.isEmpty() && !(storedHash instanceof String s && constantTimeEquals(s, hash))) {
                // Never reuse another user's session.
                session.flush();
            }
        } else {
            session.cycleKey();
        }
        session.put(SESSION_USER_ID, user.id());
        session.put(SESSION_USER_HASH, hash);
        if (scope.get(AuthMiddleware.USER) instanceof ScopeUser live) {
            live.set(user);
        }
    }

    /**
     * Logs the connection's user out: flushes the session (its values, its stored copy and its
     * key) and makes the scope's user {@link AnonymousUser}. On HTTP the response then deletes the
     * session cookie.
     *
     * @param scope the scope (under {@link SessionMiddleware})
     * @throws IllegalStateException if there is no session in the scope
     * @throws SessionStoreException if the store fails
     */
    public static void logout(Scope scope) {
        Session.of(scope).flush();
        if (scope.get(AuthMiddleware.USER) instanceof ScopeUser live) {
            live.set(AnonymousUser.INSTANCE);
        }
    }

    /** Django's {@code get_user}: the session's user if it still exists and its auth hash matches. */
    static User resolveUser(Session session, UserResolver resolver) {
        if (!(session.get(SESSION_USER_ID) instanceof String id)) {
            return AnonymousUser.INSTANCE;
        }
        User user = resolver.resolve(id);
        if (user == null) {
            return AnonymousUser.INSTANCE;
        }
        String hash = user.sessionAuthHash();
        if (hash != null && !(session.get(SESSION_USER_HASH) instanceof String stored && constantTimeEquals(stored, hash))) {
            session.flush();
            return AnonymousUser.INSTANCE;
        }
        return user;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

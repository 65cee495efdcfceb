package io.channels4j.middleware;

/**
 * Who is on the other end of a connection, as {@link AuthMiddleware} puts it in the scope: your
 * account type implements this (Django's user model), and {@link AnonymousUser} stands for
 * nobody.
 *
 * <pre>{@code
 * record Account(String id, String username, String passwordHash) implements User {
 *     @Override public String sessionAuthHash() { return passwordHash; }   // optional
 * }
 * }</pre>
 *
 * <p>Implementations should be immutable (a user object may be read from several threads) and
 * cheap to hold: one is kept per connection.
 */
public interface User {

    /**
     * The user's primary key as text, as Django stores it in the session ({@code _auth_user_id})
     * and as a {@link UserResolver} receives it back.
     *
     * @return the id; null only for anonymous users
     */
    String id();

    /** @return the name to show; empty for anonymous users */
    String username();

    /** @return true for a real, logged-in user (the default); false for {@link AnonymousUser} */
    default boolean isAuthenticated() {
        return true;
    }

    /**
     * A value that changes when the user's credentials change, Django's
     * {@code get_session_auth_hash()}. {@link Auth#login} stores it in the session; when it no longer
     * matches, the session is flushed and the user is anonymous again, so a password change logs
     * out every other session. The comparison is constant-time.
     *
     * @return the hash, or null (the default) to skip this check
     */
    default String sessionAuthHash() {
        return null;
    }
}

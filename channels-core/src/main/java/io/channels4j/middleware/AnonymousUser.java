package io.channels4j.middleware;

/**
 * The user of a connection nobody has logged in on, Django's {@code AnonymousUser}: no id, empty
 * username, not authenticated. A singleton; compare with {@code user.isAuthenticated()} rather
 * than with {@code ==} (the scope's user is a live view, see {@link AuthMiddleware}).
 *
 * <p>Thread-safe: immutable.
 */
public final class AnonymousUser implements User {

    /** The only instance. */
    public static final AnonymousUser INSTANCE = new AnonymousUser();

    private AnonymousUser() {
    }

    /** @return null */
    @Override
    public String id() {
        return null;
    }

    /** @return the empty string */
    @Override
    public String username() {
        return "";
    }

    /** @return false */
    @Override
    public boolean isAuthenticated() {
        return false;
    }

    @Override
    public String toString() {
        return "AnonymousUser";
    }
}

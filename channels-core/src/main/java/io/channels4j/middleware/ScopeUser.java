package io.channels4j.middleware;

import java.util.Objects;

/**
 * The scope's user, Channels' {@code UserLazyObject}: resolved from the session on first use, and
 * replaced by {@link Auth#login} and {@link Auth#logout} so that code holding the scope sees the
 * change. Every method delegates to the current user. Thread-safe.
 */
final class ScopeUser implements User {

    private final Session session;
    private final UserResolver resolver;
    private User current;

    ScopeUser(Session session, UserResolver resolver) {
        this.session = Objects.requireNonNull(session, "session");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    synchronized User current() {
        if (current == null) {
            current = Auth.resolveUser(session, resolver);
        }
        return current;
    }

    synchronized void set(User user) {
        this.current = Objects.requireNonNull(user, "user");
    }

    @Override
    public String id() {
        return current().id();
    }

    @Override
    public String username() {
        return current().username();
    }

    @Override
    public boolean isAuthenticated() {
        return current().isAuthenticated();
    }

    @Override
    public String sessionAuthHash() {
        return current().sessionAuthHash();
    }

    @Override
    public String toString() {
        return current().toString();
    }
}

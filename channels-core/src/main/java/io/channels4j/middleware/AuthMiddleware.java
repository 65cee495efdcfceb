package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Scope;
import io.channels4j.ScopeKey;

import java.util.Objects;

/**
 * Puts the connection's {@link User} in the scope from its session, Channels' {@code AuthMiddleware}.
 * Needs {@link SessionMiddleware} outside it: use {@link AuthMiddlewareStack}.
 *
 * <pre>{@code
 * User user = scope().get(AuthMiddleware.USER);     // or Auth.user(scope()) for your own type
 * if (user.isAuthenticated()) { ... user.username() ... }
 * }</pre>
 *
 * <p>The user is the one whose id {@link Auth#login} stored in the session, looked up with the
 * {@link UserResolver}; {@link AnonymousUser} if there is none, the resolver finds nobody, or the
 * user's {@link User#sessionAuthHash()} changed since login (then the session is flushed). The
 * scope holds a live view, Channels' {@code UserLazyObject}: it is resolved on first use (a
 * connection that never asks costs no lookup) and follows {@link Auth#login} and
 * {@link Auth#logout} on the same scope. Its methods delegate to the current user; use
 * {@link Auth#user(Scope)} to get that user itself, e.g. to cast it to your type.
 *
 * <p><b>Lifecycle and threading.</b> One instance serves every connection concurrently and keeps
 * no per-connection state; the resolver runs on the connection's thread, at most once per
 * connection.
 */
public final class AuthMiddleware extends Middleware {

    /** The scope attribute that holds the user: {@code scope.get(AuthMiddleware.USER)}. */
    public static final ScopeKey<User> USER = ScopeKey.of("user", User.class);

    private final UserResolver resolver;

    /**
     * Wraps an application.
     *
     * @param inner    the application that sees {@code user} in its scope
     * @param resolver finds users by the id stored in the session
     */
    public AuthMiddleware(Application inner, UserResolver resolver) {
        super(inner);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Adds {@code user} to the scope.
     *
     * @throws IllegalStateException if no {@link SessionMiddleware} ran before this one
     */
    @Override
    protected Scope populateScope(Scope scope) {
        Session session = scope.get(SessionMiddleware.SESSION);
        if (session == null) {
            throw new IllegalStateException("AuthMiddleware cannot find a session in the scope: SessionMiddleware "
                    + "must be above it (use AuthMiddlewareStack)");
        }
        return scope.with(USER, new ScopeUser(session, resolver));
    }
}

package io.channels4j.middleware;

/**
 * Finds a user by the id stored in the session: Django's authentication backend
 * {@code get_user(user_id)}, for your own user store (a database, a directory, a map in tests).
 *
 * <pre>{@code
 * UserResolver resolver = id -> accounts.findById(id).orElse(null);
 * }</pre>
 *
 * <p><b>Threading.</b> Called from connection threads, concurrently, at most once per connection
 * (when the scope's user is first read); must be thread-safe. Blocking (a database query) is
 * fine.
 */
@FunctionalInterface
public interface UserResolver {

    /**
     * Looks a user up.
     *
     * @param userId the id {@link Auth#login} stored ({@link User#id()})
     * @return the user, or null if there is none any more (the connection is then anonymous)
     */
    User resolve(String userId);
}

package io.channels4j.middleware;

/**
 * Thrown when a {@link SessionStore} cannot load, save or delete a session (for example, its Redis
 * is unreachable). It reaches the code that touched the session: the consumer, or for a save on
 * an HTTP response the {@code send} of {@code http.response.start}.
 */
public class SessionStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed; never a session key or value
     * @param cause   the underlying failure
     */
    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message what failed; never a session key or value
     */
    public SessionStoreException(String message) {
        super(message);
    }
}

package io.channels4j.layer;

/**
 * Thrown when a channel layer cannot be built or found: an unknown URL scheme, a bad setting, or
 * a consumer that needs groups with no layer configured (Channels' {@code InvalidChannelLayerError}).
 */
public class InvalidChannelLayerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong
     */
    public InvalidChannelLayerException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong
     * @param cause   the underlying failure
     */
    public InvalidChannelLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}

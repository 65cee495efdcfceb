package io.channels4j.layer;

/**
 * Thrown when a channel layer cannot do what was asked because its backing store is out of reach
 * (Redis down, restarting, or too slow): the operation failed and nothing was sent. Callers such
 * as consumers see it at once, within the layer's timeout, instead of hanging.
 */
public class ChannelLayerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the store
     * @param cause   the client's exception
     */
    public ChannelLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}

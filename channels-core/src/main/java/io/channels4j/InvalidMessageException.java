package io.channels4j;

/**
 * Thrown when a {@link Message} is built with a value a channel layer cannot carry, or when a
 * typed getter finds a value of another type than the one asked for.
 *
 * <p>The message names the offending key (with its path inside nested lists and maps) and the
 * Java type found, so the mistake can be fixed where the message was built rather than where a
 * remote process failed to decode it.
 */
public class InvalidMessageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the key and type
     */
    public InvalidMessageException(String message) {
        super(message);
    }
}

package io.channels4j.layer;

/**
 * Thrown when a channel or group name breaks Channels 4's rules (see {@link ChannelNames}); the
 * message names the rule and the bad name, e.g. a group {@code "chat_my room"} fails because a
 * space is not allowed.
 */
public class InvalidChannelNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which name, which rule
     */
    public InvalidChannelNameException(String message) {
        super(message);
    }
}

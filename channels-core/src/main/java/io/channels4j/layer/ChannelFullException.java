package io.channels4j.layer;

/**
 * Thrown by {@link ChannelLayer#send} when the channel already holds its capacity of unread
 * messages (Channels' {@code ChannelFull}). The message was not sent.
 */
public class ChannelFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String channel;

    /**
     * Creates the exception.
     *
     * @param channel  the full channel
     * @param capacity its capacity
     */
    public ChannelFullException(String channel, int capacity) {
        super("channel '" + channel + "' is full (capacity " + capacity + ")");
        this.channel = channel;
    }

    /** @return the full channel's name */
    public String channel() {
        return channel;
    }
}

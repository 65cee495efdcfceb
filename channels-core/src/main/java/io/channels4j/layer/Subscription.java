package io.channels4j.layer;

/**
 * A live {@link ChannelLayer#subscribe subscription}. Closing it stops delivery; messages sent
 * afterwards wait in the layer (and expire) as for any unread channel. Idempotent; any thread.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Stops delivery. */
    @Override
    void close();
}

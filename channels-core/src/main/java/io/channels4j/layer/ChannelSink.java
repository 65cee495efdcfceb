package io.channels4j.layer;

import io.channels4j.Message;

/**
 * Where a {@link ChannelLayer#subscribe subscription} delivers messages: usually a consumer's
 * {@link io.channels4j.Inbox}.
 *
 * <p>Called on a layer thread; must not block.
 */
@FunctionalInterface
public interface ChannelSink {

    /**
     * Offers one message.
     *
     * @param message the message
     * @return true if taken; false if the receiver is at capacity (the layer treats the channel
     *         as full)
     */
    boolean offer(Message message);
}

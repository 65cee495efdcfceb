package io.channels4j;

/**
 * Thrown inside a consumer handler to end the consumer cleanly, as in Channels: the consumer's
 * loop stops, its channel-layer subscription ends, and {@link Application#run} returns normally.
 *
 * <p>Control flow, not an error: it carries no stack trace.
 */
public class StopConsumer extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the signal. */
    public StopConsumer() {
        super("consumer stopped", null, false, false);
    }
}

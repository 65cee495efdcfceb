package io.channels4j.bench.jmh;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.redis.RedisChannelLayer;

import java.time.Duration;
import java.util.UUID;

/**
 * The layers one benchmark trial runs on: the one that sends and the one whose channels receive.
 * They are the same instance for {@code memory} and {@code redis}, and two Redis layer instances
 * (two "processes") on one Redis for {@code redis-2}.
 *
 * <p>Threading: used by the benchmark thread only. Lifecycle: {@link #open} in a trial's setup,
 * {@link #close} in its tear-down, which deletes the trial's Redis keys (its own prefix only,
 * never the whole database) and closes the layers.
 */
final class LayerPair implements AutoCloseable {

    /** How long a benchmark waits for one message before it fails instead of hanging. */
    static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);
    /** The benchmarks' message, the size of a chat message event. */
    static final Message MESSAGE = Message.of("type", "chat.message", "message", "hello from the layer benchmark");

    private static final String DEFAULT_REDIS = "redis://127.0.0.1:6379/0";

    private final ChannelLayer sender;
    private final ChannelLayer receiver;

    private LayerPair(ChannelLayer sender, ChannelLayer receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /**
     * Opens the layers of a benchmark parameter.
     *
     * @param kind {@code memory}, {@code redis} or {@code redis-2}
     * @return the pair; the caller closes it
     * @throws IllegalArgumentException for another kind
     */
    static LayerPair open(String kind) {
        return switch (kind) {
            case "memory" -> {
                ChannelLayer layer = new InMemoryChannelLayer();
                yield new LayerPair(layer, layer);
            }
            case "redis" -> {
                ChannelLayer layer = redis(uniquePrefix());
                yield new LayerPair(layer, layer);
            }
            case "redis-2" -> {
                String prefix = uniquePrefix();
                ChannelLayer sender = redis(prefix);
                try {
                    yield new LayerPair(sender, redis(prefix));
                } catch (RuntimeException e) {
                    sender.close();
                    throw e;
                }
            }
            default -> throw new IllegalArgumentException("layer must be memory, redis or redis-2, was '" + kind + "'");
        };
    }

    private static ChannelLayer redis(String prefix) {
        String url = System.getenv("CHANNELS_BENCH_REDIS");
        return RedisChannelLayer.builder()
                .host(url == null || url.isBlank() ? DEFAULT_REDIS : url)
                .prefix(prefix)
                .build();
    }

    private static String uniquePrefix() {
        return "c4jbench" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** @return the layer that sends */
    ChannelLayer sender() {
        return sender;
    }

    /** @return the layer that creates and receives on the channels */
    ChannelLayer receiver() {
        return receiver;
    }

    /**
     * Receives the next message, failing the benchmark rather than hanging when none comes.
     *
     * @param channel a channel of {@link #receiver()}
     * @return the message
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException if none arrives within {@link #RECEIVE_TIMEOUT}
     */
    Message receive(String channel) throws InterruptedException {
        Message message = receiver.receive(channel, RECEIVE_TIMEOUT);
        if (message == null) {
            throw new IllegalStateException("no message on " + channel + " within " + RECEIVE_TIMEOUT
                    + " (" + receiver.droppedMessages() + " dropped)");
        }
        return message;
    }

    /** Deletes the trial's keys ({@link ChannelLayer#flush()}: its prefix only) and closes the layers. */
    @Override
    public void close() {
        try {
            sender.flush();
        } finally {
            sender.close();
            if (receiver != sender) {
                receiver.close();
            }
        }
    }
}

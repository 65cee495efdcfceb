package io.channels4j.layer;

import io.channels4j.Message;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ChannelLayer#subscribe}: a virtual thread that receives and offers, for
 * layers that cannot push. A refused message is held and offered again until the sink takes it
 * or the subscription closes (then it is dropped and logged), so at most one message is in hand.
 */
final class PumpSubscription implements Subscription, Runnable {

    private static final Logger log = LoggerFactory.getLogger(PumpSubscription.class);
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final ChannelLayer layer;
    private final String channel;
    private final ChannelSink sink;
    private final Thread thread;
    private volatile boolean closed;

    private PumpSubscription(ChannelLayer layer, String channel, ChannelSink sink) {
        this.layer = layer;
        this.channel = channel;
        this.sink = sink;
        this.thread = Thread.ofVirtual()
                .name("channels4j-layer-pump-" + COUNTER.incrementAndGet())
                .unstarted(this);
    }

    static Subscription start(ChannelLayer layer, String channel, ChannelSink sink) {
        PumpSubscription subscription = new PumpSubscription(layer, channel, sink);
        subscription.thread.start();
        return subscription;
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                Message message = layer.receive(channel, POLL);
                if (message == null) {
                    continue;
                }
                long backoffMillis = 1;
                while (!sink.offer(message)) {
                    if (closed) {
                        log.warn("dropped a message for {}: subscription closed while the receiver was full", channel);
                        return;
                    }
                    Thread.sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("receive loop for {} stopped", channel, e);
            }
        }
    }

    /**
     * Stops the pump and waits for it (at most {@link #STOP_WAIT}): once this returns, nothing more
     * reaches the sink, so a message sent afterwards waits in the layer, as {@link Subscription}
     * promises. Without the wait, a pump woken by that send in the instant of its interrupt took the
     * message and handed it to the closed subscription's sink.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (Thread.currentThread() == thread) {
            return; // closed from the sink, on the pump's own thread
        }
        try {
            if (!thread.join(STOP_WAIT)) {
                log.warn("the receive loop for {} did not stop within {}", channel, STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

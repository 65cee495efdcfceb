package io.channels4j.bench.soak;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Everything the clients saw, for checking afterwards: every chat message sent (and whether its
 * sender got it back, got an error, or got nothing), every client, every delivery, and the
 * troubles (unexpected closes, failed connects, duplicates, unexpected error replies). Times are
 * {@link System#nanoTime()}. Thread-safe: clients record from the WebSocket threads.
 */
final class Ledger {

    /** One chat message sent by a client; its outcome fields are written once they are known. */
    static final class Sent {
        final long id;
        final String room;
        final ChatClient sender;
        final long sentAt;
        volatile long ackAt = -1;
        volatile long erroredAt = -1;
        volatile boolean unanswered;

        Sent(long id, String room, ChatClient sender, long sentAt) {
            this.id = id;
            this.room = room;
            this.sender = sender;
            this.sentAt = sentAt;
        }

        boolean acknowledged() {
            return ackAt >= 0;
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Sent> sent = new ConcurrentHashMap<>();
    private final Collection<ChatClient> clients = new ConcurrentLinkedQueue<>();
    private final AtomicLong lastFrameAt = new AtomicLong(System.nanoTime());
    private final AtomicLong resumedAt = new AtomicLong(-1);
    private volatile long redisKilledAt = -1;
    private volatile long redisRestartedAt = -1;

    final LongAdder connects = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder abandoned = new LongAdder();
    final LongAdder badSent = new LongAdder();
    final LongAdder badAnswered = new LongAdder();
    final LongAdder closeTimeouts = new LongAdder();
    final LongAdder churnSkipped = new LongAdder();
    final EventLog connectFailures = new EventLog();
    final EventLog unexpectedCloses = new EventLog();
    final EventLog errorReplies = new EventLog();
    final EventLog unexpectedErrorReplies = new EventLog();
    final EventLog badUnanswered = new EventLog();
    final EventLog duplicates = new EventLog();
    final EventLog unrecognised = new EventLog();
    final EventLog sendFailures = new EventLog();
    /** Errors of the soak's own driver tasks: a bug of the soak, which fails the run. */
    final EventLog driverErrors = new EventLog();
    /** Microseconds from send to the sender's own copy. */
    final Histogram ackLatency = new ConcurrentHistogram(3);
    /** Microseconds from send to another member's copy. */
    final Histogram deliveryLatency = new ConcurrentHistogram(3);

    void register(ChatClient client) {
        clients.add(client);
    }

    /** @return every client ever created, in creation order */
    List<ChatClient> clients() {
        return List.copyOf(clients);
    }

    /** @return every message sent */
    Collection<Sent> messages() {
        return List.copyOf(sent.values());
    }

    Sent newMessage(String room, ChatClient sender) {
        Sent message = new Sent(ids.incrementAndGet(), room, sender, System.nanoTime());
        sent.put(message.id, message);
        return message;
    }

    Sent sent(long id) {
        return sent.get(id);
    }

    void frameReceived(long at) {
        lastFrameAt.accumulateAndGet(at, Math::max);
    }

    /** @return nanoseconds since any client last received a frame */
    long quietFor() {
        return System.nanoTime() - lastFrameAt.get();
    }

    void acknowledged(Sent message, long at) {
        if (message.ackAt < 0) {
            message.ackAt = at;
            ackLatency.recordValue(micros(at - message.sentAt));
        }
        noteResumption(message, message.sender, at);
    }

    void delivered(Sent message, ChatClient receiver, long at) {
        deliveries.increment();
        deliveryLatency.recordValue(micros(at - message.sentAt));
        noteResumption(message, receiver, at);
    }

    /** Redis was killed (by the soak's outage). */
    void redisKilled(long at) {
        redisKilledAt = at;
    }

    /** Redis answers again after the kill. */
    void redisRestarted(long at) {
        redisRestartedAt = at;
    }

    /**
     * Delivery has resumed once a message sent after the restart reaches a long-lived client that
     * was connected before the kill: that client's group membership is back.
     */
    private void noteResumption(Sent message, ChatClient receiver, long at) {
        long restartedAt = redisRestartedAt;
        if (restartedAt >= 0 && message.sentAt >= restartedAt && receiver.kind != ChatClient.Kind.CHURN
                && receiver.openedAt() >= 0 && receiver.openedAt() < redisKilledAt) {
            resumedAt.compareAndSet(-1, at);
        }
    }

    /**
     * @return when a message sent after the Redis restart first reached a long-lived client
     *         connected before the kill ({@link System#nanoTime()}), or -1
     */
    long resumedAt() {
        return resumedAt.get();
    }

    void errored(long id, String reason, long at) {
        Sent message = sent.get(id);
        if (message != null && message.erroredAt < 0) {
            message.erroredAt = at;
        }
        errorReplies.add(at, "message " + id + ": " + reason);
    }

    void unanswered(long id) {
        Sent message = sent.get(id);
        if (message != null && !message.acknowledged() && message.erroredAt < 0) {
            message.unanswered = true;
        }
    }

    private static long micros(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
    }
}

package io.channels4j.bench.soak;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery invariant, checked after the run: every acknowledged message (its sender got its
 * own copy back) reached every client that was in the room around it: connected before the
 * send, and still connected {@code grace} after the acknowledgement. Messages sent inside the
 * Redis outage window are counted apart.
 *
 * @param acknowledged        messages acknowledged
 * @param expectedDeliveries  (message, receiver) pairs that had to arrive
 * @param lostDeliveries      pairs that did not, outside the outage window
 * @param lostMessages        messages with at least one lost delivery, outside the outage window
 * @param lostInOutage        pairs that did not arrive, for messages sent inside the outage window
 * @param examples            a few lost deliveries, described
 */
record DeliveryCheck(long acknowledged, long expectedDeliveries, long lostDeliveries, long lostMessages,
                     long lostInOutage, List<String> examples) {

    /**
     * Checks.
     *
     * @param messages    every message sent
     * @param clients     every client
     * @param graceNanos  how long a receiver must outlive the acknowledgement
     * @param windowStart outage window start ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}
     * @param windowEnd   outage window end
     * @param origin      run start, for describing times
     * @return the verdict
     */
    static DeliveryCheck of(Collection<Ledger.Sent> messages, Collection<ChatClient> clients, long graceNanos,
                            long windowStart, long windowEnd, long origin) {
        Map<String, List<ChatClient>> byRoom = new HashMap<>();
        for (ChatClient client : clients) {
            if (client.openedAt() >= 0) {
                byRoom.computeIfAbsent(client.room, r -> new ArrayList<>()).add(client);
            }
        }
        long acknowledged = 0;
        long expected = 0;
        long lost = 0;
        long lostMessages = 0;
        long lostInOutage = 0;
        List<String> examples = new ArrayList<>();
        for (Ledger.Sent message : messages) {
            if (!message.acknowledged()) {
                continue;
            }
            acknowledged++;
            boolean inOutage = message.sentAt >= windowStart && message.sentAt <= windowEnd;
            boolean messageLost = false;
            for (ChatClient receiver : byRoom.getOrDefault(message.room, List.of())) {
                if (receiver == message.sender || receiver.openedAt() >= message.sentAt) {
                    continue;
                }
                long closedAt = receiver.closedAt();
                if (closedAt >= 0 && closedAt <= message.ackAt + graceNanos) {
                    continue;
                }
                expected++;
                if (receiver.received.contains(message.id)) {
                    continue;
                }
                if (inOutage) {
                    lostInOutage++;
                    continue;
                }
                lost++;
                messageLost = true;
                if (examples.size() < 5) {
                    examples.add(String.format(java.util.Locale.ROOT,
                            "message %d from %s sent at %.1f s, acknowledged at %.1f s, never reached %s"
                                    + " (connected %.1f s to %s, received %d messages)",
                            message.id, message.sender, seconds(message.sentAt, origin), seconds(message.ackAt, origin),
                            receiver, seconds(receiver.openedAt(), origin),
                            closedAt < 0 ? "the end" : String.format(java.util.Locale.ROOT, "%.1f s", seconds(closedAt, origin)),
                            receiver.received.size()));
                }
            }
            if (messageLost) {
                lostMessages++;
            }
        }
        return new DeliveryCheck(acknowledged, expected, lost, lostMessages, lostInOutage, List.copyOf(examples));
    }

    static double seconds(long at, long origin) {
        return (at - origin) / 1e9;
    }
}

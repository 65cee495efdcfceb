package io.channels4j.bench.load;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * One connection of a fan-out run: as a receiver it tracks which messages of its room's senders
 * arrived (a bitmap: duplicates, out-of-order, completion); as a sender it keeps up to
 * {@code window} of its own messages in flight, a message being in flight until its own copy comes
 * back, or until it is given up after the loss timeout (then it counts as lost wherever it never
 * arrived, and the sender moves on, so a run always ends).
 *
 * <p>Threading: every method is synchronized (uncontended: one transport thread delivers a
 * connection's frames; the ticker and the main thread come by rarely). Latencies are recorded
 * under this lock, so once {@link #stop()} has returned for every client, the recorder's values are
 * all visible to the caller.
 */
final class FanOutClient implements WsClient.Listener {

    /** What every client of a run shares. */
    record Shared(int clients, int senders, int msgs, int window, int payload, long lossMicros,
            LatencyRecorder latency, CountDownLatch completed, CountDownLatch sendersDone) {
    }

    final int id;
    final int room;
    private final Shared shared;
    private final long expected;
    private final long[] seen;
    private final int[] lastSeq;
    private final ChatMessage parsed = new ChatMessage();
    // sender state (null / unused when not a sender)
    private final long[] sentAt;
    private final long[] givenUp;
    private final byte[] frame;
    private int next;
    private int inFlight;
    private int oldest;
    private boolean senderDone;

    private WsClient.Connection connection;
    private boolean stopped;
    private boolean complete;
    long delivered;
    long duplicates;
    long outOfOrder;
    long unexpected;
    long expiredInFlight;
    long lastDeliveryMicros;
    int closeCode = -1;

    FanOutClient(int id, int room, Shared shared) {
        this.id = id;
        this.room = room;
        this.shared = shared;
        this.expected = (long) shared.senders() * shared.msgs();
        this.seen = new long[(int) ((expected + 63) / 64)];
        this.lastSeq = new int[shared.senders()];
        Arrays.fill(lastSeq, -1);
        boolean sender = isSender();
        this.sentAt = sender ? new long[shared.msgs()] : null;
        this.givenUp = sender ? new long[(shared.msgs() + 63) / 64] : null;
        this.frame = sender ? new byte[ChatMessage.maxFrameBytes(shared.payload())] : null;
        if (!sender) {
            senderDone = true;
        }
    }

    boolean isSender() {
        return id - room * shared.clients() < shared.senders();
    }

    synchronized void connected(WsClient.Connection open) {
        this.connection = open;
    }

    synchronized WsClient.Connection connection() {
        return connection;
    }

    /** Sends the first window; a sender only. */
    synchronized void start() {
        fill(ChatMessage.nowMicros());
    }

    /** Gives up in-flight messages older than the loss timeout, then refills the window. */
    synchronized void tick(long nowMicros) {
        if (stopped || senderDone) {
            return;
        }
        int self = id - room * shared.clients();
        while (oldest < next) {
            int bit = self * shared.msgs() + oldest;
            boolean resolved = isSet(seen, bit) || isSet(givenUp, oldest);
            if (!resolved) {
                if (nowMicros - sentAt[oldest] < shared.lossMicros()) {
                    break;
                }
                set(givenUp, oldest);
                expiredInFlight++;
                inFlight--;
            }
            oldest++;
        }
        fill(nowMicros);
    }

    /** Stops counting: frames after this are ignored. */
    synchronized void stop() {
        stopped = true;
    }

    synchronized long sent() {
        return next;
    }

    synchronized boolean complete() {
        return complete;
    }

    @Override
    public synchronized void onText(ByteBuffer utf8) {
        if (stopped) {
            return;
        }
        if (parsed.parse(utf8)) {
            deliver();
        } else {
            unexpected++;
        }
    }

    @Override
    public synchronized void onText(CharSequence text) {
        if (stopped) {
            return;
        }
        if (parsed.parse(text)) {
            deliver();
        } else {
            unexpected++;
        }
    }

    @Override
    public synchronized void onClose(int code) {
        if (closeCode < 0) {
            closeCode = code;
        }
    }

    private void deliver() {
        int clients = shared.clients();
        int msgs = shared.msgs();
        int sender = parsed.sender;
        int slot = sender - room * clients;
        int seq = parsed.seq;
        if (slot < 0 || slot >= shared.senders() || seq >= msgs) {
            unexpected++;
            return;
        }
        int bit = slot * msgs + seq;
        if (isSet(seen, bit)) {
            duplicates++;
            return;
        }
        set(seen, bit);
        delivered++;
        long now = ChatMessage.nowMicros();
        lastDeliveryMicros = now;
        shared.latency().record(now - parsed.sentMicros);
        if (seq < lastSeq[slot]) {
            outOfOrder++;
        } else {
            lastSeq[slot] = seq;
        }
        if (sender == id && !isSet(givenUp, seq)) {
            inFlight--;
            fill(now);
        }
        if (delivered == expected && !complete) {
            complete = true;
            shared.completed().countDown();
        }
    }

    private void fill(long nowMicros) {
        if (senderDone || connection == null) {
            return;
        }
        while (inFlight < shared.window() && next < shared.msgs() && !stopped) {
            int length = ChatMessage.encode(frame, id, next, nowMicros, shared.payload());
            sentAt[next] = nowMicros;
            next++;
            inFlight++;
            connection.sendText(frame, length);
        }
        if (next == shared.msgs() && inFlight == 0) {
            senderDone = true;
            shared.sendersDone().countDown();
        }
    }

    private static boolean isSet(long[] bits, int bit) {
        return (bits[bit >>> 6] & (1L << bit)) != 0;
    }

    private static void set(long[] bits, int bit) {
        bits[bit >>> 6] |= 1L << bit;
    }
}

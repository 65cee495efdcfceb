package io.channels4j.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Timestamped occurrences of one kind of trouble (an unexpected close, a failed connect), so they
 * can be counted inside and outside the Redis outage afterwards. Keeps the first
 * {@value #KEPT} in full and counts the rest. Thread-safe.
 */
final class EventLog {

    static final int KEPT = 10_000;

    /** One occurrence: when ({@link System#nanoTime()}) and what. */
    record Event(long at, String what) {
    }

    private final List<Event> events = new ArrayList<>(); // guarded by this
    private final AtomicLong count = new AtomicLong();

    void add(long at, String what) {
        count.incrementAndGet();
        synchronized (this) {
            if (events.size() < KEPT) {
                events.add(new Event(at, what));
            }
        }
    }

    long count() {
        return count.get();
    }

    /**
     * @param start window start ({@link System#nanoTime()}), inclusive
     * @param end   window end, inclusive
     * @return occurrences outside the window (those not kept count as outside)
     */
    synchronized long countOutside(long start, long end) {
        long inside = events.stream().filter(e -> e.at() >= start && e.at() <= end).count();
        return count.get() - inside;
    }

    /**
     * @param n how many
     * @return the first occurrences, oldest first
     */
    synchronized List<Event> first(int n) {
        return List.copyOf(events.subList(0, Math.min(n, events.size())));
    }
}

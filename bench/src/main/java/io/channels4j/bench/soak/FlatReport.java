package io.channels4j.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a flatness check found: the server's samples, one {@link FlatGrowth} verdict per resource
 * (its last sample against its first after traffic, e.g. 5M against 1M deliveries), and the
 * traffic's own counts (a check that lost messages did not measure what it meant to).
 *
 * @param command          the options, as a command line
 * @param serverPid        the chat server's pid
 * @param serverLog        its log file
 * @param target           deliveries the check aimed at
 * @param samples          the samples, the first at 0 deliveries (connected, before any message)
 * @param verdicts         rss (after a full GC), heap, threads, fds; empty when fewer than two samples
 *                         after traffic
 * @param traffic          the traffic's counts
 * @param incomplete       why the traffic stopped short of {@code target}, or null when it reached it
 * @param redisPrefix      the Redis layer's key prefix of the run, or null for the in-memory layer
 * @param redisKeysDeleted keys of the run's prefix deleted at the end; -1 for the in-memory layer
 * @param strict           whether a missed target makes the exit status 1
 */
record FlatReport(List<String> command, long serverPid, String serverLog, long target, List<FlatSample> samples,
                  List<FlatGrowth> verdicts, Traffic traffic, String incomplete, String redisPrefix, long redisKeysDeleted, boolean strict) {

    /**
     * The traffic's counts over the whole check.
     *
     * @param clients        connections
     * @param sent           messages sent
     * @param expected       deliveries expected of the steps that ran (sent x clients per room)
     * @param delivered      distinct deliveries
     * @param duplicated     messages a client received again
     * @param outOfOrder     messages received after a later one of the same sender
     * @param unexpected     frames that were no chat message of the client's room (error replies included)
     * @param closedByServer connections the server closed
     * @param sendErrors     clients whose sends failed
     * @param firstProblem   the first unexpected frame or send error, or null
     */
    record Traffic(int clients, long sent, long expected, long delivered, long duplicated, long outOfOrder,
                   long unexpected, long closedByServer, long sendErrors, String firstProblem) {

        /** @return deliveries expected but not made */
        long lost() {
            return expected - delivered;
        }

        /** @return whether every message reached every member once, in order, and nothing else came */
        boolean clean() {
            return lost() == 0 && duplicated == 0 && outOfOrder == 0 && unexpected == 0 && closedByServer == 0
                    && sendErrors == 0;
        }
    }

    /**
     * Judges the samples.
     *
     * @param samples   all samples, the first at 0 deliveries
     * @param tolerance allowed growth
     * @return rss, heap, threads, fds: the last sample against the second (the first after traffic);
     *         empty when there are fewer than three samples. The RSS judged is the one after the full
     *         GC: before it, RSS holds however much young generation the collector last grew to,
     *         which swings by a third between samples (see {@link #verdictText}, where it is shown)
     */
    static List<FlatGrowth> judge(List<FlatSample> samples, double tolerance) {
        if (samples.size() < 3) {
            return List.of();
        }
        FlatSample first = samples.get(1);
        FlatSample last = samples.getLast();
        return List.of(
                FlatGrowth.of("rss", "KiB", first.rssAfterGcKb(), last.rssAfterGcKb(), tolerance),
                FlatGrowth.of("heap", "KiB", first.heapAfterGcKb(), last.heapAfterGcKb(), tolerance),
                FlatGrowth.of("threads", "", first.threads(), last.threads(), tolerance),
                FlatGrowth.of("fds", "", first.fds(), last.fds(), tolerance));
    }

    /** @return whether there is a verdict for every resource and each is met */
    boolean allMet() {
        return !verdicts.isEmpty() && verdicts.stream().allMatch(FlatGrowth::met);
    }

    /** @return whether the traffic reached its target, cleanly, and every resource stayed flat */
    boolean passed() {
        return incomplete == null && traffic.clean() && allMet();
    }

    /** @return 1 when {@code --strict} and the check did not pass, else 0 */
    int exitStatus() {
        return strict && !passed() ? 1 : 0;
    }

    /** @return the samples as a text table, one row per sample */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%12s %9s %13s %9s %18s %17s %8s %6s%n", "deliveries", "seconds",
                "deliveries/s", "RSS MiB", "heap after GC MiB", "RSS after GC MiB", "threads", "fds"));
        for (FlatSample s : samples) {
            out.append(String.format(Locale.ROOT, "%,12d %9.1f %13s %9.1f %18.1f %17.1f %8d %6d%n", s.deliveries(),
                    s.seconds(), s.deliveriesPerSec() == 0 ? "-" : String.format(Locale.ROOT, "%,d", s.deliveriesPerSec()),
                    s.rssKb() / 1024.0, s.heapAfterGcKb() / 1024.0, s.rssAfterGcKb() / 1024.0, s.threads(), s.fds()));
        }
        return out.toString();
    }

    /** @return one line per resource, or why there is no verdict */
    String verdictText() {
        if (verdicts.isEmpty()) {
            return "verdict: none (fewer than two samples after traffic)\n";
        }
        FlatGrowth any = verdicts.getFirst();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "verdict: %,d against %,d deliveries, growth allowed %.0f %%%n", samples.getLast().deliveries(),
                samples.get(1).deliveries(), any.tolerance() * 100));
        for (FlatGrowth growth : verdicts) {
            out.append("  ").append(growth.line()).append('\n');
        }
        FlatSample first = samples.get(1);
        FlatSample last = samples.getLast();
        out.append(String.format(Locale.ROOT, "  (rss is after the full GC; before it, as the traffic left it: %,d -> %,d KiB,"
                        + " %+.1f %%, max %,d: the young generation's size, not judged)%n", first.rssKb(), last.rssKb(),
                ((double) last.rssKb() / first.rssKb() - 1) * 100,
                samples.stream().skip(1).mapToLong(FlatSample::rssKb).max().orElse(0)));
        return out.toString();
    }

    /** @return the whole report for people: traffic, table, verdict, result */
    String summary() {
        List<String> problems = new ArrayList<>();
        if (incomplete != null) {
            problems.add("traffic incomplete: " + incomplete);
        }
        Traffic t = traffic;
        if (!t.clean()) {
            problems.add(String.format(Locale.ROOT, "traffic not clean: lost %,d, duplicated %,d, out of order %,d,"
                    + " unexpected %,d, closed by server %d, send errors %d%s", t.lost(), t.duplicated(), t.outOfOrder(),
                    t.unexpected(), t.closedByServer(), t.sendErrors(),
                    t.firstProblem() == null ? "" : "; first: " + t.firstProblem()));
        }
        verdicts.stream().filter(v -> !v.met()).forEach(v -> problems.add(v.what() + " grew more than allowed"));
        StringBuilder out = new StringBuilder();
        out.append("flat ").append(String.join(" ", command)).append('\n');
        out.append(String.format(Locale.ROOT, "chat server pid %d, log %s%s%n", serverPid, serverLog,
                redisPrefix != null ? ", " + redisKeysDeleted + " Redis keys of the run's prefix " + redisPrefix + " deleted" : ""));
        out.append(String.format(Locale.ROOT, "traffic: %d clients, sent %,d, delivered %,d of %,d (lost %,d, duplicated"
                        + " %,d, out of order %,d, unexpected %,d, closed by server %d)%n", t.clients(), t.sent(),
                t.delivered(), t.expected(), t.lost(), t.duplicated(), t.outOfOrder(), t.unexpected(), t.closedByServer()));
        out.append('\n').append(table()).append('\n').append(verdictText()).append('\n');
        out.append(problems.isEmpty() ? "result: FLAT (every resource within the tolerance, traffic clean)"
                : "result: NOT MET: " + String.join("; ", problems));
        out.append(strict ? "" : " (exit status 0: --strict makes a miss exit 1)").append('\n');
        return out.toString();
    }
}

package io.channels4j.bench.soak;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.HdrHistogram.Histogram;

/**
 * What a soak run measured and which invariants failed ({@link #failures()} is empty when it
 * passed). {@link #toJson()} is one line for machines; {@link #summary()} is for people. Times in
 * seconds are from the start of traffic. Immutable.
 *
 * @param passed      whether every invariant held
 * @param failures    the invariants that failed, each with its figures
 * @param run         when, how long, where
 * @param messages    chat messages and their deliveries
 * @param connections connects, closes
 * @param badInput    bad input and its error replies
 * @param redisOutage the Redis kill and restart
 * @param resources   RSS, threads and file descriptors of the server
 * @param serverLog   what the server logged
 * @param examples    a few concrete troubles (lost deliveries, unexpected closes, ...)
 */
public record SoakReport(boolean passed, List<String> failures, Run run, Messages messages, Connections connections,
                         BadInput badInput, Outage redisOutage, List<Flatness> resources, ServerLog serverLog,
                         List<String> examples) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates. */
    public SoakReport {
        failures = List.copyOf(failures);
        resources = List.copyOf(resources);
        examples = List.copyOf(examples);
    }

    /**
     * The run.
     *
     * @param startedAt          wall-clock start, ISO-8601
     * @param duration           traffic time asked for
     * @param trafficSeconds     traffic time measured
     * @param cores              available processors
     * @param loadAverageBefore  {@code /proc/loadavg} before
     * @param loadAverageAfter   {@code /proc/loadavg} after
     * @param java               Java version of the soak and the server
     * @param options            the options, as a command line
     * @param serverPid          the chat server's pid
     * @param workDir            where the logs are
     */
    public record Run(String startedAt, String duration, double trafficSeconds, int cores, String loadAverageBefore,
                      String loadAverageAfter, String java, List<String> options, long serverPid, String workDir) {
    }

    /**
     * Chat messages.
     *
     * @param sent                     chat messages sent
     * @param acknowledged             of which the sender got its own copy back
     * @param errored                  of which the sender got {@code {"error"}} instead
     * @param unanswered               of which the sender got neither within the ack timeout
     * @param unansweredOutsideOutage  unanswered ones sent outside the outage window
     * @param abandoned                sends outstanding when their client closed on purpose
     * @param deliveries               copies that reached other members
     * @param expectedDeliveries       (acknowledged message, member present around it) pairs
     * @param lostDeliveries           of those, never arrived (outside the outage window)
     * @param lostMessages             acknowledged messages with a lost delivery (outside the window)
     * @param lostDeliveriesInOutage   never arrived, for messages sent inside the outage window
     * @param duplicates               copies received twice
     * @param ackMillis                send to own copy
     * @param deliveryMillis           send to another member's copy
     */
    public record Messages(long sent, long acknowledged, long errored, long unanswered, long unansweredOutsideOutage,
                           long abandoned, long deliveries, long expectedDeliveries, long lostDeliveries,
                           long lostMessages, long lostDeliveriesInOutage, long duplicates, Latency ackMillis,
                           Latency deliveryMillis) {
    }

    /**
     * Connections.
     *
     * @param clients                        clients created (long-lived, replacements, churn)
     * @param connects                       handshakes that succeeded
     * @param churnSkipped                   churn connects skipped at the cap
     * @param connectFailures                handshakes that failed
     * @param connectFailuresOutsideOutage   of which outside the outage window
     * @param unexpectedCloses               connections closed by the server or the network
     * @param closeTimeouts                  client closes the server did not answer in 10 s
     * @param sendFailures                   sends the client could not write
     */
    public record Connections(long clients, long connects, long churnSkipped, long connectFailures,
                              long connectFailuresOutsideOutage, long unexpectedCloses, long closeTimeouts,
                              long sendFailures) {
    }

    /**
     * Bad input.
     *
     * @param sent                    bad frames sent
     * @param answered                answered with {@code {"error"}}
     * @param unanswered              not answered within the ack timeout
     * @param unexpectedErrorReplies  error replies nobody was waiting for
     * @param unrecognisedFrames      frames that were neither a chat message nor an error
     */
    public record BadInput(long sent, long answered, long unanswered, long unexpectedErrorReplies,
                           long unrecognisedFrames) {
    }

    /**
     * The Redis outage; seconds are -1 when it did not happen.
     *
     * @param enabled                 whether Redis was to be killed
     * @param killedAtSeconds         when it was killed
     * @param restartedAtSeconds      when it answered PING again
     * @param resumedAfterSeconds     from then until a message sent after it reached a long-lived
     *                                client connected before the kill (its membership was back)
     * @param windowEndSeconds        end of the outage window (resumption, or the end of the run)
     * @param errorRepliesInOutage    chat messages answered with an error inside the window
     * @param errorRepliesOutside     chat messages answered with an error outside it
     * @param error                   what went wrong killing or restarting, or null
     */
    public record Outage(boolean enabled, double killedAtSeconds, double restartedAtSeconds, double resumedAfterSeconds,
                         double windowEndSeconds, long errorRepliesInOutage, long errorRepliesOutside, String error) {
    }

    /**
     * The server's output.
     *
     * @param path           the log file
     * @param warnLines      lines with {@code WARN}
     * @param errorLines     lines with {@code ERROR}
     * @param exceptionLines lines with {@code Exception}
     */
    public record ServerLog(String path, long warnLines, long errorLines, long exceptionLines) {
    }

    /**
     * A latency distribution, milliseconds.
     *
     * @param count how many
     * @param p50   median
     * @param p99   99th percentile
     * @param max   largest
     */
    public record Latency(long count, double p50, double p99, double max) {

        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0);
            }
            return new Latency(micros.getTotalCount(), millis(micros.getValueAtPercentile(50)),
                    millis(micros.getValueAtPercentile(99)), millis(micros.getMaxValue()));
        }

        private static double millis(long micros) {
            return Math.round(micros / 100.0) / 10.0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d)", p50, p99, max, count);
        }
    }

    /** @return the report as one line of JSON */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the report for people, several lines */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "soak %s: %s of traffic (%.0f s measured) on %d cores, load %s -> %s, %s%n",
                passed ? "PASSED" : "FAILED", run.duration(), run.trafficSeconds(), run.cores(),
                run.loadAverageBefore(), run.loadAverageAfter(), run.java()));
        out.append(String.format(Locale.ROOT,
                "messages: %d sent, %d acknowledged, %d answered with an error, %d unanswered (%d outside the outage),"
                        + " %d abandoned on close%n",
                messages.sent(), messages.acknowledged(), messages.errored(), messages.unanswered(),
                messages.unansweredOutsideOutage(), messages.abandoned()));
        out.append(String.format(Locale.ROOT,
                "deliveries: %d to other members; %d expected, %d lost (%d messages), %d lost inside the outage window,"
                        + " %d duplicates%n",
                messages.deliveries(), messages.expectedDeliveries(), messages.lostDeliveries(), messages.lostMessages(),
                messages.lostDeliveriesInOutage(), messages.duplicates()));
        out.append("latency: ack ").append(messages.ackMillis()).append("; delivery ").append(messages.deliveryMillis())
                .append(System.lineSeparator());
        out.append(String.format(Locale.ROOT,
                "connections: %d clients, %d connects, %d failed (%d outside the outage), %d unexpected closes,"
                        + " %d close timeouts, %d churn skips%n",
                connections.clients(), connections.connects(), connections.connectFailures(),
                connections.connectFailuresOutsideOutage(), connections.unexpectedCloses(), connections.closeTimeouts(),
                connections.churnSkipped()));
        out.append(String.format(Locale.ROOT,
                "bad input: %d sent, %d answered with an error, %d unanswered; %d unexpected error replies,"
                        + " %d unrecognised frames%n",
                badInput.sent(), badInput.answered(), badInput.unanswered(), badInput.unexpectedErrorReplies(),
                badInput.unrecognisedFrames()));
        if (redisOutage.enabled()) {
            out.append(String.format(Locale.ROOT,
                    "redis: killed at %.1f s, back at %.1f s, delivery resumed %.1f s later; %d error replies inside"
                            + " the window, %d outside%s%n",
                    redisOutage.killedAtSeconds(), redisOutage.restartedAtSeconds(), redisOutage.resumedAfterSeconds(),
                    redisOutage.errorRepliesInOutage(), redisOutage.errorRepliesOutside(),
                    redisOutage.error() == null ? "" : " (" + redisOutage.error() + ")"));
        } else {
            out.append("redis: not restarted").append(System.lineSeparator());
        }
        for (Flatness resource : resources) {
            out.append("server ").append(resource).append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, "server log: %d WARN, %d ERROR, %d Exception lines (%s)%n",
                serverLog.warnLines(), serverLog.errorLines(), serverLog.exceptionLines(), serverLog.path()));
        for (String failure : failures) {
            out.append("FAILED: ").append(failure).append(System.lineSeparator());
        }
        for (String example : examples) {
            out.append("  e.g. ").append(example).append(System.lineSeparator());
        }
        return out.toString();
    }
}

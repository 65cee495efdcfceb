package io.channels4j.bench.soak;

import io.channels4j.layer.ChannelLayers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a flatness check ({@code bench/flat}) does. Build with {@link #parse(String...)}; every
 * option has a default (see {@link #USAGE}). Immutable.
 *
 * @param deliveries       stop once this many messages were delivered (one message reaching one
 *                         client is one delivery)
 * @param step             sample the server every this many deliveries; the first sample is the
 *                         baseline of the verdict, the last one is compared with it
 * @param rooms            chat rooms
 * @param clients          clients per room, every one of them a sender
 * @param window           messages each sender sends per round (a round ends when every client has
 *                         every message of it); at most 1000 / clients, the chat's channel capacity
 * @param payload          characters of message text
 * @param layer            the chat server's {@code --layer}; a Redis layer gets a key prefix of
 *                         the run's own, whose keys are deleted at the end
 * @param maxTime          the longest the traffic runs; the check ends there even short of
 *                         {@code deliveries}
 * @param stallTimeout     the check gives up when no message was delivered for this long
 * @param connectTimeout   WebSocket handshake timeout
 * @param tolerance        allowed growth of each resource between the first and last sample
 * @param strict           exit status 1 when a resource missed the target
 * @param serverClasspath  class path of the chat server's JVM; null: this process's class path
 * @param serverJvmOptions options of the chat server's JVM
 * @param workDir          where the server's log goes; null: a new temp directory
 */
public record FlatOptions(long deliveries, long step, int rooms, int clients, int window, int payload, String layer,
                          Duration maxTime, Duration stallTimeout, Duration connectTimeout, double tolerance,
                          boolean strict, Path serverClasspath, List<String> serverJvmOptions, Path workDir) {

    /** The command line, with the defaults. */
    public static final String USAGE = """
            usage: flat [options]
              Starts the example chat server in a JVM of its own, drives chat traffic over
              WebSockets until --deliveries messages were delivered, samples the server every
              --step deliveries (RSS, heap used after a full GC, threads, open fds) and checks
              that each stayed within --tolerance of its value at the first sample.
              --deliveries N        deliveries to reach                                  [5000000]
              --step N              sample every N deliveries (the first is the baseline) [1000000]
              --rooms N             chat rooms                                           [1]
              --clients N           clients per room, each of them sending               [100]
              --window N            messages per sender per round (a round ends when every
                                    client has all of them); clients x window <= 1000    [4]
              --payload N           characters per message                               [64]
              --layer URL           memory:// or redis://host:port[/db] (a key prefix of
                                    the run's own is added; its keys are deleted at the end) [memory://]
              --max-minutes M       bound of the traffic, minutes                        [15]
              --stall-seconds S     give up when nothing was delivered for S seconds     [30]
              --connect-timeout S   WebSocket handshake timeout, seconds                 [10]
              --tolerance F         allowed growth, fraction of the first sample         [0.10]
              --strict              exit 1 when a resource missed the target (else 0)
              --server-classpath P  class path of the chat server's JVM                  [this one's]
              --server-jvm-options "OPTS"  the chat server's JVM options, space-separated [none]
              --work-dir DIR        the server's log                                     [a temp dir]
            """;

    /**
     * @param args see {@link #USAGE}
     * @return the options
     * @throws IllegalArgumentException naming the bad option and value
     */
    public static FlatOptions parse(String... args) {
        long deliveries = 5_000_000;
        long step = 1_000_000;
        int rooms = 1;
        int clients = 100;
        int window = 4;
        int payload = 64;
        String layer = "memory://";
        double maxMinutes = 15;
        int stallSeconds = 30;
        int connectSeconds = 10;
        double tolerance = 0.10;
        boolean strict = false;
        Path serverClasspath = null;
        List<String> jvmOptions = List.of();
        Path workDir = null;
        List<String> list = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < list.size(); i++) {
            String option = list.get(i);
            if (option.equals("--strict")) {
                strict = true;
                continue;
            }
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + option + "'");
            }
            if (i + 1 >= list.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = list.get(++i);
            switch (option) {
                case "--deliveries" -> deliveries = positiveLong(option, value);
                case "--step" -> step = positiveLong(option, value);
                case "--rooms" -> rooms = positiveInt(option, value);
                case "--clients" -> clients = positiveInt(option, value);
                case "--window" -> window = positiveInt(option, value);
                case "--payload" -> payload = positiveInt(option, value);
                case "--layer" -> layer = value;
                case "--max-minutes" -> maxMinutes = positiveDouble(option, value);
                case "--stall-seconds" -> stallSeconds = positiveInt(option, value);
                case "--connect-timeout" -> connectSeconds = positiveInt(option, value);
                case "--tolerance" -> tolerance = positiveDouble(option, value);
                case "--server-classpath" -> serverClasspath = Path.of(value);
                case "--server-jvm-options" -> jvmOptions = value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
                case "--work-dir" -> workDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (deliveries <= step) {
            throw new IllegalArgumentException("--deliveries (" + deliveries + ") must be larger than --step (" + step
                    + "): the first sample is compared with a later one");
        }
        if (clients < 2) {
            throw new IllegalArgumentException("--clients must be at least 2, was " + clients);
        }
        if ((long) clients * window > 1000) {
            throw new IllegalArgumentException("--clients x --window must be at most 1000 (the chat's channel capacity:"
                    + " a slow client's queue in the server holds up to that many), was " + clients + " x " + window);
        }
        if (payload < 24) {
            throw new IllegalArgumentException("--payload must be at least 24 characters (the message's tag), was "
                    + payload);
        }
        if (tolerance > 10) {
            throw new IllegalArgumentException("--tolerance is a fraction (0.10 for 10 %), was " + tolerance);
        }
        RedisKeys.checkLayer(layer);
        FlatOptions options = new FlatOptions(deliveries, step, rooms, clients, window, payload, layer,
                Duration.ofMillis(Math.round(maxMinutes * 60_000)), Duration.ofSeconds(stallSeconds),
                Duration.ofSeconds(connectSeconds), tolerance, strict, serverClasspath, jvmOptions, workDir);
        if (options.messagesPerStep() > Integer.MAX_VALUE / 2 || options.steps() > 10_000) {
            throw new IllegalArgumentException("too many messages per sender: --step " + step + " over " + rooms + " x "
                    + clients + " clients");
        }
        return options;
    }

    /** @return how many messages each sender sends per step: each reaches every client of its room */
    long messagesPerStep() {
        long perMessageRound = (long) rooms * clients * clients; // every sender sends one: this many deliveries
        return Math.max(1, (step + perMessageRound - 1) / perMessageRound);
    }

    /** @return deliveries per step, {@link #step} rounded up to whole messages per sender */
    long deliveriesPerStep() {
        return messagesPerStep() * rooms * clients * clients;
    }

    /** @return steps until {@link #deliveries} (the last one may overshoot it) */
    int steps() {
        return (int) ((deliveries + deliveriesPerStep() - 1) / deliveriesPerStep());
    }

    /** @return the options as a command line */
    List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--deliveries", Long.toString(deliveries), "--step", Long.toString(step),
                "--rooms", Integer.toString(rooms), "--clients", Integer.toString(clients),
                "--window", Integer.toString(window), "--payload", Integer.toString(payload),
                "--layer", ChannelLayers.redactUrl(layer),
                "--max-minutes", String.format(Locale.ROOT, "%.2f", maxTime.toMillis() / 60_000.0),
                "--stall-seconds", Long.toString(stallTimeout.toSeconds()),
                "--tolerance", Double.toString(tolerance)));
        if (strict) {
            args.add("--strict");
        }
        if (!serverJvmOptions.isEmpty()) {
            args.addAll(List.of("--server-jvm-options", String.join(" ", serverJvmOptions)));
        }
        return args;
    }

    private static long positiveLong(String option, String value) {
        try {
            long n = Long.parseLong(value.replace("_", "").replace(",", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " must be a positive whole number, was '" + value + "'");
    }

    private static int positiveInt(String option, String value) {
        long n = positiveLong(option, value);
        if (n > 1_000_000) {
            throw new IllegalArgumentException(option + " is too large: " + value);
        }
        return (int) n;
    }

    private static double positiveDouble(String option, String value) {
        try {
            double d = Double.parseDouble(value);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " must be a positive number, was '" + value + "'");
    }
}

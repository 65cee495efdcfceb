package io.channels4j.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a soak run does and what it tolerates. Build with {@link #parse(String...)}; every option
 * has a default (see {@link #USAGE}). Immutable.
 *
 * @param duration         how long traffic runs (after the long-lived clients are connected)
 * @param rooms            how many chat rooms the clients spread over
 * @param chatters         long-lived clients that chat all the time
 * @param chatInterval     a chatter sends one message per interval (when its previous one is answered)
 * @param churnInterval    a new short-lived client connects every interval
 * @param churnLifetime    a short-lived client stays at most this long (at least a second)
 * @param maxChurn         at most this many short-lived clients at once
 * @param badClients       long-lived clients that send only bad input (and expect {@code {"error"}})
 * @param badInterval      a bad-input client sends one bad frame per interval
 * @param redisKillAt      when to kill -9 Redis, as a fraction of the duration; negative: never
 * @param redisDownFor     how long Redis stays down before it is restarted on the same port
 * @param warmup           the fraction of the duration left out of the RSS and thread comparison
 * @param sampleInterval   how often the server's RSS, threads and file descriptors are read
 * @param grace            a receiver must stay connected this long after an acknowledgement to be
 *                         expected to have the message
 * @param ackTimeout       a send with neither its echo nor an error after this long is unanswered
 * @param connectTimeout   WebSocket handshake timeout
 * @param resumeBound      after Redis is back, a long-lived client's message must be acknowledged
 *                         within this bound
 * @param rssTolerance     allowed RSS growth (last third over first third after warm-up), e.g. 0.2
 * @param threadTolerance  allowed thread count growth, fraction ...
 * @param threadSlack      ... or this many threads, whichever is larger
 * @param fdSlack          allowed growth of open file descriptors (plus {@code rssTolerance} of them)
 * @param serverClasspath  class path of the chat server's JVM; null: this process's class path
 * @param serverJvmOptions options of the chat server's JVM
 * @param redisServer      the redis-server command
 * @param workDir          where logs go; null: a new temp directory
 */
public record SoakOptions(
        Duration duration,
        int rooms,
        int chatters,
        Duration chatInterval,
        Duration churnInterval,
        Duration churnLifetime,
        int maxChurn,
        int badClients,
        Duration badInterval,
        double redisKillAt,
        Duration redisDownFor,
        double warmup,
        Duration sampleInterval,
        Duration grace,
        Duration ackTimeout,
        Duration connectTimeout,
        Duration resumeBound,
        double rssTolerance,
        double threadTolerance,
        int threadSlack,
        int fdSlack,
        Path serverClasspath,
        List<String> serverJvmOptions,
        String redisServer,
        Path workDir) {

    /** The command line, with the defaults. */
    public static final String USAGE = """
            usage: soak [options]
              --duration D          traffic time: ISO-8601 (PT30M, PT2M30S) or minutes (30)     [PT30M]
              --rooms N             chat rooms                                                  [4]
              --chatters N          long-lived chatting clients                                 [16]
              --chat-interval D     one message per chatter per interval                        [PT1S]
              --churn-interval D    a short-lived client connects every interval                [PT0.25S]
              --churn-lifetime D    short-lived clients live 1 s up to this                     [PT8S]
              --max-churn N         short-lived clients at once, at most                        [40]
              --bad-clients N       clients sending non-JSON, wrong types, too-long messages    [2]
              --bad-interval D      one bad frame per bad client per interval                   [PT2S]
              --redis-kill-at F     kill -9 Redis at this fraction of the duration              [0.5]
              --no-redis-restart    never kill Redis
              --redis-down-for D    Redis stays down this long                                  [PT3S]
              --warmup F            fraction of the duration before RSS/threads are compared    [0.2]
              --sample-interval D   RSS/thread sampling period       [duration/60, within 1-5 s]
              --grace D             receivers must outlive an acknowledgement by this           [PT3S]
              --ack-timeout D       a send with no echo and no error after this is unanswered   [PT10S]
              --connect-timeout D   WebSocket handshake timeout                                 [PT20S]
              --resume-bound D      delivery must resume this soon after Redis is back          [PT30S]
              --rss-tolerance F     allowed RSS growth                                          [0.2]
              --thread-tolerance F  allowed thread growth, fraction ...                         [0.1]
              --thread-slack N      ... or count, whichever is larger                           [5]
              --fd-slack N          allowed growth of open file descriptors                     [20]
              --server-classpath P  class path of the chat server JVM          [this JVM's class path]
              --server-jvm-opts S   options of the chat server JVM, space-separated
                                    [-Xms96m -Xmx96m -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError]
              --redis-server CMD    redis-server executable                                     [redis-server]
              --work-dir DIR        logs of the server and Redis                                [a temp dir]
            """;

    /** Validates; messages name the bad value. */
    public SoakOptions {
        requirePositive(duration, "duration");
        requireAtLeast(rooms, 1, "rooms");
        requireAtLeast(chatters, 1, "chatters");
        requirePositive(chatInterval, "chat-interval");
        requirePositive(churnInterval, "churn-interval");
        if (churnLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("churn-lifetime must be at least PT1S, was " + churnLifetime);
        }
        requireAtLeast(maxChurn, 0, "max-churn");
        requireAtLeast(badClients, 0, "bad-clients");
        requirePositive(badInterval, "bad-interval");
        if (redisKillAt >= 1) {
            throw new IllegalArgumentException("redis-kill-at must be below 1 (a fraction of the duration), was " + redisKillAt);
        }
        requirePositive(redisDownFor, "redis-down-for");
        if (warmup < 0 || warmup > 0.7) {
            throw new IllegalArgumentException("warmup must be 0..0.7 (a fraction of the duration), was " + warmup);
        }
        requirePositive(sampleInterval, "sample-interval");
        requirePositive(grace, "grace");
        requirePositive(ackTimeout, "ack-timeout");
        requirePositive(connectTimeout, "connect-timeout");
        requirePositive(resumeBound, "resume-bound");
        if (rssTolerance < 0 || threadTolerance < 0) {
            throw new IllegalArgumentException("tolerances must be >= 0, were " + rssTolerance + " and " + threadTolerance);
        }
        requireAtLeast(threadSlack, 0, "thread-slack");
        requireAtLeast(fdSlack, 0, "fd-slack");
        serverJvmOptions = List.copyOf(serverJvmOptions);
        if (redisServer == null || redisServer.isBlank()) {
            throw new IllegalArgumentException("redis-server must name a command");
        }
    }

    /** @return whether Redis is killed and restarted during the run */
    public boolean restartsRedis() {
        return redisKillAt >= 0;
    }

    /**
     * Parses a command line; options not given keep their defaults.
     *
     * @param args e.g. {@code --duration PT2M --rooms 3}
     * @return the options
     * @throws IllegalArgumentException naming the bad option or value
     */
    public static SoakOptions parse(String... args) {
        Duration duration = Duration.ofMinutes(30);
        int rooms = 4;
        int chatters = 16;
        Duration chatInterval = Duration.ofSeconds(1);
        Duration churnInterval = Duration.ofMillis(250);
        Duration churnLifetime = Duration.ofSeconds(8);
        int maxChurn = 40;
        int badClients = 2;
        Duration badInterval = Duration.ofSeconds(2);
        double redisKillAt = 0.5;
        Duration redisDownFor = Duration.ofSeconds(3);
        double warmup = 0.2;
        Duration sampleInterval = null;
        Duration grace = Duration.ofSeconds(3);
        Duration ackTimeout = Duration.ofSeconds(10);
        Duration connectTimeout = Duration.ofSeconds(20);
        Duration resumeBound = Duration.ofSeconds(30);
        double rssTolerance = 0.2;
        double threadTolerance = 0.1;
        int threadSlack = 5;
        int fdSlack = 20;
        Path serverClasspath = null;
        List<String> serverJvmOptions = List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError");
        String redisServer = "redis-server";
        Path workDir = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--no-redis-restart")) {
                redisKillAt = -1;
                continue;
            }
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + option + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--duration" -> duration = durationOrMinutes(option, value);
                case "--rooms" -> rooms = integer(option, value);
                case "--chatters" -> chatters = integer(option, value);
                case "--chat-interval" -> chatInterval = duration(option, value);
                case "--churn-interval" -> churnInterval = duration(option, value);
                case "--churn-lifetime" -> churnLifetime = duration(option, value);
                case "--max-churn" -> maxChurn = integer(option, value);
                case "--bad-clients" -> badClients = integer(option, value);
                case "--bad-interval" -> badInterval = duration(option, value);
                case "--redis-kill-at" -> redisKillAt = fraction(option, value);
                case "--redis-down-for" -> redisDownFor = duration(option, value);
                case "--warmup" -> warmup = fraction(option, value);
                case "--sample-interval" -> sampleInterval = duration(option, value);
                case "--grace" -> grace = duration(option, value);
                case "--ack-timeout" -> ackTimeout = duration(option, value);
                case "--connect-timeout" -> connectTimeout = duration(option, value);
                case "--resume-bound" -> resumeBound = duration(option, value);
                case "--rss-tolerance" -> rssTolerance = fraction(option, value);
                case "--thread-tolerance" -> threadTolerance = fraction(option, value);
                case "--thread-slack" -> threadSlack = integer(option, value);
                case "--fd-slack" -> fdSlack = integer(option, value);
                case "--server-classpath" -> serverClasspath = Path.of(value);
                case "--server-jvm-opts" -> serverJvmOptions = Arrays.stream(value.trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList();
                case "--redis-server" -> redisServer = value;
                case "--work-dir" -> workDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (sampleInterval == null) {
            long millis = Math.clamp(duration.toMillis() / 60, 1000, 5000);
            sampleInterval = Duration.ofMillis(millis);
        }
        return new SoakOptions(duration, rooms, chatters, chatInterval, churnInterval, churnLifetime, maxChurn,
                badClients, badInterval, redisKillAt, redisDownFor, warmup, sampleInterval, grace, ackTimeout,
                connectTimeout, resumeBound, rssTolerance, threadTolerance, threadSlack, fdSlack, serverClasspath,
                serverJvmOptions, redisServer, workDir);
    }

    /**
     * @return this as a command line that {@link #parse(String...)} reads back (for the report)
     */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--duration", duration.toString(), "--rooms", "" + rooms,
                "--chatters", "" + chatters, "--chat-interval", chatInterval.toString(),
                "--churn-interval", churnInterval.toString(), "--churn-lifetime", churnLifetime.toString(),
                "--max-churn", "" + maxChurn, "--bad-clients", "" + badClients, "--bad-interval", badInterval.toString()));
        if (restartsRedis()) {
            args.addAll(List.of("--redis-kill-at", "" + redisKillAt, "--redis-down-for", redisDownFor.toString()));
        } else {
            args.add("--no-redis-restart");
        }
        args.addAll(List.of("--warmup", "" + warmup, "--sample-interval", sampleInterval.toString(),
                "--grace", grace.toString(), "--ack-timeout", ackTimeout.toString(),
                "--resume-bound", resumeBound.toString(), "--rss-tolerance", "" + rssTolerance,
                "--thread-tolerance", "" + threadTolerance, "--thread-slack", "" + threadSlack,
                "--fd-slack", "" + fdSlack, "--server-jvm-opts", String.join(" ", serverJvmOptions)));
        return args;
    }

    private static Duration durationOrMinutes(String option, String value) {
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
            return Duration.ofMinutes(integer(option, value));
        }
        return duration(option, value);
    }

    private static Duration duration(String option, String value) {
        try {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " must be an ISO-8601 duration such as PT2M or PT0.5S, was '" + value + "'");
        }
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'");
        }
    }

    private static double fraction(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number such as 0.5, was '" + value + "'");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
    }

    private static void requireAtLeast(int value, int minimum, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
        }
    }
}

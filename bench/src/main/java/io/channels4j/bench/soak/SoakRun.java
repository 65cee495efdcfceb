package io.channels4j.bench.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One soak run: starts its own {@code redis-server} and the example chat server (a JVM of its
 * own, on the Redis layer), connects the long-lived clients, runs the mixed {@link Traffic} for
 * the duration while sampling the server's RSS, threads and file descriptors and killing and
 * restarting Redis midway, drains, closes every client, stops both processes and checks the
 * invariants into a {@link SoakReport}.
 *
 * <p>Blocking: {@link #run()} takes the duration plus some seconds, on the calling thread;
 * progress lines go to the given stream. A JVM shutdown hook stops the child processes if the run
 * is interrupted. The work directory (the server's and Redis's logs, {@code server-samples.csv})
 * is kept when the run fails or was given with {@code --work-dir}; a temp one of a run that
 * passed is deleted. Not reusable: one run per instance.
 */
public final class SoakRun {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private final SoakOptions options;
    private final PrintStream progress;

    /**
     * @param options  what to run
     * @param progress where progress lines go (e.g. {@code System.err})
     */
    public SoakRun(SoakOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs the soak.
     *
     * @return the report; {@link SoakReport#passed()} says whether every invariant held
     * @throws InterruptedException when interrupted
     * @throws IOException          when the work directory cannot be created
     * @throws IllegalStateException when Redis, the server or the long-lived clients do not start
     */
    public SoakReport run() throws InterruptedException, IOException {
        Path dir = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("channels4j-soak-");
        String startedAt = Instant.now().toString();
        String loadBefore = loadAverage();
        Ledger ledger = new Ledger();
        String roomPrefix = "soak" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        RedisServerProcess redis = RedisServerProcess.start(options.redisServer(), dir);
        ChatServerProcess server;
        try {
            server = ChatServerProcess.start(serverClasspath(), options.serverJvmOptions(), redis.url(), dir);
        } catch (RuntimeException | InterruptedException e) {
            redis.close();
            throw e;
        }
        Thread cleanup = Thread.ofPlatform().name("soak-cleanup").unstarted(() -> {
            server.close();
            redis.close();
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        SoakReport report;
        try (redis; server;
             ResourceSampler sampler = new ResourceSampler(server.pid(), redis.port());
             Traffic traffic = new Traffic(options, server, ledger, roomPrefix)) {
            progress.printf(Locale.ROOT, "soak: %s, chat server pid %d on port %d, %s of traffic; logs in %s%n",
                    redis, server.pid(), server.port(), options.duration(), dir);
            traffic.connectLongLived();
            long start = System.nanoTime();
            long end = start + options.duration().toNanos();
            sampler.start(options.sampleInterval());
            traffic.start();
            try (RedisOutage outage = options.restartsRedis()
                    ? RedisOutage.schedule(redis, scaled(options.redisKillAt()), options.redisDownFor(), ledger)
                    : RedisOutage.none()) {
                report(start, ledger, sampler);
                long step = Math.max(Duration.ofSeconds(10).toNanos(), options.duration().toNanos() / 20);
                while (System.nanoTime() < end && server.isAlive()) {
                    long wait = Math.min(step, end - System.nanoTime());
                    Poll.until(Duration.ofNanos(Math.max(0, wait)), Duration.ofMillis(200), () -> !server.isAlive());
                    report(start, ledger, sampler);
                }
                long stoppedAt = System.nanoTime();
                traffic.stop();
                outage.awaitRestart(Duration.ofSeconds(30));
                // drain: every send answered (or timed out), and no frame for a grace period
                long grace = options.grace().toNanos();
                Poll.until(options.ackTimeout().plus(options.grace()).plusSeconds(5), Duration.ofMillis(100),
                        () -> traffic.quiet() && ledger.quietFor() > grace);
                sampler.sample();
                traffic.closeClients(CLOSE_TIMEOUT);
                boolean serverAlive = server.isAlive();
                sampler.stop();
                writeSamples(sampler.samples(), start, dir.resolve("server-samples.csv"));
                progress.printf(Locale.ROOT, "soak: traffic stopped after %.1f s; checking%n", (stoppedAt - start) / 1e9);
                report = check(ledger, sampler.samples(), outage, server, serverAlive, start, stoppedAt, dir,
                        startedAt, loadBefore);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        if (report.passed() && options.workDir() == null) {
            deleteDir(dir); // a temp dir of a run that passed: nothing to look at
        } else {
            progress.println("soak: logs and server-samples.csv kept in " + dir);
        }
        return report;
    }

    private static void deleteDir(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // best effort: it is under the system temp dir
        }
    }

    /** @return long-lived clients connected before the kill and still connected after the restart */
    private static long survivors(Ledger ledger, long killedAt, long restartedAt) {
        return ledger.clients().stream()
                .filter(c -> c.kind != ChatClient.Kind.CHURN && c.openedAt() >= 0 && c.openedAt() < killedAt)
                .filter(c -> c.closedAt() < 0 || c.closedAt() > restartedAt)
                .count();
    }

    private Duration scaled(double fraction) {
        return Duration.ofNanos((long) (options.duration().toNanos() * fraction));
    }

    private void report(long start, Ledger ledger, ResourceSampler sampler) {
        Optional<ProcSample> last = sampler.samples().stream().reduce((a, b) -> b);
        progress.printf(Locale.ROOT,
                "soak: %5.0f s  sent %d  acked %d  errors %d  delivered %d  connects %d  unexpected closes %d  %s%n",
                (System.nanoTime() - start) / 1e9, ledger.messages().size(), ledger.ackLatency.getTotalCount(),
                ledger.errorReplies.count(), ledger.deliveries.sum(), ledger.connects.sum(),
                ledger.unexpectedCloses.count(),
                last.map(s -> String.format(Locale.ROOT, "server rss %.1f MiB, %d threads, %d fds (%d to Redis)",
                        s.rssKb() / 1024.0, s.threads(), s.fds(), s.redisSockets())).orElse(""));
    }

    private SoakReport check(Ledger ledger, List<ProcSample> samples, RedisOutage outage, ChatServerProcess server,
                             boolean serverAlive, long start, long stoppedAt, Path dir, String startedAt,
                             String loadBefore) {
        List<String> failures = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        Collection<Ledger.Sent> messages = ledger.messages();
        long endOfRun = System.nanoTime();

        // --- the Redis outage and when delivery resumed
        long killedAt = outage.killedAt();
        long restartedAt = outage.restartedAt();
        long resumedAt = killedAt >= 0 && restartedAt >= 0 ? ledger.resumedAt() : -1;
        long windowStart = killedAt >= 0 ? killedAt : Long.MAX_VALUE;
        long windowEnd = killedAt < 0 ? Long.MIN_VALUE : resumedAt >= 0 ? resumedAt : endOfRun;
        DeliveryCheck delivery = DeliveryCheck.of(messages, ledger.clients(), options.grace().toNanos(),
                windowStart, windowEnd, start);
        if (outage.enabled()) {
            if (outage.error() != null) {
                failures.add("the Redis outage did not go as planned: " + outage.error());
            } else if (killedAt < 0 || restartedAt < 0) {
                failures.add("Redis was not killed and restarted within the run");
            } else if (resumedAt < 0 && survivors(ledger, killedAt, restartedAt) == 0) {
                failures.add("no long-lived client connected before the Redis kill was still connected after the"
                        + " restart, so the resumption of delivery could not be seen");
            } else if (resumedAt < 0) {
                failures.add("delivery never resumed after the Redis restart: no message sent afterwards reached a"
                        + " long-lived client connected before the kill (" + delivery.lostInOutage()
                        + " deliveries of acknowledged messages lost since the kill)");
            } else if (resumedAt - restartedAt > options.resumeBound().toNanos()) {
                failures.add(String.format(Locale.ROOT, "delivery resumed %.1f s after the Redis restart, bound %s",
                        (resumedAt - restartedAt) / 1e9, options.resumeBound()));
            }
        }

        // --- deliveries
        if (delivery.lostDeliveries() > 0) {
            failures.add(delivery.lostMessages() + " acknowledged messages did not reach every member of their room ("
                    + delivery.lostDeliveries() + " deliveries lost)");
            examples.addAll(delivery.examples());
        }
        if (delivery.acknowledged() == 0) {
            failures.add("no message was acknowledged: no traffic got through");
        }
        long duplicates = ledger.duplicates.count();
        if (duplicates > 0) {
            failures.add(duplicates + " messages were received twice");
            examples.addAll(describe(ledger.duplicates, start));
        }
        long unanswered = messages.stream().filter(m -> m.unanswered && !m.acknowledged() && m.erroredAt < 0).count();
        long unansweredOutside = messages.stream()
                .filter(m -> m.unanswered && !m.acknowledged() && m.erroredAt < 0)
                .filter(m -> m.sentAt < windowStart || m.sentAt > windowEnd).count();
        examples.addAll(messages.stream().filter(m -> m.unanswered && !m.acknowledged() && m.erroredAt < 0)
                .sorted(Comparator.comparingLong(m -> m.sentAt)).limit(3)
                .map(m -> String.format(Locale.ROOT, "message %d from %s sent at %.1f s: neither its echo nor an error",
                        m.id, m.sender, (m.sentAt - start) / 1e9))
                .toList());
        if (unansweredOutside > 0) {
            failures.add(unansweredOutside + " chat messages outside the Redis outage got neither their echo nor an error"
                    + " within " + options.ackTimeout() + " (silently dropped)");
        }
        long errorsOutside = ledger.errorReplies.countOutside(windowStart, windowEnd);
        if (errorsOutside > 0) {
            failures.add(errorsOutside + " valid chat messages were answered with an error outside the Redis outage");
            examples.addAll(describe(ledger.errorReplies, start));
        }

        // --- connections
        long unexpectedCloses = ledger.unexpectedCloses.count();
        if (unexpectedCloses > 0) {
            failures.add(unexpectedCloses + " connections were closed by the server or the network");
            examples.addAll(describe(ledger.unexpectedCloses, start));
        }
        long connectFailuresOutside = ledger.connectFailures.countOutside(windowStart, windowEnd);
        if (connectFailuresOutside > 0) {
            failures.add(connectFailuresOutside + " handshakes failed outside the Redis outage");
            examples.addAll(describe(ledger.connectFailures, start));
        }
        if (ledger.closeTimeouts.sum() > 0) {
            failures.add(ledger.closeTimeouts.sum() + " client closes were not answered by the server within 10 s");
        }
        if (options.maxChurn() > 0
                && ledger.clients().stream().noneMatch(c -> c.kind == ChatClient.Kind.CHURN && c.openedAt() >= 0)) {
            failures.add("no short-lived client ever connected");
        }
        if (!serverAlive) {
            failures.add("the chat server died during the run:\n" + server.logTail(30));
        }

        // --- bad input
        long badUnanswered = ledger.badUnanswered.count();
        if (badUnanswered > 0) {
            failures.add(badUnanswered + " bad inputs got no {\"error\"} reply within " + options.ackTimeout());
        }
        if (options.badClients() > 0 && ledger.badAnswered.sum() == 0) {
            failures.add("no bad input was answered with an error");
        }
        if (ledger.unexpectedErrorReplies.count() > 0) {
            failures.add(ledger.unexpectedErrorReplies.count() + " error replies came when no send was waiting");
            examples.addAll(describe(ledger.unexpectedErrorReplies, start));
        }
        if (ledger.unrecognised.count() > 0) {
            failures.add(ledger.unrecognised.count() + " frames were neither a chat message nor an error");
            examples.addAll(describe(ledger.unrecognised, start));
        }

        if (ledger.driverErrors.count() > 0) {
            failures.add(ledger.driverErrors.count() + " errors in the soak's own traffic driver");
            examples.addAll(describe(ledger.driverErrors, start));
        }

        // --- resources
        long warmupEnd = start + (long) ((stoppedAt - start) * options.warmup());
        List<Flatness> resources = List.of(
                Flatness.of("rss", "MiB", samples, warmupEnd, stoppedAt, s -> s.rssKb() / 1024.0, options.rssTolerance(), 0),
                Flatness.of("threads", "", samples, warmupEnd, stoppedAt, ProcSample::threads,
                        options.threadTolerance(), options.threadSlack()),
                Flatness.of("fds", "", samples, warmupEnd, stoppedAt, ProcSample::fdsWithoutRedis,
                        options.rssTolerance(), options.fdSlack()),
                Flatness.observed("redis-connections", "", samples, warmupEnd, stoppedAt, ProcSample::redisSockets));
        for (Flatness resource : resources) {
            if (!resource.ok()) {
                failures.add("server " + resource);
            }
        }

        SoakReport.Run run = new SoakReport.Run(startedAt, options.duration().toString(), (stoppedAt - start) / 1e9,
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(), Runtime.version().toString(),
                options.toArgs(), server.pid(), dir.toString());
        SoakReport.Messages messageFigures = new SoakReport.Messages(messages.size(), delivery.acknowledged(),
                messages.stream().filter(m -> m.erroredAt >= 0).count(), unanswered, unansweredOutside,
                ledger.abandoned.sum(), ledger.deliveries.sum(), delivery.expectedDeliveries(), delivery.lostDeliveries(),
                delivery.lostMessages(), delivery.lostInOutage(), duplicates,
                SoakReport.Latency.of(ledger.ackLatency), SoakReport.Latency.of(ledger.deliveryLatency));
        SoakReport.Connections connections = new SoakReport.Connections(ledger.clients().size(), ledger.connects.sum(),
                ledger.churnSkipped.sum(), ledger.connectFailures.count(), connectFailuresOutside, unexpectedCloses,
                ledger.closeTimeouts.sum(), ledger.sendFailures.count());
        SoakReport.BadInput badInput = new SoakReport.BadInput(ledger.badSent.sum(), ledger.badAnswered.sum(),
                badUnanswered, ledger.unexpectedErrorReplies.count(), ledger.unrecognised.count());
        SoakReport.Outage outageFigures = new SoakReport.Outage(outage.enabled(), seconds(killedAt, start),
                seconds(restartedAt, start), resumedAt >= 0 ? seconds(resumedAt, restartedAt) : -1,
                killedAt >= 0 ? seconds(windowEnd, start) : -1,
                ledger.errorReplies.count() - errorsOutside, errorsOutside, outage.error());
        SoakReport.ServerLog log = new SoakReport.ServerLog(server.log().toString(), server.logLinesContaining(" WARN "),
                server.logLinesContaining(" ERROR "), server.logLinesContaining("Exception"));
        return new SoakReport(failures.isEmpty(), failures, run, messageFigures, connections, badInput, outageFigures,
                resources, log, examples.stream().limit(20).toList());
    }

    /** The server's samples as CSV, for plotting: seconds from the start of traffic, RSS, threads, fds. */
    private void writeSamples(List<ProcSample> samples, long start, Path file) {
        StringBuilder csv = new StringBuilder("seconds,rss_kib,threads,fds,redis_connections\n");
        for (ProcSample sample : samples) {
            csv.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d%n", (sample.atNanos() - start) / 1e9,
                    sample.rssKb(), sample.threads(), sample.fds(), sample.redisSockets()));
        }
        try {
            Files.writeString(file, csv);
        } catch (IOException e) {
            progress.println("soak: could not write " + file + ": " + e.getMessage());
        }
    }

    private static double seconds(long at, long start) {
        return at < 0 ? -1 : Math.round((at - start) / 1e8) / 10.0;
    }

    private static List<String> describe(EventLog log, long start) {
        return log.first(3).stream()
                .map(e -> String.format(Locale.ROOT, "at %.1f s: %s", (e.at() - start) / 1e9, e.what()))
                .toList();
    }

    /** The class path of this JVM (under Maven's test runner, the test class path). */
    private String serverClasspath() {
        if (options.serverClasspath() != null) {
            return options.serverClasspath().toString();
        }
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** @return the 1, 5 and 15 minute load averages, or "?" */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
            return String.join(" ", List.of(fields).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}

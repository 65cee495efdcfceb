package io.channels4j.bench.soak;

import io.channels4j.layer.ChannelLayers;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One flatness check: starts the example chat server in a JVM of its own (on the in-memory layer,
 * or on Redis under a key prefix of the run's own), connects {@code rooms x clients} WebSocket
 * clients, and runs the traffic in steps of {@link FlatOptions#step} deliveries, each in rounds:
 * every sender sends {@code window} messages, the round ends when every client has all of them
 * (so no member's queue in the server outgrows the chat's channel capacity); after a step,
 * with nothing in flight, the server is sampled ({@link FlatSample}). Ends at the target, at the
 * time bound, or when delivery stalls; closes the clients, stops the server, deletes the run's
 * Redis keys and judges the samples into a {@link FlatReport}.
 *
 * <p>Blocking: {@link #run()} on the calling thread; the clients run on a 2-thread pool
 * ({@code flat-ws-N}) and the JDK HTTP client's selector thread. A JVM shutdown hook stops the
 * server and deletes the keys if the run is interrupted. The work directory (the server's log) is
 * kept when the check did not pass or was given with {@code --work-dir}. One run per instance.
 */
public final class FlatRun {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long WAIT_MILLIS = 200;

    private final FlatOptions options;
    private final PrintStream progress;

    /**
     * @param options  what to run
     * @param progress where progress lines go (e.g. {@code System.err})
     */
    public FlatRun(FlatOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs the check.
     *
     * @return the report
     * @throws InterruptedException  when interrupted
     * @throws IOException           when the work directory cannot be created
     * @throws IllegalStateException when the server or the clients do not start, or the server
     *                               cannot be measured
     */
    public FlatReport run() throws InterruptedException, IOException {
        Path dir = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("channels4j-flat-");
        RedisKeys keys = RedisKeys.isRedis(options.layer()) ? RedisKeys.fresh(options.layer(), "flat") : null;
        String layer = keys != null ? keys.url() : options.layer();
        ChatServerProcess server = ChatServerProcess.start(serverClasspath(), options.serverJvmOptions(), layer, dir);
        Thread cleanup = Thread.ofPlatform().name("flat-cleanup").unstarted(() -> {
            server.close();
            if (keys != null) {
                keys.delete();
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        ExecutorService pool = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("flat-ws-", 1).daemon().factory());
        HttpClient http = HttpClient.newBuilder().executor(pool).build();
        List<FlatClient> clients = new ArrayList<>();
        List<FlatSample> samples = new ArrayList<>();
        String incomplete = null;
        long redisKeysDeleted = -1;
        try {
            progress.printf(Locale.ROOT, "flat: chat server pid %d on port %d, layer %s, log %s%n", server.pid(),
                    server.port(), ChannelLayers.redactUrl(layer), server.log());
            FlatClient.Shared shared = new FlatClient.Shared(options.clients(), options.window(), options.payload());
            connect(http, server, shared, clients);
            long start = System.nanoTime();
            long deadline = start + options.maxTime().toNanos();
            samples.add(sample(server, 0, 0, null));
            long traffic = 0; // nanos of traffic, sampling pauses left out
            progress.println("flat: " + clients.size() + " clients connected; " + describe(samples.getLast()));
            long perSender = options.messagesPerStep();
            long perStep = options.deliveriesPerStep();
            long budget = 0;
            for (int step = 1; step <= options.steps() && incomplete == null; step++) {
                long stepStart = System.nanoTime();
                // in rounds of --window messages per sender, each ending when every client has all of
                // them: no member's queue holds more than clients x window messages, under the
                // chat's channel capacity, however slow one client is
                while (budget < step * perSender && incomplete == null) {
                    budget = Math.min(budget + options.window(), step * perSender);
                    CountDownLatch done = new CountDownLatch(clients.size());
                    for (FlatClient client : clients) {
                        client.nextStep(budget, budget * options.clients(), done);
                    }
                    incomplete = await(done, shared, server, deadline, step * perStep);
                }
                if (incomplete != null) {
                    break;
                }
                traffic += System.nanoTime() - stepStart;
                samples.add(sample(server, shared.deliveries.sum(), traffic, samples.getLast()));
                progress.println("flat: " + describe(samples.getLast()));
            }
        } finally {
            closeAll(clients);
            http.shutdownNow();
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
            server.close();
            if (keys != null) {
                redisKeysDeleted = keys.delete();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        FlatReport report = new FlatReport(options.toArgs(), server.pid(), server.log().toString(), options.deliveries(),
                samples, FlatReport.judge(samples, options.tolerance()), traffic(clients), incomplete,
                keys != null ? keys.prefix() : null, redisKeysDeleted,
                options.strict());
        if (!report.passed() || options.workDir() != null) {
            return report;
        }
        deleteDir(dir); // a temp dir of a check that passed: nothing to look at
        return new FlatReport(report.command(), report.serverPid(), "(deleted: the check passed)", report.target(),
                report.samples(), report.verdicts(), report.traffic(), null, report.redisPrefix(), redisKeysDeleted,
                report.strict());
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

    /** Opens every client, at most 100 handshakes at a time. */
    private void connect(HttpClient http, ChatServerProcess server, FlatClient.Shared shared, List<FlatClient> clients)
            throws InterruptedException {
        String nonce = "flat" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        for (int room = 0; room < options.rooms(); room++) {
            for (int i = 0; i < options.clients(); i++) {
                clients.add(new FlatClient(room, i, shared));
            }
        }
        for (int from = 0; from < clients.size(); from += 100) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (FlatClient client : clients.subList(from, Math.min(from + 100, clients.size()))) {
                batch.add(client.connect(http, server.roomUri(nonce + "r" + client.room), server.origin(),
                        options.connectTimeout()));
            }
            try {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
                        .get(options.connectTimeout().toSeconds() + 5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not connect the clients to " + server.roomUri(nonce) + ": " + e
                        + "\n" + server.logTail(20), e);
            }
        }
    }

    /**
     * Waits for a step: until every client counted the latch down.
     *
     * @return null when the step completed, else why not
     */
    private String await(CountDownLatch done, FlatClient.Shared shared, ChatServerProcess server, long deadline,
                         long stepTarget) throws InterruptedException {
        long lastCount = shared.deliveries.sum();
        long lastProgress = System.nanoTime();
        while (!done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            long count = shared.deliveries.sum();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            }
            if (!server.isAlive()) {
                return "the chat server died at " + count + " deliveries:\n" + server.logTail(30);
            }
            if (now - deadline > 0) {
                return String.format(Locale.ROOT, "--max-minutes reached at %,d deliveries (step target %,d)", count,
                        stepTarget);
            }
            if (now - lastProgress > options.stallTimeout().toNanos()) {
                return String.format(Locale.ROOT, "no delivery for %d s at %,d deliveries (step target %,d)",
                        options.stallTimeout().toSeconds(), count, stepTarget);
            }
        }
        return null;
    }

    private FlatSample sample(ChatServerProcess server, long deliveries, long trafficNanos, FlatSample previous)
            throws InterruptedException {
        ProcSample proc = ProcSample.read(server.pid(), 0)
                .orElseThrow(() -> new IllegalStateException("cannot read /proc/" + server.pid() + " (is it Linux?)"));
        long heap = HeapProbe.usedAfterFullGcKb(server.pid());
        long rssAfterGc = settledRss(server.pid());
        double seconds = trafficNanos / 1e9;
        long rate = previous == null || seconds <= previous.seconds() ? 0
                : Math.round((deliveries - previous.deliveries()) / (seconds - previous.seconds()));
        return new FlatSample(deliveries, seconds, rate, proc.rssKb(), heap, rssAfterGc, proc.threads(), proc.fds());
    }

    /**
     * RSS once it stops falling after the full GC: G1 gives the freed regions back to the OS after
     * the collection returns, so an immediate reading depends on how far that got (seen: 281 MiB
     * at one sample, 110 MiB at the next, with the same live heap). Read every 200 ms until two
     * readings differ by less than 1 %, at most 5 s.
     */
    private static long settledRss(long pid) throws InterruptedException {
        long[] last = {-1};
        long[] settled = {-1};
        Poll.until(Duration.ofSeconds(5), Duration.ofMillis(200), () -> {
            long now = rss(pid);
            boolean stable = last[0] >= 0 && Math.abs(last[0] - now) < last[0] / 100;
            last[0] = now;
            if (stable) {
                settled[0] = now;
            }
            return stable;
        });
        return settled[0] >= 0 ? settled[0] : last[0];
    }

    private static long rss(long pid) {
        return ProcSample.read(pid, 0).map(ProcSample::rssKb)
                .orElseThrow(() -> new IllegalStateException("cannot read /proc/" + pid));
    }

    private static String describe(FlatSample s) {
        return String.format(Locale.ROOT, "%,d deliveries at %.1f s (%,d/s): server RSS %.1f MiB, after a full GC heap %.1f"
                        + " MiB and RSS %.1f MiB, %d threads, %d fds", s.deliveries(), s.seconds(), s.deliveriesPerSec(),
                s.rssKb() / 1024.0, s.heapAfterGcKb() / 1024.0, s.rssAfterGcKb() / 1024.0, s.threads(), s.fds());
    }

    private FlatReport.Traffic traffic(List<FlatClient> clients) {
        long sent = 0;
        long delivered = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        long closedByServer = 0;
        AtomicInteger sendErrors = new AtomicInteger();
        String firstProblem = null;
        long[] sentPerRoom = new long[options.rooms()];
        for (FlatClient c : clients) {
            sent += c.sent();
            sentPerRoom[c.room] += c.sent();
            delivered += c.delivered();
            duplicated += c.duplicates();
            outOfOrder += c.outOfOrder();
            unexpected += c.unexpected();
            closedByServer += c.closedByServer() ? 1 : 0;
            if (c.sendError() != null) {
                sendErrors.incrementAndGet();
                firstProblem = firstProblem != null ? firstProblem : c.sendError();
            }
            if (c.firstUnexpected() != null && firstProblem == null) {
                firstProblem = "unexpected frame " + c.firstUnexpected();
            }
        }
        long expected = 0;
        for (long roomSent : sentPerRoom) {
            expected += roomSent * options.clients();
        }
        return new FlatReport.Traffic(clients.size(), sent, expected, delivered, duplicated, outOfOrder, unexpected,
                closedByServer, sendErrors.get(), firstProblem);
    }

    /** Closes every client; those whose close the server does not answer in time are aborted. */
    private static void closeAll(List<FlatClient> clients) {
        for (FlatClient client : clients) {
            client.close();
        }
        try {
            CompletableFuture.allOf(clients.stream().map(FlatClient::closed).toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // aborted below
        }
        for (FlatClient client : clients) {
            if (!client.closed().isDone()) {
                client.abort();
            }
        }
    }

    /** The class path of this JVM (under Maven's test runner, the test class path). */
    private String serverClasspath() {
        if (options.serverClasspath() != null) {
            return options.serverClasspath().toString();
        }
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}

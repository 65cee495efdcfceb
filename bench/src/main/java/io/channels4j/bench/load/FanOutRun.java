package io.channels4j.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One fan-out run: connect {@code rooms x clients}, wait for the server to settle, let the senders
 * go, wait until every client got every message of its room (or the senders are done and the loss
 * timeout has passed, or the run's timeout), then count. Server CPU and the generator's own CPU are
 * read from {@code /proc} around the messaging phase only (connects and group joins excluded).
 *
 * <p>Threading: {@link #run} on the caller's thread; it starts and stops a {@code load-ticker}
 * thread and uses the transport's threads.
 */
final class FanOutRun {

    private static final long TICK_MILLIS = 100;

    private final LoadOptions options;
    private final WsClient transport;
    private final ServerMonitor server;

    FanOutRun(LoadOptions options, WsClient transport) {
        this.options = options;
        this.transport = transport;
        this.server = new ServerMonitor(options.pid());
    }

    /**
     * Runs once.
     *
     * @param phase {@code cold}, {@code warm} or {@code single}, copied into the result
     * @return the result, keys in a stable order
     * @throws InterruptedException when interrupted
     */
    Map<String, Object> run(String phase) throws InterruptedException {
        LoadOptions o = options;
        int total = o.rooms() * o.clients();
        LatencyRecorder latency = new LatencyRecorder();
        CountDownLatch completed = new CountDownLatch(total);
        int senderCount = o.rooms() * o.senders();
        CountDownLatch sendersDone = new CountDownLatch(senderCount);
        FanOutClient.Shared shared = new FanOutClient.Shared(o.clients(), o.senders(), o.msgs(), o.window(), o.payload(),
                o.lossSeconds() * 1_000_000L, latency, completed, sendersDone);
        String nonce = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        List<FanOutClient> clients = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            clients.add(new FanOutClient(i, i / o.clients(), shared));
        }

        Map<String, Object> result = header(o, phase);
        Connector.Outcome connect = Connector.connectAll(total, o.connectConcurrency(), TimeUnit.SECONDS.toNanos(60 + total / 100),
                i -> {
                    FanOutClient client = clients.get(i);
                    return transport.connect(o.server(), o.sourceAddress(i), o.path("load" + nonce + "r" + client.room),
                            o.origin(), client).thenApply(connection -> {
                                client.connected(connection);
                                return connection;
                            });
                });
        result.put("connectSeconds", round(connect.seconds(), 3));
        if (connect.opened.get() < total) {
            result.put("status", "connect-failed");
            result.put("connectFailed", connect.failed.get());
            result.put("connectError", connect.firstError.get());
            closeAll(clients);
            return result;
        }
        result.put("settleSeconds", round(server.settle(o.settleSeconds()), 3));

        ProcStats serverBefore = server.read();
        ProcStats selfBefore = ProcStats.self();
        long startMicros = ChatMessage.nowMicros();
        long startNanos = System.nanoTime();
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("load-ticker").daemon(true).unstarted(r));
        List<FanOutClient> senders = clients.stream().filter(FanOutClient::isSender).toList();
        ticker.scheduleWithFixedDelay(() -> {
            long now = ChatMessage.nowMicros();
            for (FanOutClient sender : senders) {
                sender.tick(now);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        for (FanOutClient sender : senders) {
            sender.start();
        }
        boolean allSent = sendersDone.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        long drain = Math.min(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(o.lossSeconds()));
        boolean allDelivered = completed.await(Math.max(0, drain), TimeUnit.NANOSECONDS);
        long endNanos = System.nanoTime();
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        ProcStats serverAfter = server.read();
        ProcStats selfAfter = ProcStats.self();
        for (FanOutClient client : clients) {
            client.stop();
        }

        long sent = 0;
        long delivered = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        long expired = 0;
        long closed = 0;
        long lastDelivery = startMicros;
        for (FanOutClient client : clients) {
            synchronized (client) {
                sent += client.sent();
                delivered += client.delivered;
                duplicates += client.duplicates;
                outOfOrder += client.outOfOrder;
                unexpected += client.unexpected;
                expired += client.expiredInFlight;
                closed += client.closeCode >= 0 ? 1 : 0;
                lastDelivery = Math.max(lastDelivery, client.lastDeliveryMicros);
            }
        }
        long expected = (long) o.rooms() * o.clients() * o.senders() * o.msgs();
        double seconds = delivered == 0 ? (endNanos - startNanos) / 1e9 : (lastDelivery - startMicros) / 1e6;
        result.put("status", allDelivered ? "complete" : allSent ? "lost" : "timeout");
        result.put("sent", sent);
        result.put("expected", expected);
        result.put("delivered", delivered);
        result.put("lost", expected - delivered);
        result.put("duplicated", duplicates);
        result.put("outOfOrder", outOfOrder);
        result.put("unexpected", unexpected);
        result.put("givenUpInFlight", expired);
        result.put("closedByServer", closed);
        result.put("seconds", round(seconds, 3));
        result.put("deliveredPerSec", Math.round(delivered / Math.max(seconds, 1e-6)));
        latency.putPercentiles(result, "latency");
        putCpu(result, "server", serverBefore, serverAfter, delivered);
        putCpu(result, "client", selfBefore, selfAfter, delivered);
        closeAll(clients);
        return result;
    }

    static Map<String, Object> header(LoadOptions o, String phase) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", o.mode());
        result.put("label", o.label());
        result.put("workload", o.workload());
        result.put("phase", phase);
        result.put("client", o.client());
        result.put("clientThreads", o.threads());
        if (o.mode().equals("fanout")) {
            result.put("rooms", o.rooms());
            result.put("clients", o.clients());
            result.put("senders", o.senders());
            result.put("msgs", o.msgs());
            result.put("window", o.window());
            result.put("payload", o.payload());
        }
        return result;
    }

    /** Server or client CPU over the phase: seconds, microseconds per delivered message, RSS before/after. */
    static void putCpu(Map<String, Object> result, String who, ProcStats before, ProcStats after, long delivered) {
        if (before == null || after == null) {
            return;
        }
        long cpuMillis = after.cpuMillis() - before.cpuMillis();
        result.put(who + "CpuSeconds", round(cpuMillis / 1000.0, 2));
        result.put(who + "CpuUsPerMsg", delivered == 0 ? null : round(cpuMillis * 1000.0 / delivered, 2));
        result.put(who + "RssKbBefore", before.rssKb());
        result.put(who + "RssKbAfter", after.rssKb());
        result.put(who + "ThreadsAfter", after.threads());
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static void closeAll(List<FanOutClient> clients) {
        for (FanOutClient client : clients) {
            client.stop();
            WsClient.Connection connection = client.connection();
            if (connection != null) {
                connection.close();
            }
        }
    }
}

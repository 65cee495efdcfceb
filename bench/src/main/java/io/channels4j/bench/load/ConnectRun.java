package io.channels4j.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connect run: measure the idle server, open N connections to one room (spread over several
 * loopback source addresses, a bounded number of handshakes at a time), hold them, measure again,
 * then send one message from the first connection and count how many connections receive it
 * within the probe bound. With {@code --rooms R} the connections are spread over R rooms
 * (connection i in room i mod R) and the probe reaches the first room only. Reports the connect rate, RSS per connection above the idle baseline and
 * the probe's reach and latency.
 *
 * <p>Threading: {@link #run} on the caller's thread; receipts are counted on the transport's
 * threads.
 */
final class ConnectRun {

    private final LoadOptions options;
    private final WsClient transport;
    private final ServerMonitor server;

    ConnectRun(LoadOptions options, WsClient transport) {
        this.options = options;
        this.transport = transport;
        this.server = new ServerMonitor(options.pid());
    }

    /** Counts the probe at one connection: the first copy only. */
    private static final class ProbeListener implements WsClient.Listener {
        private final Probe probe;
        private final ChatMessage parsed = new ChatMessage();
        private boolean received;

        ProbeListener(Probe probe) {
            this.probe = probe;
        }

        @Override
        public synchronized void onText(ByteBuffer utf8) {
            if (parsed.parse(utf8)) {
                receivedProbe();
            }
        }

        @Override
        public synchronized void onText(CharSequence text) {
            if (parsed.parse(text)) {
                receivedProbe();
            }
        }

        private void receivedProbe() {
            if (received || parsed.sender != Probe.SENDER) {
                return;
            }
            received = true;
            long now = ChatMessage.nowMicros();
            probe.latency.record(now - parsed.sentMicros);
            probe.lastMicros.accumulateAndGet(now, Math::max);
            probe.received.countDown();
        }

        @Override
        public void onClose(int code) {
            probe.closed.incrementAndGet();
        }
    }

    /** What the listeners share. */
    private static final class Probe {
        static final int SENDER = 999_999_999;
        final LatencyRecorder latency = new LatencyRecorder();
        final AtomicLong lastMicros = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        volatile CountDownLatch received = new CountDownLatch(1);
    }

    /**
     * Runs once.
     *
     * @param phase copied into the result
     * @return the result
     * @throws InterruptedException when interrupted
     */
    Map<String, Object> run(String phase) throws InterruptedException {
        LoadOptions o = options;
        int n = o.connections();
        Map<String, Object> result = FanOutRun.header(o, phase);
        result.put("connections", n);
        result.put("sourceAddresses", o.sourceAddresses());
        long ownLimit = ownMaxOpenFiles();
        long serverLimit = server.maxOpenFiles();
        result.put("clientMaxOpenFiles", ownLimit);
        result.put("serverMaxOpenFiles", serverLimit);
        if (ownLimit >= 0 && ownLimit < n + 64L || serverLimit >= 0 && serverLimit < n + 64L) {
            System.err.println("warning: open-file limit below " + n + " connections (client " + ownLimit + ", server "
                    + serverLimit + "): raise it with ulimit -n in the shell that starts both");
        }

        server.settle(o.settleSeconds());
        ProcStats baseline = server.read();
        ProcStats selfBaseline = ProcStats.self();
        Probe probe = new Probe();
        String room = "load" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36) + "probe";
        List<WsClient.Connection> connections = new ArrayList<>(n);
        Connector.Outcome connect = Connector.connectAll(n, o.connectConcurrency(), TimeUnit.SECONDS.toNanos(60 + n / 100),
                i -> transport.connect(o.server(), o.sourceAddress(i), o.path(room + (i % o.rooms())), o.origin(),
                        new ProbeListener(probe)));
        long inProbeRoom = 0;
        WsClient.Connection probeSender = null;
        for (int i = 0; i < connect.futures.size(); i++) {
            var future = connect.futures.get(i);
            if (future.isDone() && !future.isCompletedExceptionally()) {
                connections.add(future.join());
                if (i % o.rooms() == 0) {
                    inProbeRoom++;
                    probeSender = probeSender == null ? future.join() : probeSender;
                }
            }
        }
        long opened = connections.size();
        result.put("rooms", o.rooms());
        ProcStats connected = server.read();
        result.put("opened", opened);
        result.put("connectFailed", n - opened);
        result.put("connectError", connect.firstError.get());
        result.put("connectSeconds", FanOutRun.round(connect.seconds(), 3));
        result.put("connectsPerSec", Math.round(opened / Math.max(connect.seconds(), 1e-6)));
        if (baseline != null && connected != null) {
            result.put("serverConnectCpuSeconds", FanOutRun.round((connected.cpuMillis() - baseline.cpuMillis()) / 1000.0, 2));
        }

        long holdEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.holdSeconds());
        while (System.nanoTime() < holdEnd) {
            Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(holdEnd - System.nanoTime()))));
        }
        result.put("settleSeconds", FanOutRun.round(server.settle(o.settleSeconds()), 3));
        ProcStats held = server.read();
        ProcStats selfHeld = ProcStats.self();
        result.put("closedByServerWhileHeld", probe.closed.get());
        if (baseline != null && held != null) {
            result.put("serverRssKbBaseline", baseline.rssKb());
            result.put("serverRssKbHeld", held.rssKb());
            result.put("serverThreadsBaseline", baseline.threads());
            result.put("serverThreadsHeld", held.threads());
            result.put("serverKbPerConnection", opened == 0 ? null : FanOutRun.round((held.rssKb() - baseline.rssKb()) / (double) opened, 2));
        }
        result.put("clientRssKbBaseline", selfBaseline.rssKb());
        result.put("clientRssKbHeld", selfHeld.rssKb());
        result.put("clientThreadsHeld", selfHeld.threads());

        long expected = o.rooms() == 1 ? opened - probe.closed.get() : inProbeRoom;
        probe.received = new CountDownLatch((int) expected);
        if (probeSender != null) {
            long start = ChatMessage.nowMicros();
            byte[] frame = new byte[ChatMessage.maxFrameBytes(o.payload())];
            int length = ChatMessage.encode(frame, Probe.SENDER, 0, start, o.payload());
            probeSender.sendText(frame, length);
            probe.received.await(o.probeSeconds(), TimeUnit.SECONDS);
            long received = expected - probe.received.getCount();
            result.put("probeExpected", expected);
            result.put("probeReceived", received);
            result.put("probeSeconds", received == 0 ? null : FanOutRun.round((probe.lastMicros.get() - start) / 1e6, 3));
            probe.latency.putPercentiles(result, "probe");
        }
        ProcStats afterProbe = server.read();
        if (afterProbe != null) {
            result.put("serverRssKbAfterProbe", afterProbe.rssKb());
        }
        result.put("status", opened == n && result.get("probeReceived") instanceof Long r && r == expected ? "complete" : "incomplete");
        for (WsClient.Connection connection : connections) {
            connection.close();
        }
        return result;
    }

    private static long ownMaxOpenFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}

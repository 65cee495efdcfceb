package io.channels4j.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar channels4j-bench.jar load [fanout|connect|broadcast-server|report] [options]}:
 * the WebSocket load generator ({@link LoadOptions#USAGE} lists the options). Each run prints one
 * human line and one JSON line (the JSON line also appended to {@code --json FILE}); with
 * {@code --warmup} the workload runs twice on fresh connections and both runs are reported, as
 * {@code cold} and {@code warm}; {@code --warmup-runs N} adds N unreported runs between them. Exit status 0 when every run completed, 1 when a run lost messages
 * or timed out, 2 for bad options.
 *
 * <p>Threading: the main thread drives the runs; the transport's threads carry the frames.
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadGenerator() {
    }

    /**
     * Runs the tool.
     *
     * @param args the mode (optional, {@code fanout} by default) and its options
     * @throws Exception on I/O failures writing results
     */
    public static void main(String[] args) throws Exception {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        if (list.contains("--help") || list.contains("-h")) {
            System.out.println(LoadOptions.USAGE);
            return;
        }
        String mode = !list.isEmpty() && !list.get(0).startsWith("--") ? list.remove(0) : "fanout";
        try {
            switch (mode) {
                case "fanout", "connect" -> System.exit(run(LoadOptions.parse(mode, list)));
                case "broadcast-server" -> BroadcastServer.main(list);
                case "report" -> ReportTable.main(list);
                default -> throw new IllegalArgumentException("unknown mode '" + mode
                        + "' (fanout, connect, broadcast-server, report)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
        }
    }

    static int run(LoadOptions options) throws InterruptedException, IOException {
        int status = 0;
        List<String> phases = new ArrayList<>();
        if (options.warmup()) {
            phases.add("cold");
            phases.addAll(Collections.nCopies(options.warmupRuns(), "warmup"));
            phases.add("warm");
        } else {
            phases.add("single");
        }
        try (WsClient transport = options.newClient()) {
            ServerMonitor server = new ServerMonitor(options.pid());
            for (String phase : phases) {
                Map<String, Object> result = options.mode().equals("connect")
                        ? new ConnectRun(options, transport).run(phase)
                        : new FanOutRun(options, transport).run(phase);
                String json = JSON.writeValueAsString(result);
                System.out.println(human(result));
                if (!"complete".equals(result.get("status"))) {
                    status = 1;
                }
                // a warm-up run keeps only its human line, so a reader sees the JIT settling
                if (!"warmup".equals(phase)) {
                    System.out.println(json);
                    if (options.json() != null) {
                        Files.writeString(options.json(), json + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
                // let the server finish closing the run's connections before the next run or exit
                server.settle(options.settleSeconds());
            }
        }
        return status;
    }

    /**
     * The human line of a result.
     *
     * @param r a result of {@link FanOutRun} or {@link ConnectRun}
     * @return one line
     */
    static String human(Map<String, Object> r) {
        StringBuilder s = new StringBuilder();
        s.append(r.get("mode")).append(' ').append(r.get("label")).append(' ').append(r.get("workload"))
                .append(' ').append(r.get("phase")).append(": ");
        if ("connect-failed".equals(r.get("status"))) {
            return s.append("CONNECT FAILED: ").append(r.get("connectFailed")).append(" failed, first: ")
                    .append(r.get("connectError")).toString();
        }
        if ("fanout".equals(r.get("mode"))) {
            s.append(String.format(Locale.ROOT, "%sx%sx%s w%s p%s: delivered %s/%s (lost %s, dup %s, ooo %s) %s msgs/s in %s s;"
                            + " latency p50 %s p90 %s p99 %s max %s ms",
                    r.get("rooms"), r.get("clients"), r.get("msgs"), r.get("window"), r.get("payload"),
                    n(r.get("delivered")), n(r.get("expected")), n(r.get("lost")), n(r.get("duplicated")),
                    n(r.get("outOfOrder")), n(r.get("deliveredPerSec")), r.get("seconds"),
                    r.get("latencyP50Ms"), r.get("latencyP90Ms"), r.get("latencyP99Ms"), r.get("latencyMaxMs")));
            if (r.containsKey("serverCpuSeconds")) {
                s.append(String.format(Locale.ROOT, "; server %s s CPU = %s us/msg, RSS %s -> %s KB",
                        r.get("serverCpuSeconds"), r.get("serverCpuUsPerMsg"), n(r.get("serverRssKbBefore")),
                        n(r.get("serverRssKbAfter"))));
            }
            s.append(String.format(Locale.ROOT, "; client %s us/msg", r.get("clientCpuUsPerMsg")));
        } else {
            s.append(String.format(Locale.ROOT, "%s/%s connected in %s s (%s/s)", n(r.get("opened")),
                    n(r.get("connections")), (Double) r.get("connectSeconds"), n(r.get("connectsPerSec"))));
            if (r.containsKey("serverRssKbHeld")) {
                s.append(String.format(Locale.ROOT, "; server RSS %s -> %s KB (%s KB/conn), threads %s -> %s",
                        n(r.get("serverRssKbBaseline")), n(r.get("serverRssKbHeld")), r.get("serverKbPerConnection"),
                        r.get("serverThreadsBaseline"), r.get("serverThreadsHeld")));
            }
            s.append(String.format(Locale.ROOT, "; probe %s/%s in %s s (p99 %s ms); client RSS %s KB, %s threads",
                    r.get("probeReceived"), r.get("probeExpected"), r.get("probeSeconds"), r.get("probeP99Ms"),
                    n(r.get("clientRssKbHeld")), r.get("clientThreadsHeld")));
        }
        if (!"complete".equals(r.get("status"))) {
            s.append(" [").append(String.valueOf(r.get("status")).toUpperCase(Locale.ROOT)).append(']');
        }
        return s.toString();
    }

    private static String n(Object value) {
        return value instanceof Number number ? String.format(Locale.ROOT, "%,d", number.longValue()) : String.valueOf(value);
    }
}

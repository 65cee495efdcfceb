package io.channels4j.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator against in-process broadcast servers on loopback: it counts what a server
 * really did (every delivery, drops, duplicates, reordering) with each transport, ends a lossy run
 * within its bounds, and reaches every connection of a connect run with the probe.
 */
class LoadGeneratorIT {

    private static Map<String, Object> fanOut(ScriptedBroadcastServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", String.valueOf(server.getPort()), "--settle", "0"));
        all.addAll(List.of(args));
        LoadOptions options = LoadOptions.parse("fanout", all);
        try (WsClient client = options.newClient()) {
            return new FanOutRun(options, client).run("single");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "jdk", "jws"})
    void fanOut_overEachTransport_deliversEveryMessageOnceAndInOrder(String transport) throws Exception {
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.ECHO_ALL)) {
            Map<String, Object> r = fanOut(server, "--client", transport, "--rooms", "1", "--clients", "20", "--msgs", "50",
                    "--window", "16", "--payload", "200", "--timeout", "60");

            assertThat(r).containsEntry("status", "complete").containsEntry("sent", 1000L).containsEntry("expected", 20_000L)
                    .containsEntry("delivered", 20_000L).containsEntry("lost", 0L).containsEntry("duplicated", 0L)
                    .containsEntry("outOfOrder", 0L).containsEntry("unexpected", 0L);
            assertThat((Double) r.get("latencyMaxMs")).isPositive();
            assertThat((Long) r.get("deliveredPerSec")).isPositive();
        }
    }

    @Test
    void warmupRuns_runBetweenColdAndWarm_andOnlyColdAndWarmAreWrittenToJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("results.jsonl");
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.ECHO_ALL)) {
            LoadOptions options = LoadOptions.parse("fanout", List.of("--port", String.valueOf(server.getPort()),
                    "--settle", "0", "--rooms", "1", "--clients", "2", "--msgs", "5", "--warmup", "--warmup-runs", "2",
                    "--json", json.toString()));
            int before = server.connectionsOpened();

            assertThat(LoadGenerator.run(options)).isZero();

            assertThat(server.connectionsOpened() - before).as("4 runs of 2 connections each").isEqualTo(8);
            assertThat(Files.readAllLines(json)).hasSize(2).satisfiesExactly(
                    line -> assertThat(line).contains("\"phase\":\"cold\""),
                    line -> assertThat(line).contains("\"phase\":\"warm\""));
        }
    }

    @Test
    void fanOut_againstAServerThatDrops_countsTheLossAndEndsAfterTheLossTimeout() throws Exception {
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.DROP_EVERY_FIFTH)) {
            long start = System.nanoTime();
            Map<String, Object> r = fanOut(server, "--rooms", "1", "--clients", "3", "--senders", "1", "--msgs", "50",
                    "--window", "4", "--loss-timeout", "1", "--timeout", "60");
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(r).containsEntry("status", "lost").containsEntry("sent", 50L).containsEntry("expected", 150L)
                    .containsEntry("delivered", 120L).containsEntry("lost", 30L).containsEntry("givenUpInFlight", 10L);
            assertThat(seconds).as("bounded by the loss timeout, not the run timeout").isLessThan(45);
        }
    }

    @Test
    void fanOut_againstAServerThatSendsTwice_countsDuplicates() throws Exception {
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.TWICE)) {
            Map<String, Object> r = fanOut(server, "--rooms", "1", "--clients", "3", "--senders", "1", "--msgs", "20",
                    "--window", "1", "--timeout", "60");

            assertThat(r).containsEntry("status", "complete").containsEntry("delivered", 60L).containsEntry("lost", 0L);
            // the second copy of the last message may arrive after the run ended
            assertThat((Long) r.get("duplicated")).isBetween(57L, 60L);
        }
    }

    @Test
    void fanOut_againstAServerThatSwapsPairs_countsOutOfOrder() throws Exception {
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.SWAP_PAIRS)) {
            Map<String, Object> r = fanOut(server, "--rooms", "1", "--clients", "3", "--senders", "1", "--msgs", "20",
                    "--window", "2", "--timeout", "60");

            assertThat(r).containsEntry("status", "complete").containsEntry("delivered", 60L)
                    .containsEntry("outOfOrder", 30L).containsEntry("duplicated", 0L);
        }
    }

    @Test
    void connect_overTwoSourceAddresses_reachesEveryConnectionWithTheProbe() throws Exception {
        try (ScriptedBroadcastServer server = ScriptedBroadcastServer.start(ScriptedBroadcastServer.Script.ECHO_ALL)) {
            LoadOptions options = LoadOptions.parse("connect", List.of("--port", String.valueOf(server.getPort()),
                    "--connections", "300", "--source-addresses", "2", "--hold", "0", "--probe-timeout", "30",
                    "--settle", "0"));
            Map<String, Object> r;
            try (WsClient client = options.newClient()) {
                r = new ConnectRun(options, client).run("single");
            }

            assertThat(r).containsEntry("status", "complete").containsEntry("opened", 300L)
                    .containsEntry("probeExpected", 300L).containsEntry("probeReceived", 300L);
            assertThat((Long) r.get("connectsPerSec")).isPositive();
            assertThat((Integer) r.get("clientThreadsHeld")).as("no thread per connection").isLessThan(100);
            assertThat(options.sourceAddress(0).getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(options.sourceAddress(1).getHostAddress()).isEqualTo("127.0.0.2");
            assertThat(options.sourceAddress(2).getHostAddress()).isEqualTo("127.0.0.1");
        }
    }
}

package io.channels4j.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code load report results.jsonl}: turns the JSON result lines of a {@code bench/run} into
 * markdown tables: every fan-out run; the ratios (ours vs Spring, ours vs Daphne) per workload,
 * layer and phase; connect runs; the near-limit case against the raw broadcast server.
 *
 * <p>Labels are {@code <server>-<layer>} ({@code ours-memory}, {@code spring-redis},
 * {@code daphne-memory}, {@code raw-memory}); workloads are named by {@code --workload}; the
 * near-limit workload is {@code NL}. Lines that do not parse are skipped. Stateless; one thread.
 */
final class ReportTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> results;

    ReportTable(List<JsonNode> results) {
        this.results = List.copyOf(results);
    }

    static void main(List<String> args) throws IOException {
        if (args.size() != 1) {
            throw new IllegalArgumentException("report needs one argument: the results file (JSON lines)");
        }
        System.out.print(new ReportTable(read(Path.of(args.get(0)))).markdown());
    }

    static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("{")) {
                try {
                    nodes.add(JSON.readTree(line));
                } catch (IOException e) {
                    System.err.println("report: skipping a line that is not JSON: " + e.getMessage());
                }
            }
        }
        return nodes;
    }

    /** @return all tables, markdown */
    String markdown() {
        StringBuilder s = new StringBuilder();
        ratios(s);
        fanOutRuns(s);
        connectRuns(s);
        nearLimit(s);
        return s.toString();
    }

    private void ratios(StringBuilder s) {
        s.append("### Ratios: ours vs Spring Boot, ours vs Daphne\n\n");
        s.append("Each cell is ours ÷ peer from the same run. CPU per delivered message and p99: below 1 is better for us; "
                + "msgs/s: above 1 is better for us. Lost: ours / Spring / Daphne.\n\n");
        s.append("| workload | layer | phase | CPU/msg vs Spring | CPU/msg vs Daphne | msgs/s vs Spring | msgs/s vs Daphne "
                + "| p99 vs Spring | p99 vs Daphne | lost (ours / Spring / Daphne) |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String workload : values("workload", "fanout")) {
            if (workload.equals("NL")) {
                continue;
            }
            for (String layer : List.of("memory", "redis")) {
                for (String phase : List.of("cold", "warm", "single")) {
                    JsonNode ours = find("fanout", workload, "ours-" + layer, phase);
                    if (ours == null) {
                        continue;
                    }
                    JsonNode spring = find("fanout", workload, "spring-" + layer, phase);
                    JsonNode daphne = find("fanout", workload, "daphne-" + layer, phase);
                    s.append("| ").append(workload).append(" ").append(shape(ours)).append(" | ").append(layer).append(" | ")
                            .append(phase).append(" | ")
                            .append(ratio(ours, spring, "serverCpuUsPerMsg")).append(" | ")
                            .append(ratio(ours, daphne, "serverCpuUsPerMsg")).append(" | ")
                            .append(ratio(ours, spring, "deliveredPerSec")).append(" | ")
                            .append(ratio(ours, daphne, "deliveredPerSec")).append(" | ")
                            .append(ratio(ours, spring, "latencyP99Ms")).append(" | ")
                            .append(ratio(ours, daphne, "latencyP99Ms")).append(" | ")
                            .append(text(ours, "lost")).append(" / ").append(text(spring, "lost")).append(" / ")
                            .append(text(daphne, "lost")).append(" |\n");
                }
            }
        }
        s.append('\n');
    }

    private void fanOutRuns(StringBuilder s) {
        s.append("### Fan-out runs\n\n");
        s.append("| workload | server | phase | delivered / expected | lost | dup | out of order | msgs/s | p50 ms | p99 ms "
                + "| max ms | server CPU us/msg | server RSS MB after | generator CPU us/msg |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!r.path("mode").asText().equals("fanout")) {
                continue;
            }
            if (r.path("status").asText().equals("connect-failed")) {
                s.append("| ").append(r.path("workload").asText()).append(" ").append(shape(r)).append(" | ")
                        .append(r.path("label").asText()).append(" | ").append(r.path("phase").asText())
                        .append(" | connect failed: ").append(r.path("connectFailed").asText()).append(" (")
                        .append(r.path("connectError").asText().replace('|', '/')).append(") |||||||||||\n");
                continue;
            }
            s.append("| ").append(r.path("workload").asText()).append(" ").append(shape(r)).append(" | ")
                    .append(r.path("label").asText()).append(" | ").append(r.path("phase").asText()).append(" | ")
                    .append(count(r, "delivered")).append(" / ").append(count(r, "expected")).append(" | ")
                    .append(count(r, "lost")).append(" | ").append(count(r, "duplicated")).append(" | ")
                    .append(count(r, "outOfOrder")).append(" | ").append(count(r, "deliveredPerSec")).append(" | ")
                    .append(text(r, "latencyP50Ms")).append(" | ").append(text(r, "latencyP99Ms")).append(" | ")
                    .append(text(r, "latencyMaxMs")).append(" | ").append(text(r, "serverCpuUsPerMsg")).append(" | ")
                    .append(megabytes(r, "serverRssKbAfter")).append(" | ").append(text(r, "clientCpuUsPerMsg")).append(" |\n");
        }
        s.append('\n');
    }

    private void connectRuns(StringBuilder s) {
        List<JsonNode> runs = results.stream().filter(r -> r.path("mode").asText().equals("connect")).toList();
        if (runs.isEmpty()) {
            return;
        }
        s.append("### Idle connections and the broadcast probe\n\n");
        s.append("| server | connections | opened | connects/s | server RSS MB idle | RSS MB held | KB per connection "
                + "| server threads held | probe received | probe s (last) | probe p99 ms | generator RSS MB / threads |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            s.append("| ").append(r.path("label").asText()).append(" | ").append(count(r, "connections")).append(" | ")
                    .append(count(r, "opened")).append(" | ").append(count(r, "connectsPerSec")).append(" | ")
                    .append(megabytes(r, "serverRssKbBaseline")).append(" | ").append(megabytes(r, "serverRssKbHeld"))
                    .append(" | ").append(text(r, "serverKbPerConnection")).append(" | ").append(text(r, "serverThreadsHeld"))
                    .append(" | ").append(count(r, "probeReceived")).append(" / ").append(count(r, "probeExpected"))
                    .append(" | ").append(text(r, "probeSeconds")).append(" | ").append(text(r, "probeP99Ms")).append(" | ")
                    .append(megabytes(r, "clientRssKbHeld")).append(" / ").append(text(r, "clientThreadsHeld")).append(" |\n");
        }
        s.append('\n');
        JsonNode ours = firstWithPrefix(runs, "ours-");
        JsonNode spring = firstWithPrefix(runs, "spring-");
        JsonNode daphne = firstWithPrefix(runs, "daphne-");
        if (ours != null) {
            s.append("KB per connection, ours ÷ Spring: ").append(ratio(ours, spring, "serverKbPerConnection"))
                    .append(", ours ÷ Daphne: ").append(ratio(ours, daphne, "serverKbPerConnection"))
                    .append("; connects/s, ours ÷ Spring: ").append(ratio(ours, spring, "connectsPerSec"))
                    .append(", ours ÷ Daphne: ").append(ratio(ours, daphne, "connectsPerSec"))
                    .append(" (first run of each; bench/run runs ours first at the peers' connection count).\n\n");
        }
    }

    private void nearLimit(StringBuilder s) {
        List<JsonNode> runs = results.stream()
                .filter(r -> r.path("mode").asText().equals("fanout") && r.path("workload").asText().equals("NL")).toList();
        if (runs.isEmpty()) {
            return;
        }
        s.append("### Near the limit: one room, one fast sender\n\n");
        s.append("| server | phase | shape | delivered frames/s | lost | p99 ms | server CPU us/frame | ours ÷ raw broadcast() |\n");
        s.append("|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            String phase = r.path("phase").asText();
            JsonNode raw = find("fanout", "NL", "raw-memory", phase);
            boolean ours = r.path("label").asText().startsWith("ours-");
            s.append("| ").append(r.path("label").asText()).append(" | ").append(phase).append(" | ").append(shape(r))
                    .append(" | ").append(count(r, "deliveredPerSec")).append(" | ").append(count(r, "lost")).append(" | ")
                    .append(text(r, "latencyP99Ms")).append(" | ").append(text(r, "serverCpuUsPerMsg")).append(" | ")
                    .append(ours ? ratio(r, raw, "deliveredPerSec") : "").append(" |\n");
        }
        s.append('\n');
    }

    private Set<String> values(String field, String mode) {
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode r : results) {
            if (r.path("mode").asText().equals(mode)) {
                seen.add(r.path(field).asText());
            }
        }
        return seen;
    }

    private JsonNode find(String mode, String workload, String label, String phase) {
        for (JsonNode r : results) {
            if (r.path("mode").asText().equals(mode) && r.path("workload").asText().equals(workload)
                    && r.path("label").asText().equals(label) && r.path("phase").asText().equals(phase)) {
                return r;
            }
        }
        return null;
    }

    private static JsonNode firstWithPrefix(List<JsonNode> runs, String prefix) {
        return runs.stream().filter(r -> r.path("label").asText().startsWith(prefix)).findFirst().orElse(null);
    }

    private static String shape(JsonNode r) {
        return r.path("rooms").asText() + "x" + r.path("clients").asText()
                + (r.path("senders").asInt() != r.path("clients").asInt() ? " (" + r.path("senders").asText() + " sending)" : "")
                + "x" + r.path("msgs").asText() + " w" + r.path("window").asText();
    }

    private static String ratio(JsonNode ours, JsonNode peer, String field) {
        if (ours == null || peer == null || !ours.path(field).isNumber() || !peer.path(field).isNumber()
                || peer.path(field).asDouble() == 0 || !usable(ours) || !usable(peer)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2fx", ours.path(field).asDouble() / peer.path(field).asDouble());
    }

    private static boolean usable(JsonNode r) {
        return !r.path("status").asText().equals("connect-failed");
    }

    private static String text(JsonNode r, String field) {
        return r == null || r.path(field).isMissingNode() || r.path(field).isNull() ? "–" : r.path(field).asText();
    }

    private static String count(JsonNode r, String field) {
        return r == null || !r.path(field).isNumber() ? "–" : String.format(Locale.ROOT, "%,d", r.path(field).asLong());
    }

    private static String megabytes(JsonNode r, String field) {
        return r == null || !r.path(field).isNumber() ? "–" : String.format(Locale.ROOT, "%.0f", r.path(field).asDouble() / 1024);
    }
}

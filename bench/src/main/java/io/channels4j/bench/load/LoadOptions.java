package io.channels4j.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's command line, parsed and checked. Immutable.
 *
 * @param mode               {@code fanout} or {@code connect}
 * @param host               server host (loopback)
 * @param port               server port
 * @param pathTemplate       request path with {@code {room}}, default {@code /ws/chat/{room}/}
 * @param origin             the {@code Origin} header
 * @param rooms              fan-out: rooms; connect: rooms the connections are spread over (1)
 * @param clients            fan-out: clients per room
 * @param senders            fan-out: clients per room that send (the first ones)
 * @param msgs               fan-out: messages per sender
 * @param window             fan-out: messages in flight per sender
 * @param payload            fan-out: message text length, bytes
 * @param timeoutSeconds     bound of one run's messaging phase
 * @param lossSeconds        an in-flight message not back after this long is given up (counts as lost)
 * @param connections        connect: connections
 * @param sourceAddresses    local addresses 127.0.0.1 .. 127.0.0.N to spread connections over
 * @param connectConcurrency handshakes in flight at once
 * @param holdSeconds        connect: how long to hold the connections before the probe
 * @param probeSeconds       connect: bound on the broadcast probe
 * @param client             transport: {@code nio}, {@code jdk} or {@code jws}
 * @param threads            transport threads (nio loops, jdk callback pool)
 * @param pid                the server's pid for /proc readings, 0 for none
 * @param warmup             report a cold run and a warm run
 * @param warmupRuns         with warmup: unreported runs between the cold and the warm run
 * @param settleSeconds      bound on waiting for the server's CPU to go quiet after connecting
 * @param label              the server's label in the result (e.g. {@code ours-memory})
 * @param workload           the workload's name in the result (e.g. {@code W1})
 * @param json               a file to append JSON result lines to, or null
 */
record LoadOptions(String mode, String host, int port, String pathTemplate, String origin,
        int rooms, int clients, int senders, int msgs, int window, int payload,
        int timeoutSeconds, int lossSeconds,
        int connections, int sourceAddresses, int connectConcurrency, int holdSeconds, int probeSeconds,
        String client, int threads, long pid, boolean warmup, int warmupRuns, int settleSeconds,
        String label, String workload, Path json) {

    static final String USAGE = """
            usage: java -jar channels4j-bench.jar load [fanout|connect|broadcast-server|report] [options]

            fanout (default): every client of every room sends --msgs messages to its room
              /ws/chat/<room>/ as {"message": "..."}, --window in flight each; every client
              receives every message of its room (sender included).
                --rooms 10 --clients 10 --senders <clients> --msgs 100 --window 1 --payload 64
                --timeout 120 (s, messaging phase)   --loss-timeout 5 (s, in-flight message given up)
            connect: --connections N idle connections in one room (or spread over --rooms R,
              the probe then reaching the first room's N/R), spread over --source-addresses K
              (127.0.0.1..K), held --hold s, then one broadcast probe counted for --probe-timeout s.
                --connections 1000 --rooms 1 --source-addresses <N/20000 rounded up> --hold 10
                --probe-timeout 30
            common:
                --host 127.0.0.1 --port 8000 --path /ws/chat/{room}/ --origin http://<host>:<port>
                --client nio|jdk|jws (default nio) --threads 2 --connect-concurrency 200
                --pid <server pid> (CPU, RSS, threads from /proc)  --settle 10 (s)
                --warmup (report a cold run, then a warm run on fresh connections)
                --warmup-runs 0 (with --warmup: runs between cold and warm, not reported,
                  for servers whose JIT needs longer than one run; same for every peer)
                --label <server> --workload <name> --json <file to append result lines to>
            broadcast-server: --port P [--bind 127.0.0.1]: a raw Java-WebSocket server that
              broadcasts every text it receives to every connection (the near-limit yardstick).
            report <results.jsonl> [--machine <markdown file>]: the comparison tables, markdown.
            """;

    /**
     * Parses the options of {@code fanout} and {@code connect}.
     *
     * @param args the arguments after the mode
     * @param mode the mode
     * @return the options
     * @throws IllegalArgumentException naming the bad option and value
     */
    static LoadOptions parse(String mode, List<String> args) {
        Parser p = new Parser(args);
        String host = p.string("--host", "127.0.0.1");
        int port = p.integer("--port", 8000, 1, 65535);
        String path = p.string("--path", "/ws/chat/{room}/");
        String origin = p.string("--origin", "http://" + host + ":" + port);
        int rooms = p.integer("--rooms", mode.equals("connect") ? 1 : 10, 1, 100_000);
        int clients = p.integer("--clients", 10, 1, 100_000);
        int senders = p.integer("--senders", clients, 1, clients);
        int msgs = p.integer("--msgs", 100, 1, 10_000_000);
        int window = p.integer("--window", 1, 1, 100_000);
        int payload = p.integer("--payload", 64, 0, 60_000);
        int timeout = p.integer("--timeout", 120, 1, 86_400);
        int loss = p.integer("--loss-timeout", 5, 1, 3600);
        int connections = p.integer("--connections", 1000, 1, 1_000_000);
        int sources = p.integer("--source-addresses", Math.max(1, (connections + 19_999) / 20_000), 1, 254);
        int concurrency = p.integer("--connect-concurrency", 200, 1, 100_000);
        int hold = p.integer("--hold", 10, 0, 86_400);
        int probe = p.integer("--probe-timeout", 30, 1, 3600);
        String client = p.string("--client", "nio");
        if (!List.of("nio", "jdk", "jws").contains(client)) {
            throw new IllegalArgumentException("--client must be nio, jdk or jws, was '" + client + "'");
        }
        int threads = p.integer("--threads", 2, 1, 64);
        long pid = p.integer("--pid", 0, 0, Integer.MAX_VALUE);
        boolean warmup = p.flag("--warmup");
        int warmupRuns = p.integer("--warmup-runs", 0, 0, 20);
        int settle = p.integer("--settle", 10, 0, 600);
        String label = p.string("--label", host + ":" + port);
        String workload = p.string("--workload", mode);
        String json = p.string("--json", null);
        p.requireAllUsed();
        if ((long) rooms * clients > 1_000_000) {
            throw new IllegalArgumentException("--rooms x --clients must be <= 1,000,000, was " + (long) rooms * clients);
        }
        if ((long) senders * msgs > 100_000_000) {
            throw new IllegalArgumentException("--senders x --msgs must be <= 100,000,000 (the per-client bitmap), was "
                    + (long) senders * msgs);
        }
        if (!path.contains("{room}")) {
            throw new IllegalArgumentException("--path must contain {room}, was '" + path + "'");
        }
        return new LoadOptions(mode, host, port, path, origin, rooms, clients, senders, msgs, window, payload,
                timeout, loss, connections, sources, concurrency, hold, probe, client, threads, pid, warmup, warmupRuns, settle,
                label, workload, json == null ? null : Path.of(json));
    }

    /** @return the server's socket address */
    InetSocketAddress server() {
        return new InetSocketAddress(host, port);
    }

    /** @return the request path of a room */
    String path(String room) {
        return pathTemplate.replace("{room}", room);
    }

    /**
     * @param index a connection's number
     * @return the local address it binds to, or null (any) with one source address
     */
    InetAddress sourceAddress(int index) {
        if (sourceAddresses <= 1) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + index % sourceAddresses)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address cannot be unknown", e);
        }
    }

    /** @return the transport the options name */
    WsClient newClient() {
        return switch (client) {
            case "jdk" -> new JdkWsClient(threads);
            case "jws" -> new JwsClient();
            default -> new NioWsClient(threads);
        };
    }

    /** Options as {@code --name value} pairs, each used once; unknown names are errors. */
    static final class Parser {
        private final List<String> args;
        private final List<String> used = new ArrayList<>();

        Parser(List<String> args) {
            this.args = List.copyOf(args);
        }

        String string(String name, String fallback) {
            int i = args.indexOf(name);
            if (i < 0) {
                return fallback;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            used.add(name);
            used.add(args.get(i + 1));
            return args.get(i + 1);
        }

        int integer(String name, int fallback, int min, int max) {
            String value = string(name, null);
            if (value == null) {
                return fallback;
            }
            int parsed;
            try {
                parsed = Integer.parseInt(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, was '" + value + "'");
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + parsed);
            }
            return parsed;
        }

        boolean flag(String name) {
            if (args.contains(name)) {
                used.add(name);
                return true;
            }
            return false;
        }

        void requireAllUsed() {
            List<String> left = new ArrayList<>(args);
            for (String u : used) {
                left.remove(u);
            }
            if (!left.isEmpty()) {
                throw new IllegalArgumentException("unknown or repeated option(s): " + String.join(" ", left));
            }
        }
    }
}

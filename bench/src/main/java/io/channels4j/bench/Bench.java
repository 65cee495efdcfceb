package io.channels4j.bench;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code channels4j-bench.jar}: the first argument names the tool, the rest are its own.
 *
 * <pre>
 *   java -jar bench/target/channels4j-bench.jar load --help     # WebSocket load generator
 *   java -jar bench/target/channels4j-bench.jar soak --help     # soak run against a chat server
 *   java -jar bench/target/channels4j-bench.jar flat --help     # RSS, heap, threads flat from 1M to 5M deliveries
 *   java -jar bench/target/channels4j-bench.jar jmh [JMH options]
 * </pre>
 */
public final class Bench {
    private static final Map<String, String> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("load", "io.channels4j.bench.load.LoadGenerator");
        TOOLS.put("soak", "io.channels4j.bench.soak.Soak");
        TOOLS.put("flat", "io.channels4j.bench.soak.FlatCheck");
        TOOLS.put("jmh", "org.openjdk.jmh.Main");
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("usage: java -jar channels4j-bench.jar <tool> [options]");
            System.out.println("tools: " + String.join(", ", TOOLS.keySet()));
            return;
        }
        String className = TOOLS.get(args[0]);
        if (className == null) {
            System.err.println("unknown tool: " + args[0] + " (tools: " + String.join(", ", TOOLS.keySet()) + ")");
            System.exit(2);
            return;
        }
        Method main = Class.forName(className).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}

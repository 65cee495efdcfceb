package io.channels4j.bench.soak;

import java.util.Arrays;

/**
 * Command line of the soak ({@code bench/soak}, or {@code java -jar channels4j-bench.jar soak}):
 * runs a {@link SoakRun} with the given {@link SoakOptions}, prints the report as one JSON line
 * and then as a summary on standard output (progress goes to standard error), and exits 0 when
 * every invariant held, 1 when one failed, 2 on bad options, 3 when it could not run (Redis,
 * the server or the clients did not start).
 */
public final class Soak {

    private Soak() {
    }

    /**
     * Runs the soak.
     *
     * @param args see {@link SoakOptions#USAGE}
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(SoakOptions.USAGE);
            return;
        }
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.print(SoakOptions.USAGE);
            System.exit(2);
            return;
        }
        SoakReport report;
        try {
            report = new SoakRun(options, System.err).run();
        } catch (IllegalStateException | java.io.UncheckedIOException | java.io.IOException e) {
            // Redis, the server or the long-lived clients did not start: nothing was measured
            System.err.println("soak: could not run: " + e.getMessage());
            System.exit(3);
            return;
        }
        System.out.println(report.toJson());
        System.out.println();
        System.out.print(report.summary());
        System.out.flush();
        System.exit(report.passed() ? 0 : 1);
    }
}

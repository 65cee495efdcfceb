package io.channels4j.bench.soak;

import java.util.Arrays;

/**
 * Command line of the flatness check ({@code bench/flat}, or {@code java -jar channels4j-bench.jar
 * flat}): runs a {@link FlatRun} with the given {@link FlatOptions} and prints its report (the
 * sample table and one verdict per resource) on standard output, progress on standard error. Exit
 * status: 0, or 1 with {@code --strict} when a resource grew more than allowed or the traffic was
 * incomplete or not clean; 2 on bad options; 3 when it could not run (the server or the clients
 * did not start, or the server could not be measured).
 */
public final class FlatCheck {

    private FlatCheck() {
    }

    /**
     * Runs the check.
     *
     * @param args see {@link FlatOptions#USAGE}
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(FlatOptions.USAGE);
            return;
        }
        FlatOptions options;
        try {
            options = FlatOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("flat: " + e.getMessage());
            System.err.print(FlatOptions.USAGE);
            System.exit(2);
            return;
        }
        FlatReport report;
        try {
            report = new FlatRun(options, System.err).run();
        } catch (IllegalStateException | java.io.UncheckedIOException | java.io.IOException e) {
            System.err.println("flat: could not run: " + e.getMessage());
            System.exit(3);
            return;
        }
        System.out.print(report.summary());
        System.out.flush();
        System.exit(report.exitStatus());
    }
}

package io.channels4j.bench;

import io.channels4j.bench.soak.SoakOptions;
import io.channels4j.bench.soak.SoakReport;
import io.channels4j.bench.soak.SoakRun;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak of issue 7 in the test command: {@code bench/soak}'s run, for {@code soak.duration}
 * (default PT2M; {@code -Dsoak.duration=PT30S} while developing), against the example chat
 * server in its own JVM on a Redis this test starts, kills with SIGKILL midway and restarts.
 * Every acknowledged message reaches every member present around it, nothing is received twice,
 * no connection is closed by the server, bad input is answered with errors, delivery resumes
 * after the restart, and the server's RSS, threads and file descriptors stay flat.
 * {@code -Dsoak.args="--chatters 32 ..."} adds soak options ({@code bench/soak --help}).
 */
class SoakIT {

    @Test
    void soak_losesNothingAcknowledged_closesNothing_andStaysFlat() throws Exception {
        List<String> args = new ArrayList<>(List.of("--duration", System.getProperty("soak.duration", "PT2M")));
        String extra = System.getProperty("soak.args", "").strip();
        if (!extra.isEmpty()) {
            args.addAll(List.of(extra.split("\\s+")));
        }
        SoakOptions options = SoakOptions.parse(args.toArray(String[]::new));

        SoakReport report = new SoakRun(options, System.out).run();

        System.out.println(report.toJson());
        System.out.print(report.summary());
        assertThat(report.failures()).as("failed invariants (the report is printed above)").isEmpty();
        // it was a soak of every kind of traffic, not a quiet room
        assertThat(report.messages().acknowledged()).isGreaterThan(100);
        assertThat(report.messages().expectedDeliveries()).isGreaterThan(300);
        assertThat(report.connections().connects()).isGreaterThan(options.chatters() + 20L);
        assertThat(report.badInput().answered()).isGreaterThan(5);
        if (options.restartsRedis()) {
            assertThat(report.redisOutage().restartedAtSeconds()).isPositive();
        }
        assertThat(report.resources()).allSatisfy(resource -> assertThat(resource.samples()).isGreaterThanOrEqualTo(9));
    }
}

package io.channels4j.bench.soak;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench/flat} with small counts: the example chat server in its own JVM, 50,000
 * deliveries sampled every 10,000 (RSS, heap after a full GC, threads, fds), then the table and
 * the verdicts; and the same on Redis, after which no key of the run's prefix is left.
 */
class FlatIT {

    @Test
    void smallCheck_samplesEveryStep_countsEveryDelivery_andJudgesEachResource() throws Exception {
        FlatOptions options = FlatOptions.parse("--deliveries", "50000", "--step", "10000", "--clients", "20",
                "--max-minutes", "2");

        FlatReport report = new FlatRun(options, System.out).run();

        System.out.print(report.summary());
        assertThat(report.incomplete()).isNull();
        assertThat(report.samples()).extracting(FlatSample::deliveries)
                .containsExactly(0L, 10_000L, 20_000L, 30_000L, 40_000L, 50_000L);
        assertThat(report.traffic().delivered()).isEqualTo(50_000);
        assertThat(report.traffic().sent()).isEqualTo(2_500);
        assertThat(report.traffic().clean()).as("lost, duplicated, out of order, unexpected, closed").isTrue();
        assertThat(report.samples()).allSatisfy(sample -> {
            assertThat(sample.rssKb()).isPositive();
            assertThat(sample.rssAfterGcKb()).isPositive();
            assertThat(sample.heapAfterGcKb()).isPositive().isLessThan(sample.rssKb());
            assertThat(sample.threads()).isGreaterThan(5);
            assertThat(sample.fds()).isGreaterThan(20); // 20 client sockets at least
        });
        assertThat(report.samples().subList(1, 6)).allSatisfy(s -> assertThat(s.deliveriesPerSec()).isPositive());
        assertThat(report.table().lines()).hasSize(7).anySatisfy(line -> assertThat(line).startsWith("      50,000 "));
        // one verdict per resource, 50,000 against 10,000, each by the growth rule
        FlatSample first = report.samples().get(1);
        FlatSample last = report.samples().getLast();
        assertThat(report.verdicts()).extracting(FlatGrowth::what).containsExactly("rss", "heap", "threads", "fds");
        assertThat(report.verdicts()).extracting(FlatGrowth::first)
                .containsExactly(first.rssAfterGcKb(), first.heapAfterGcKb(), (long) first.threads(), (long) first.fds());
        assertThat(report.verdicts()).extracting(FlatGrowth::last)
                .containsExactly(last.rssAfterGcKb(), last.heapAfterGcKb(), (long) last.threads(), (long) last.fds());
        assertThat(report.verdicts()).allSatisfy(v -> assertThat(v.met()).isEqualTo(v.last() * 10 <= v.first() * 11));
        assertThat(report.verdictText()).startsWith("verdict: 50,000 against 10,000 deliveries, growth allowed 10 %")
                .contains("rss", "heap", "threads", "fds");
        assertThat(report.summary()).containsAnyOf("result: FLAT", "result: NOT MET");
        assertThat(report.passed()).isEqualTo(report.allMet());
        assertThat(report.exitStatus()).isZero(); // not --strict
        assertThat(report.redisKeysDeleted()).isEqualTo(-1);
    }

    @Test
    void onRedis_noKeyOfTheRunsPrefixIsLeft() throws Exception {
        Assumptions.assumeTrue(redisListens(), "no Redis on 127.0.0.1:6379");
        FlatOptions options = FlatOptions.parse("--deliveries", "4000", "--step", "2000", "--clients", "10",
                "--rooms", "2", "--layer", "redis://127.0.0.1:6379", "--max-minutes", "2");

        FlatReport report = new FlatRun(options, System.out).run();

        System.out.print(report.summary());
        assertThat(report.incomplete()).isNull();
        assertThat(report.traffic().clean()).isTrue();
        assertThat(report.redisPrefix()).matches("flat[0-9a-f]{8}");
        assertThat(report.redisKeysDeleted()).isNotNegative();
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            List<String> left = jedis.scan(ScanParams.SCAN_POINTER_START,
                    new ScanParams().match(report.redisPrefix() + "*").count(10_000)).getResult();
            assertThat(left).isEmpty();
        }
    }

    private static boolean redisListens() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

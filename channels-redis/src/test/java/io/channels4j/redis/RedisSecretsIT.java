package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A Redis password given in the layer URL ({@code redis://:secret@host:port/0}) never shows: not
 * in the log (slf4j-simple on stderr, captured) through traffic, an outage, the recovery and a
 * refused password, not in exception messages or their causes, not in thread names, not in
 * {@code toString()}. The server is named with the password masked, {@code redis://:***@...}.
 */
class RedisSecretsIT {

    private static final String PASSWORD = "s3cret-Pa55w0rd";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aPasswordInTheUrl_neverAppearsInLogsErrorsThreadNamesOrToString() throws Exception {
        List<String> seen = new ArrayList<>();
        List<ChannelLayer> layers = new ArrayList<>();
        try (RedisProcess redis = RedisProcess.serverWithPassword(PASSWORD); StderrCapture log = new StderrCapture()) {
            String server = "127.0.0.1:" + redis.port() + "/0";
            String masked = "redis://:***@" + server;
            RedisChannelLayer layer = (RedisChannelLayer) ChannelLayers.create(
                    "redis://:" + PASSWORD + "@" + server + "?prefix=secret:&timeout=0.5");
            layers.add(layer);
            RedisPubSubChannelLayer pubSub = (RedisPubSubChannelLayer) ChannelLayers.create(
                    "redis-pubsub://:" + PASSWORD + "@" + server + "?prefix=secretps.&timeout=0.5");
            layers.add(pubSub);
            assertThat(layer.toString()).contains(masked);
            assertThat(layer.hosts()).containsExactly(masked);
            assertThat(pubSub.toString()).contains(masked);
            seen.add(layer.toString());
            seen.add(pubSub.toString());

            // traffic: the password is used, so both layers work
            String channel = layer.newChannel();
            LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            layer.subscribe(channel, inbox::offer);
            layer.groupAdd("room", channel);
            layer.groupSend("room", Message.of("type", "hello"));
            assertThat(inbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "hello"));
            String psChannel = pubSub.newChannel();
            pubSub.groupAdd("room", psChannel);
            pubSub.groupSend("room", Message.of("type", "hello"));
            assertThat(pubSub.receive(psChannel, Duration.ofSeconds(5))).isEqualTo(Message.of("type", "hello"));

            // an outage: failing calls, the receive loop's and the subscriber's warnings
            redis.kill();
            Throwable failed = catchThrowable(() -> layer.groupSend("room", Message.of("type", "lost")));
            assertThat(failed).isInstanceOf(ChannelLayerException.class).hasMessageContaining(masked);
            seen.add(stackTrace(failed));
            Throwable psFailed = catchThrowable(() -> pubSub.groupSend("room", Message.of("type", "lost")));
            assertThat(psFailed).isInstanceOf(ChannelLayerException.class).hasMessageContaining(masked);
            seen.add(stackTrace(psFailed));
            await("the outage is logged").atMost(WAIT)
                    .until(() -> log.text().contains("receive loop") && log.text().contains("subscriber connection"));

            // the recovery: the keeper logs the restart it repaired
            redis.start();
            await("the restart is logged").atMost(WAIT).until(() -> log.text().contains("restarted"));
            layer.groupSend("room", Message.of("type", "again"));
            assertThat(inbox.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.of("type", "again"));
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                seen.add(thread.getName());
            }

            // a refused password, and a Sentinel URL whose sentinels are unreachable
            ChannelLayer wrong = ChannelLayers.create("redis://:wrong-" + PASSWORD + "@" + server + "?prefix=secret:");
            layers.add(wrong);
            Throwable refused = catchThrowable(() -> wrong.groupSend("room", Message.of("type", "x")));
            assertThat(refused).isInstanceOf(ChannelLayerException.class).hasMessageContaining("redis://:***@");
            seen.add(stackTrace(refused));
            Throwable sentinel = catchThrowable(() -> ChannelLayers.create(
                    "redis-sentinel://:" + PASSWORD + "@127.0.0.1:1/mymaster/0?timeout=0.5"));
            assertThat(sentinel).isInstanceOf(ChannelLayerException.class);
            seen.add(stackTrace(sentinel));

            RedisProcess.closeAll(layers);
            String everything = log.text() + "\n" + String.join("\n", seen);
            assertThat(everything).contains(masked).doesNotContain(PASSWORD);
        } finally {
            RedisProcess.closeAll(layers);
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.Subscription;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The layer on a Sentinel-managed master: one master redis-server and one sentinel, both on
 * their own loopback ports; the layer is configured with the builder and with a
 * {@code redis-sentinel://} URL, and finds the master through the sentinel.
 */
class SentinelIT {

    private static final String MASTER = "mymaster";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static RedisProcess master;
    private static RedisProcess sentinel;

    private final String prefix = "sentinel" + Long.toHexString(System.nanoTime()) + ":";
    private final List<ChannelLayer> layers = new ArrayList<>();

    @BeforeAll
    static void start() {
        try {
            master = RedisProcess.server();
            sentinel = RedisProcess.sentinel(MASTER, master.port());
            try (Jedis jedis = sentinel.client()) {
                await("the sentinel knows the master").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> String.valueOf(master.port()).equals(
                                jedis.sentinelGetMasterAddrByName(MASTER).get(1)));
            }
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (sentinel != null) {
                sentinel.close();
            }
        } finally {
            if (master != null) {
                master.close();
            }
        }
    }

    @AfterEach
    void cleanUp() {
        RedisProcess.closeAll(layers);
        try (Jedis jedis = master.client()) {
            for (String key : jedis.keys(prefix + "*")) {
                jedis.del(key);
            }
        }
    }

    private RedisChannelLayer builtLayer() {
        RedisChannelLayer layer = RedisChannelLayer.builder()
                .sentinel(MASTER, List.of("127.0.0.1:" + sentinel.port()), 0, null)
                .prefix(prefix)
                .timeout(Duration.ofSeconds(2))
                .build();
        layers.add(layer);
        return layer;
    }

    private ChannelLayer urlLayer() {
        ChannelLayer layer = ChannelLayers.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "/" + MASTER
                + "/0?prefix=" + prefix);
        layers.add(layer);
        return layer;
    }

    @Test
    void builderLayer_sendsReceivesAndGroupSendsThroughTheSentinelsMaster() throws Exception {
        RedisChannelLayer layer = builtLayer();
        assertThat(layer.hosts()).singleElement().asString().contains(MASTER);
        exercise(layer, builtLayer());
    }

    @Test
    void urlLayer_sendsReceivesAndGroupSendsThroughTheSentinelsMaster() throws Exception {
        ChannelLayer layer = urlLayer();
        assertThat(layer).isInstanceOf(RedisChannelLayer.class);
        assertThat(((RedisChannelLayer) layer).prefix()).isEqualTo(prefix);
        exercise(layer, urlLayer());
    }

    @Test
    void builderAndUrlLayers_shareOneMaster() throws Exception {
        exercise(builtLayer(), urlLayer());
    }

    @Test
    void close_endsTheSentinelListenerAndReceiveThreads() throws Exception {
        String listener = "MasterListener-" + MASTER + "-[127.0.0.1:" + sentinel.port() + "]";
        RedisChannelLayer layer = builtLayer();
        Subscription subscription = layer.subscribe(layer.newChannel(), m -> true);
        assertThat(threads(listener)).isEqualTo(1);
        assertThat(threads("channels4j-redis-receive-sentinel:" + MASTER)).isEqualTo(1);
        subscription.close();
        layer.close();
        await("the layer's threads end").atMost(Duration.ofSeconds(10))
                .until(() -> threads(listener) + threads("channels4j-redis-receive-sentinel:" + MASTER) == 0);
    }

    @Test
    void masterDown_operationsFailFastWithChannelLayerException_namingTheSentinelMaster() {
        RedisChannelLayer layer = RedisChannelLayer.builder()
                .sentinel(MASTER, List.of("127.0.0.1:" + sentinel.port()), 0, null)
                .prefix(prefix).timeout(Duration.ofMillis(500)).build();
        layers.add(layer);
        layer.send("sentinel-jobs", Message.of("type", "warm.up"));
        master.stop();
        try {
            // well under the sentinel's down-after-milliseconds: no failover is attempted
            long start = System.nanoTime();
            assertThatThrownBy(() -> layer.send("sentinel-jobs", Message.of("type", "x")))
                    .isInstanceOf(ChannelLayerException.class).hasMessageContaining(MASTER);
            assertThatThrownBy(() -> layer.groupSend("sentinel-room", Message.of("type", "x")))
                    .isInstanceOf(ChannelLayerException.class).hasMessageContaining(MASTER);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            master.start();
        }
    }

    @Test
    void noSentinelReachable_failsWithChannelLayerException_namingTheSentinel() throws Exception {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = socket.getLocalPort();
        }
        Throwable thrown = catchThrowable(() -> {
            RedisChannelLayer layer = RedisChannelLayer.builder()
                    .sentinel(MASTER, List.of("127.0.0.1:" + nobody), 0, null)
                    .prefix(prefix).timeout(Duration.ofMillis(500)).build();
            layers.add(layer);
            layer.send("sentinel-jobs", Message.of("type", "x"));
        });
        assertThat(thrown).isInstanceOf(ChannelLayerException.class).hasMessageContaining("127.0.0.1:" + nobody);
    }

    private static long threads(String namePrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(namePrefix))
                .count();
    }

    /** Named channel, process-local channel of another instance, and a group, from a to b. */
    private void exercise(ChannelLayer a, ChannelLayer b) throws Exception {
        // a named channel: the message waits on the master itself
        a.send("sentinel-jobs", Message.of("type", "job", "n", 1));
        try (Jedis jedis = master.client()) {
            assertThat(jedis.zcard(prefix + "sentinel-jobs")).isEqualTo(1);
        }
        assertThat(b.receive("sentinel-jobs", WAIT)).isEqualTo(Message.of("type", "job", "n", 1));

        // a process-local channel of the other instance, subscribed
        String channel = b.newChannel();
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Subscription subscription = b.subscribe(channel, inbox::offer);
        try {
            a.send(channel, Message.of("type", "direct", "n", 2));
            assertThat(inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Message.of("type", "direct", "n", 2));

            // a group with members on both instances
            String own = a.newChannel();
            a.groupAdd("sentinel-room", own);
            b.groupAdd("sentinel-room", channel);
            try (Jedis jedis = master.client()) {
                assertThat(jedis.zcard(prefix + ":group:sentinel-room")).isEqualTo(2);
            }
            a.groupSend("sentinel-room", Message.of("type", "group", "n", 3));
            assertThat(inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Message.of("type", "group", "n", 3));
            assertThat(a.receive(own, WAIT)).isEqualTo(Message.of("type", "group", "n", 3));
        } finally {
            subscription.close();
        }
    }
}

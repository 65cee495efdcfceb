package io.channels4j.redis;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.Subscription;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three redis-server processes as three shards: names land where channels_redis's CRC32 ring
 * puts them, a process-local channel is sharded by its non-local part for both send and receive,
 * group sends fan out across shards, and Python's channels_redis 4.0 with the same three hosts
 * interoperates.
 */
class ShardingIT {

    private static final int SHARDS = 3;
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final List<RedisProcess> servers = new ArrayList<>();
    private static Path script;

    private final String prefix = "shard" + Long.toHexString(System.nanoTime()) + ":";
    private final List<RedisChannelLayer> layers = new ArrayList<>();

    @BeforeAll
    static void startServers() throws IOException {
        try {
            for (int i = 0; i < SHARDS; i++) {
                servers.add(RedisProcess.server());
            }
        } catch (RuntimeException | Error e) {
            stopServers();
            throw e;
        }
        script = Files.createTempFile("channels_redis_sharded_peer", ".py");
        try (var in = ShardingIT.class.getResourceAsStream("/channels_redis_sharded_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    @AfterAll
    static void stopServers() throws IOException {
        try {
            servers.forEach(RedisProcess::close);
            servers.clear();
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
    }

    @AfterEach
    void cleanUp() {
        RedisProcess.closeAll(layers);
        for (RedisProcess server : servers) {
            try (Jedis jedis = server.client()) {
                for (String key : jedis.keys(prefix + "*")) {
                    jedis.del(key);
                }
            }
        }
    }

    private RedisChannelLayer layer() {
        RedisChannelLayerBuilder builder = RedisChannelLayer.builder().prefix(prefix).timeout(Duration.ofSeconds(2));
        servers.forEach(s -> builder.host(s.url()));
        RedisChannelLayer layer = builder.build();
        layers.add(layer);
        return layer;
    }

    /**
     * A layer whose process queue ({@code specific.<client prefix>!}) lives on the given shard.
     * Building a layer does no I/O, so this just tries random client prefixes.
     */
    private RedisChannelLayer layerWithQueueOn(int shard) {
        for (int i = 0; i < 200; i++) {
            RedisChannelLayer layer = layer();
            if (ConsistentHash.shard(ChannelNames.nonLocalName(layer.newChannel()), SHARDS) == shard) {
                return layer;
            }
        }
        throw new AssertionError("no client prefix hashed to shard " + shard + " in 200 tries");
    }

    /**
     * A new channel of the layer whose full name hashes to another shard than its non-local part:
     * where a send that hashed the full name (channels_redis bug B1) would go wrong.
     */
    private static String channelNotOnItsQueueShard(RedisChannelLayer layer) {
        for (int i = 0; i < 200; i++) {
            String channel = layer.newChannel();
            if (ConsistentHash.shard(channel, SHARDS) != ConsistentHash.shard(ChannelNames.nonLocalName(channel), SHARDS)) {
                return channel;
            }
        }
        throw new AssertionError("no channel name hashed off its queue's shard in 200 tries");
    }

    /** @return the indexes of the servers that hold the key */
    private static List<Integer> holders(String key) {
        List<Integer> holders = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            try (Jedis jedis = servers.get(i).client()) {
                if (jedis.exists(key)) {
                    holders.add(i);
                }
            }
        }
        return holders;
    }

    private static long zcard(int shard, String key) {
        try (Jedis jedis = servers.get(shard).client()) {
            return jedis.zcard(key);
        }
    }

    /** A group name (letters, digits, hyphens) that hashes to the shard. */
    private static String groupOn(int shard, String base) {
        for (int i = 0; i < 1000; i++) {
            String name = base + "-" + i;
            if (ConsistentHash.shard(name, SHARDS) == shard) {
                return name;
            }
        }
        throw new AssertionError("no group name for shard " + shard);
    }

    // ------------------------------------------------------------------ placement

    @Test
    void groupsLiveOnTheShardTheirNameHashesTo() {
        RedisChannelLayer layer = layer();
        String channel = layer.newChannel();
        // reference placements computed with channels_redis's _consistent_hash for three hosts
        List<String> groups = List.of("chat", "lobby", groupOn(2, "room"));
        List<Integer> expected = List.of(0, 1, 2);
        for (int i = 0; i < groups.size(); i++) {
            layer.groupAdd(groups.get(i), channel);
            String key = prefix + ":group:" + groups.get(i);
            assertThat(holders(key)).as(key).containsExactly(expected.get(i));
            assertThat(zcard(expected.get(i), key)).isEqualTo(1);
        }
        for (int i = 0; i < groups.size(); i++) {
            layer.groupDiscard(groups.get(i), channel);
            assertThat(zcard(expected.get(i), prefix + ":group:" + groups.get(i))).isZero();
        }
    }

    @Test
    void aProcessLocalChannel_isSentToAndReceivedFromTheShardOfItsNonLocalPart() throws Exception {
        RedisChannelLayer sender = layer();
        for (int shard = 0; shard < SHARDS; shard++) {
            RedisChannelLayer receiver = layerWithQueueOn(shard);
            String channel = channelNotOnItsQueueShard(receiver);
            String queue = prefix + ChannelNames.nonLocalName(channel);
            Message message = Message.of("type", "direct", "shard", shard);

            sender.send(channel, message);

            assertThat(holders(queue)).as("the queue of %s", channel).containsExactly(shard);
            assertThat(zcard(shard, queue)).isEqualTo(1);
            assertThat(receiver.receive(channel, WAIT)).isEqualTo(message);
            assertThat(holders(queue)).as("popped").isEmpty();
        }
    }

    @Test
    void groupSend_fansOutAcrossShards_andEveryMemberReceivesOnce() throws Exception {
        RedisChannelLayer sender = layer();
        String group = "chat"; // shard 0
        List<RedisChannelLayer> receivers = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            RedisChannelLayer receiver = layerWithQueueOn(shard);
            receivers.add(receiver);
            channels.add(receiver.newChannel());
        }
        // a second member behind shard 1's queue: one copy per queue key, naming both channels
        String sibling = receivers.get(1).newChannel();
        String worker = "worker-" + Long.toHexString(System.nanoTime());
        for (int i = 0; i < SHARDS; i++) {
            receivers.get(i).groupAdd(group, channels.get(i));
        }
        receivers.get(1).groupAdd(group, sibling);
        sender.groupAdd(group, worker);

        Message message = Message.of("type", "fan.out", "text", "to all shards");
        sender.groupSend(group, message);

        for (int shard = 0; shard < SHARDS; shard++) {
            String queue = prefix + ChannelNames.nonLocalName(channels.get(shard));
            assertThat(holders(queue)).as("queue of receiver %d", shard).containsExactly(shard);
            assertThat(zcard(shard, queue)).as("one copy per queue key").isEqualTo(1);
        }
        assertThat(holders(prefix + worker)).containsExactly(ConsistentHash.shard(worker, SHARDS));

        for (int shard = 0; shard < SHARDS; shard++) {
            assertThat(receivers.get(shard).receive(channels.get(shard), WAIT)).as("receiver %d", shard)
                    .isEqualTo(message);
        }
        assertThat(receivers.get(1).receive(sibling, WAIT)).isEqualTo(message);
        assertThat(sender.receive(worker, WAIT)).isEqualTo(message);

        // exactly once each
        for (int shard = 0; shard < SHARDS; shard++) {
            assertThat(receivers.get(shard).receive(channels.get(shard), Duration.ofMillis(200))).isNull();
        }
        assertThat(receivers.get(1).receive(sibling, Duration.ofMillis(200))).isNull();
        assertThat(sender.receive(worker, Duration.ofMillis(200))).isNull();
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Jedis jedis = servers.get(shard).client()) {
                assertThat(jedis.keys(prefix + "specific.*")).as("shard %d left over", shard).isEmpty();
            }
        }
    }

    @Test
    void flush_deletesTheLayersKeysOnEveryShard() {
        RedisChannelLayer layer = layer();
        String channel = layer.newChannel();
        List<String> groups = List.of("chat", "lobby", groupOn(2, "room"));
        groups.forEach(g -> layer.groupAdd(g, channel));
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Jedis jedis = servers.get(shard).client()) {
                assertThat(jedis.keys(prefix + "*")).as("shard %d", shard).hasSize(1);
            }
        }
        layer.flush();
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Jedis jedis = servers.get(shard).client()) {
                assertThat(jedis.keys(prefix + "*")).as("shard %d", shard).isEmpty();
            }
        }
    }

    @Test
    void oneShardDown_onlyWhatLivesOnItFails_withAnErrorNamingThatShard() throws Exception {
        RedisChannelLayerBuilder builder = RedisChannelLayer.builder().prefix(prefix).timeout(Duration.ofMillis(500));
        servers.forEach(s -> builder.host(s.url()));
        RedisChannelLayer layer = builder.build();
        layers.add(layer);
        RedisChannelLayer receiverOn0 = layerWithQueueOn(0);
        RedisChannelLayer receiverOn2 = layerWithQueueOn(2);
        String channelOn0 = receiverOn0.newChannel();
        String channelOn2 = receiverOn2.newChannel();
        String down = "127.0.0.1:" + servers.get(2).port();

        servers.get(2).stop();
        try {
            layer.groupAdd("chat", channelOn0); // shard 0
            layer.groupAdd("lobby", channelOn0); // shard 1
            assertThatThrownBy(() -> layer.groupAdd(groupOn(2, "room"), channelOn0))
                    .isInstanceOf(ChannelLayerException.class).hasMessageContaining(down);

            layer.send(channelOn0, Message.of("type", "ok"));
            assertThat(receiverOn0.receive(channelOn0, WAIT)).isEqualTo(Message.of("type", "ok"));
            assertThatThrownBy(() -> layer.send(channelOn2, Message.of("type", "lost")))
                    .isInstanceOf(ChannelLayerException.class).hasMessageContaining(down);

            // the group lives on shard 0, one member's queue on the stopped shard 2
            layer.groupAdd("chat", channelOn2);
            assertThatThrownBy(() -> layer.groupSend("chat", Message.of("type", "partial")))
                    .isInstanceOf(ChannelLayerException.class).hasMessageContaining(down);
        } finally {
            servers.get(2).start();
        }
    }

    // ------------------------------------------------------------------ Python, same three hosts

    @Test
    void pythonGroupSend_withTheSameHosts_reachesJavaChannelsOnEveryShard() throws Exception {
        String group = "lobby"; // shard 1
        List<LinkedBlockingQueue<Message>> inboxes = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            for (int shard = 0; shard < SHARDS; shard++) {
                RedisChannelLayer receiver = layerWithQueueOn(shard);
                String channel = receiver.newChannel();
                receiver.groupAdd(group, channel);
                LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
                subscriptions.add(receiver.subscribe(channel, inbox::offer));
                inboxes.add(inbox);
            }
            try (PythonPeer peer = python("group-send", group)) {
                peer.expect("SENT");
            }
            Message expected = Message.of("type", "sharded.message", "text", "from python", "n", 3);
            for (int shard = 0; shard < SHARDS; shard++) {
                assertThat(inboxes.get(shard).poll(10, TimeUnit.SECONDS)).as("receiver on shard %d", shard)
                        .isEqualTo(expected);
                assertThat(inboxes.get(shard).poll(200, TimeUnit.MILLISECONDS)).isNull();
            }
        } finally {
            subscriptions.forEach(Subscription::close);
        }
    }

    @Test
    void javaGroupSend_withTheSameHosts_reachesAPythonReceiver() throws Exception {
        RedisChannelLayer layer = layer();
        String group = groupOn(2, "py");
        Message message = Message.of("type", "sharded.message", "text", "from java", "n", 7);
        try (PythonPeer peer = python("receive-group", group)) {
            String channel = peer.expect("READY ").substring(6);
            assertThat(channel).startsWith("specific.").contains("!");
            assertThat(holders(prefix + ":group:" + group)).containsExactly(2);
            layer.groupSend(group, message);
            assertThat(fromJson(peer.expect("{"))).isEqualTo(message);
        }
    }

    @Test
    void javaSend_toAPythonProcessLocalChannel_landsWherePythonReceives() throws Exception {
        RedisChannelLayer layer = layer();
        Message message = Message.of("type", "sharded.message", "text", "direct from java", "n", 9);
        try (PythonPeer peer = python("receive-new", "unused")) {
            String channel = peer.expect("READY ").substring(6);
            layer.send(channel, message);
            assertThat(fromJson(peer.expect("{"))).isEqualTo(message);
        }
    }

    private static Message fromJson(String line) {
        JsonNode node = Json.parse(line);
        return Message.of("type", node.get("type").asText(), "text", node.get("text").asText(),
                "n", node.get("n").asInt());
    }

    private PythonPeer python(String mode, String name) throws IOException {
        String hosts = servers.stream().map(RedisProcess::url).collect(Collectors.joining(","));
        return new PythonPeer(List.of(PYTHON, script.toString(), mode, hosts, prefix, name));
    }
}

package io.channels4j.redis;

import io.channels4j.Message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What receiving costs in Redis round trips, with Redis itself as the witness: a redis-server of
 * this test's own, whose {@code INFO stats} counts the reads it processed from clients
 * ({@code total_reads_processed}: one per request a client sends, a pipeline being one request)
 * and whose {@code INFO commandstats} counts commands ({@code bzpopmin} when it is run, blocking
 * or not). The target: a receive on a normal channel, and a wake-up of the receive loop of
 * process-local channels, cost one round trip each; so every round trip of a receiver carries
 * exactly one {@code BZPOPMIN}, whether it is served or times out.
 *
 * <p>How the reads are attributed: each snapshot is two witness requests ({@code INFO
 * commandstats}, {@code INFO stats}); a send is one script call; a poll of the witness while the
 * test waits is one request, counted here. Nothing else talks to this Redis: the layers start no
 * group keeper (no group is used) and a receive loop only where a test receives on a
 * process-local channel.
 *
 * <p>Also here, the {@code $inflight} protocol of channels_redis 4.0 as this layer keeps it (a
 * receive restores the backups a cancelled channels_redis receive leaves, and writes none), and
 * what an interrupted receive does.
 */
class ReceiveRoundTripIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Message MESSAGE = Message.of("type", "job", "text", "round trips");
    /** Requests one {@link #snapshot()} sends. */
    private static final int SNAPSHOT_READS = 2;
    /** A send is one script call. */
    private static final int SEND_READS = 1;

    private static RedisProcess redis;

    private final String prefix = TestRedis.uniquePrefix();
    private final List<RedisChannelLayer> layers = new ArrayList<>();
    private Jedis witness;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.server();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void connectWitness() {
        witness = redis.client();
    }

    @AfterEach
    void cleanUp() {
        RedisProcess.closeAll(layers);
        try {
            for (String key : witness.keys(prefix + "*")) {
                witness.del(key);
            }
        } finally {
            witness.close();
        }
    }

    private RedisChannelLayer layer() {
        RedisChannelLayer layer = RedisChannelLayer.builder().host(redis.url()).prefix(prefix)
                .timeout(Duration.ofSeconds(5)).build();
        layers.add(layer);
        return layer;
    }

    /** What Redis has counted so far: reads processed and calls by command. */
    private record Snapshot(long reads, Map<String, Long> calls) {

        /** Commands run since {@code before}, by name, without the witness's own {@code info}. */
        Map<String, Long> commandsSince(Snapshot before) {
            Map<String, Long> delta = new TreeMap<>();
            calls.forEach((command, count) -> {
                long added = count - before.calls.getOrDefault(command, 0L);
                if (added > 0 && !command.equals("info")) {
                    delta.put(command, added);
                }
            });
            return delta;
        }

        long callsSince(Snapshot before, String command) {
            return calls.getOrDefault(command, 0L) - before.calls.getOrDefault(command, 0L);
        }
    }

    private Snapshot snapshot() {
        Map<String, Long> calls = RedisCommandStats.calls(witness);
        long reads = RedisCommandStats.readsProcessed(witness);
        assertThat(reads).as("total_reads_processed in INFO stats (Redis 6+)").isNotNegative();
        return new Snapshot(reads, calls);
    }

    /** Waits until some client is blocked in a pop; returns how many witness requests that took. */
    private int awaitBlockedPop() {
        AtomicInteger polls = new AtomicInteger();
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
            polls.incrementAndGet();
            return witness.clientList().lines().anyMatch(client -> client.contains(" flags=b ")
                    && client.contains(" cmd=bzpopmin "));
        });
        return polls.get();
    }

    /** Sends and receives one message on a normal channel: loads the scripts, opens the connections. */
    private static void warmUp(RedisChannelLayer sender, RedisChannelLayer receiver, String channel)
            throws InterruptedException {
        sender.send(channel, MESSAGE);
        assertThat(receiver.receive(channel, WAIT)).as("warm-up message").isEqualTo(MESSAGE);
    }

    private boolean exists(String name) {
        return witness.exists((prefix + name).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void receive_ofAWaitingMessage_isOneRoundTrip_restoreAndPop_andWritesNoBackup() throws InterruptedException {
        RedisChannelLayer sender = layer();
        RedisChannelLayer receiver = layer();
        warmUp(sender, receiver, "jobs");
        sender.send("jobs", MESSAGE);

        Snapshot before = snapshot();
        Message received = receiver.receive("jobs", WAIT);
        Snapshot after = snapshot();

        assertThat(received).isEqualTo(MESSAGE);
        Map<String, Long> commands = after.commandsSince(before);
        assertThat(after.reads() - before.reads() - SNAPSHOT_READS)
                .as("round trips of one receive of a waiting message (commands: %s)", commands).isEqualTo(1);
        // channels_redis's restore script (ZRANGE of the backup, DEL), then the pop: no backup write
        assertThat(commands).as("commands of one receive")
                .isEqualTo(Map.of("evalsha", 1L, "zrange", 1L, "del", 1L, "bzpopmin", 1L));
        assertThat(exists("jobs$inflight")).as("an $inflight backup left behind").isFalse();
    }

    @Test
    void receive_thatWaitsForTheMessage_costsOneRoundTripPerPop() throws Exception {
        RedisChannelLayer sender = layer();
        RedisChannelLayer receiver = layer();
        warmUp(sender, receiver, "jobs");

        Snapshot before = snapshot();
        CompletableFuture<Message> received = new CompletableFuture<>();
        Thread.ofPlatform().name("round-trip-receiver").start(() -> {
            try {
                received.complete(receiver.receive("jobs", WAIT));
            } catch (Throwable e) {
                received.completeExceptionally(e);
            }
        });
        int polls = awaitBlockedPop();
        sender.send("jobs", MESSAGE);
        assertThat(received.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(MESSAGE);
        Snapshot after = snapshot();

        Map<String, Long> commands = after.commandsSince(before);
        long pops = after.callsSince(before, "bzpopmin");
        long receiverReads = after.reads() - before.reads() - SNAPSHOT_READS - polls - SEND_READS;
        assertThat(pops).as("pops (commands: %s)", commands).isPositive();
        assertThat(receiverReads).as("round trips of the receiver, one per pop (commands: %s)", commands)
                .isEqualTo(pops);
        assertThat(after.callsSince(before, "evalsha")).as("scripts: the send and one restore per pop")
                .isEqualTo(SEND_READS + pops);
        assertThat(after.callsSince(before, "zadd")).as("ZADDs: the send's only, no backup").isEqualTo(1);
        assertThat(after.callsSince(before, "zpopmin")).as("ZPOPMINs (a backup's acknowledgement)").isZero();
    }

    @Test
    void receiveLoopOfProcessLocalChannels_wakeUp_isOneRoundTrip() throws Exception {
        RedisChannelLayer sender = layer();
        RedisChannelLayer receiver = layer();
        String channel = receiver.newChannel();
        sender.send(channel, MESSAGE);
        assertThat(receiver.receive(channel, WAIT)).as("warm-up message, starts the receive loop").isEqualTo(MESSAGE);
        awaitBlockedPop(); // the loop waits for the next message

        Snapshot before = snapshot();
        sender.send(channel, MESSAGE);
        assertThat(receiver.receive(channel, WAIT)).isEqualTo(MESSAGE);
        // the loop has routed the message (so it ran every command of that wake-up); wait until it pops again
        AtomicInteger polls = new AtomicInteger();
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
            polls.incrementAndGet();
            return snapshot().callsSince(before, "bzpopmin") >= 1;
        });
        Snapshot after = snapshot();

        Map<String, Long> commands = after.commandsSince(before);
        long pops = after.callsSince(before, "bzpopmin");
        long loopReads = after.reads() - before.reads() - SNAPSHOT_READS * (polls.get() + 1L) - SEND_READS;
        assertThat(loopReads).as("round trips of the receive loop, one per wake-up, each with its one BZPOPMIN "
                + "(commands: %s)", commands).isEqualTo(pops);
    }

    @Test
    void receive_restoresTheBackupOfACancelledChannelsRedisReceive() throws InterruptedException {
        RedisChannelLayer sender = layer();
        RedisChannelLayer receiver = layer();
        sender.send("jobs", MESSAGE);
        // what a channels_redis receive cancelled after backing up its pop leaves: the message in
        // "<queue>$inflight", with its score, and no longer in the queue
        byte[] queue = (prefix + "jobs").getBytes(StandardCharsets.UTF_8);
        Tuple popped = witness.zpopmin(queue);
        witness.zadd((prefix + "jobs$inflight").getBytes(StandardCharsets.UTF_8), popped.getScore(),
                popped.getBinaryElement());
        assertThat(exists("jobs")).as("the queue after the cancelled receive").isFalse();

        assertThat(receiver.receive("jobs", WAIT)).as("the restored message").isEqualTo(MESSAGE);
        assertThat(exists("jobs$inflight")).as("the backup after the restore").isFalse();
        assertThat(receiver.receive("jobs", Duration.ofMillis(50))).as("a second copy").isNull();
    }

    @Test
    void receive_interruptedWhileWaiting_throwsInterruptedException_andTheLayerStillReceives() throws Exception {
        RedisChannelLayer sender = layer();
        RedisChannelLayer receiver = layer();
        warmUp(sender, receiver, "jobs");
        for (Thread.Builder builder : List.of(Thread.ofVirtual().name("interrupted-virtual-receiver"),
                Thread.ofPlatform().name("interrupted-platform-receiver"))) {
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread thread = builder.start(() -> {
                try {
                    outcome.set(receiver.receive("jobs", WAIT));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            awaitBlockedPop();
            thread.interrupt();
            assertThat(thread.join(WAIT)).as("%s ended", thread.getName()).isTrue();
            assertThat(outcome.get()).as("what the receive on %s ended with", thread.getName())
                    .isInstanceOf(InterruptedException.class);

            sender.send("jobs", MESSAGE);
            assertThat(receiver.receive("jobs", WAIT)).as("the next message after %s", thread.getName())
                    .isEqualTo(MESSAGE);
        }
        assertThat(Set.copyOf(witness.keys(prefix + "*"))).as("keys left").isEmpty();
    }
}

package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelNames;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one {@code groupSend} costs in Redis, with Redis itself as the witness: a redis-server of
 * this test's own (no other client adds commands) and its {@code INFO commandstats} read before
 * and after one group send. A group's members are process-local channels, so however many there
 * are, a process should cost one stored copy and one script call, never one command per member.
 *
 * <p>How the counts read: {@code commandstats} counts a script's call ({@code evalsha}, or
 * {@code eval} on first use) and also every command the script runs. Scripts cannot call
 * {@code eval}/{@code evalsha}, so their calls are exactly the scripts clients sent; everything
 * else must be the same for a group of 1 as for a group of 100. Ignored: {@code info} (the
 * witness's own reads, and a layer's once-a-second check that Redis did not restart), the
 * blocking pops of receive loops, which wake every second, and the set-up of a new pooled
 * connection ({@code CLIENT SETNAME}: a receive loop started in the warm-up may still be taking
 * its connection).
 */
class GroupSendRoundTripIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** INFO (the witness, restart checks), receive loops' pops, connection set-up (once per connection). */
    private static final Set<String> NOT_THE_SENDERS = Set.of("info", "bzpopmin", "zpopmin", "bzmpop", "zmpop",
            "client|setname", "hello", "auth", "select");
    private static final Message MESSAGE = Message.of("type", "chat.message", "message", "hello");

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
        return layer(builder -> builder);
    }

    private RedisChannelLayer layer(UnaryOperator<RedisChannelLayerBuilder> configuration) {
        RedisChannelLayer layer = configuration.apply(RedisChannelLayer.builder().host(redis.url()).prefix(prefix)
                .timeout(Duration.ofSeconds(5))).build();
        layers.add(layer);
        return layer;
    }

    /** Creates {@code size} channels of {@code holder} and adds them to the group. */
    private static List<String> members(RedisChannelLayer holder, String group, int size) {
        List<String> channels = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String channel = holder.newChannel();
            holder.groupAdd(group, channel);
            channels.add(channel);
        }
        return channels;
    }

    /** Loads the layer's group scripts into Redis, so first-use EVAL fallbacks stay out of the counts. */
    private void warmUp(RedisChannelLayer sender) throws InterruptedException {
        warmUp(sender, builder -> builder);
    }

    private void warmUp(RedisChannelLayer sender, UnaryOperator<RedisChannelLayerBuilder> configuration)
            throws InterruptedException {
        RedisChannelLayer other = layer(configuration);
        String theirs = members(other, "warm-up", 1).get(0);
        String mine = members(sender, "warm-up", 1).get(0);
        sender.groupSend("warm-up", MESSAGE);
        assertThat(other.receive(theirs, WAIT)).as("warm-up message in another process").isEqualTo(MESSAGE);
        assertThat(sender.receive(mine, WAIT)).as("warm-up message in the sender's process").isEqualTo(MESSAGE);
    }

    /** The commands Redis ran for one group send, by name ({@code evalsha}, {@code zadd}, ...). */
    private Map<String, Long> commandsOf(RedisChannelLayer sender, String group) {
        Map<String, Long> before = RedisCommandStats.calls(witness);
        sender.groupSend(group, MESSAGE);
        Map<String, Long> after = RedisCommandStats.calls(witness);
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((command, calls) -> {
            long added = calls - before.getOrDefault(command, 0L);
            if (added > 0 && !NOT_THE_SENDERS.contains(command)) {
                delta.put(command, added);
            }
        });
        return delta;
    }

    private static long scriptCalls(Map<String, Long> commands) {
        return commands.getOrDefault("evalsha", 0L) + commands.getOrDefault("eval", 0L);
    }

    /** How many messages wait in the queue of a process-local channel's process (one sorted set per process). */
    private long queued(String channel) {
        return witness.zcard(prefix + ChannelNames.nonLocalName(channel));
    }

    private static void assertEveryMemberReceives(RedisChannelLayer holder, List<String> channels) throws InterruptedException {
        for (String channel : channels) {
            assertThat(holder.receive(channel, WAIT)).as("the group message on %s", channel).isEqualTo(MESSAGE);
        }
    }

    @Test
    void groupSend_toMembersAllHeldByAnotherProcess_isOneScriptCallAndOneStoredCopy_whateverTheGroupSize()
            throws InterruptedException {
        RedisChannelLayer sender = layer();
        warmUp(sender);
        Map<Integer, Map<String, Long>> commandsBySize = new TreeMap<>();
        for (int size : List.of(1, 10, 100)) {
            RedisChannelLayer holder = layer(); // its receive loop starts only when it receives, below
            String group = "room-" + size;
            List<String> channels = members(holder, group, size);

            Map<String, Long> commands = commandsOf(sender, group);

            assertThat(scriptCalls(commands))
                    .as("scripts Redis ran for a group send to %d members held by one other process: "
                            + "the members read and the send in one (commands: %s)", size, commands)
                    .isEqualTo(1);
            assertThat(queued(channels.get(0)))
                    .as("copies stored for the %d members (one for their process)", size).isEqualTo(1);
            assertEveryMemberReceives(holder, channels);
            commandsBySize.put(size, commands);
        }
        assertThat(commandsBySize.get(100)).as("commands for 100 members vs for 1 (by size: %s)", commandsBySize)
                .isEqualTo(commandsBySize.get(1));
        assertThat(commandsBySize.get(10)).as("commands for 10 members vs for 1").isEqualTo(commandsBySize.get(1));
    }

    @Test
    void groupSend_toMembersOfTwoOtherProcesses_isStillOneScriptOnOneRedis() throws InterruptedException {
        RedisChannelLayer sender = layer();
        warmUp(sender);
        RedisChannelLayer first = layer();
        RedisChannelLayer second = layer();
        List<String> firstChannels = members(first, "room", 60);
        List<String> secondChannels = members(second, "room", 60);

        Map<String, Long> commands = commandsOf(sender, "room");

        assertThat(scriptCalls(commands))
                .as("scripts for 120 members in two processes on one Redis (commands: %s)", commands).isEqualTo(1);
        assertThat(queued(firstChannels.get(0))).as("copies stored for the first process").isEqualTo(1);
        assertThat(queued(secondChannels.get(0))).as("copies stored for the second process").isEqualTo(1);
        assertEveryMemberReceives(first, firstChannels);
        assertEveryMemberReceives(second, secondChannels);
    }

    @Test
    void groupSend_toMembersAllHeldByTheSendingProcess_isOnlyTheMembersRead() throws InterruptedException {
        RedisChannelLayer sender = layer();
        warmUp(sender);
        List<String> one = members(sender, "solo", 1);
        List<String> hundred = members(sender, "room", 100);

        Map<String, Long> forOne = commandsOf(sender, "solo");
        Map<String, Long> forHundred = commandsOf(sender, "room");

        assertThat(scriptCalls(forHundred))
                .as("scripts for 100 members held by the sender itself: the members read only (commands: %s)",
                        forHundred)
                .isEqualTo(1);
        assertThat(forHundred).as("commands for 100 own members vs for 1").isEqualTo(forOne);
        assertThat(queued(hundred.get(0))).as("nothing stored in Redis for the sender's own channels").isZero();
        assertEveryMemberReceives(sender, one);
        assertEveryMemberReceives(sender, hundred);
    }

    /**
     * Encryption is done in Java and capacity rules are Java patterns, so those layers read the
     * members first and then send, as channels_redis does: two scripts, still one stored copy.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("twoStepLayers")
    void groupSend_whenTheCopiesCannotBeBuiltInRedis_isTheMembersReadThenOneSend(
            String name, UnaryOperator<RedisChannelLayerBuilder> configuration) throws InterruptedException {
        RedisChannelLayer sender = layer(configuration);
        warmUp(sender, configuration);
        RedisChannelLayer holder = layer(configuration);
        List<String> channels = members(holder, "room", 20);

        Map<String, Long> commands = commandsOf(sender, "room");

        assertThat(scriptCalls(commands)).as("scripts for a group send by a layer with %s (commands: %s)",
                name, commands).isEqualTo(2);
        assertThat(queued(channels.get(0))).as("copies stored for the holder's 20 members").isEqualTo(1);
        assertEveryMemberReceives(holder, channels);
    }

    /** Above 128 members the script only reads the group, and the sender builds the copies. */
    @Test
    void groupSend_toALargeGroup_isTheMembersReadThenOneSend() throws InterruptedException {
        RedisChannelLayer sender = layer();
        warmUp(sender);
        RedisChannelLayer first = layer(); // a first large group send loads the send script
        List<String> warmUpMembers = members(first, "large-warm-up", 200);
        sender.groupSend("large-warm-up", MESSAGE);
        assertEveryMemberReceives(first, warmUpMembers);
        RedisChannelLayer holder = layer(); // its receive loop starts only when it receives, below
        List<String> theirs = members(holder, "large", 190);
        List<String> mine = members(sender, "large", 10);

        Map<String, Long> commands = commandsOf(sender, "large");

        assertThat(scriptCalls(commands)).as("scripts for a group of 200 (commands: %s)", commands).isEqualTo(2);
        assertThat(queued(theirs.get(0))).as("copies stored for the holder's 190 members").isEqualTo(1);
        assertThat(queued(mine.get(0))).as("nothing stored for the sender's own members").isZero();
        assertEveryMemberReceives(holder, theirs);
        assertEveryMemberReceives(sender, mine);
    }

    static Stream<Arguments> twoStepLayers() {
        UnaryOperator<RedisChannelLayerBuilder> encrypted = builder -> builder.symmetricEncryptionKeys(
                List.of("a secret shared by the test's layers"));
        UnaryOperator<RedisChannelLayerBuilder> rules = builder -> builder.channelCapacity("other.*", 5);
        return Stream.of(Arguments.of("encryption", encrypted), Arguments.of("a capacity rule", rules));
    }

    /**
     * The copy the one-script group send builds in Redis is byte for byte what the Java encoder
     * (and so Python's msgpack) writes for the same channel list: short names (fixstr), long names
     * (str8), a queue shared by 20 channels (array16), in group order.
     */
    @Test
    void groupSend_storesTheSameBytesAsTheJavaEncoderWrites() {
        RedisChannelLayer sender = layer();
        RedisChannelLayer holder = layer();
        List<String> shared = members(holder, "room", 20);
        Message message = Message.of("type", "chat.message", "text", "h\u00e9llo \u2603", "n", 42L,
                "list", List.of(1L, "two"));
        String shortName = "w.short";
        String longName = "worker.a-normal-channel-with-a-name-longer-than-thirty-two";
        sender.groupAdd("room", shortName);
        sender.groupAdd("room", longName);

        List<String> inGroupOrder = sender.groupMembers("room").stream().filter(shared::contains).toList();

        sender.groupSend("room", message);

        assertThat(inGroupOrder).as("the holder's members, in group order").hasSameElementsAs(shared);
        assertThat(storedBodies(prefix + ChannelNames.nonLocalName(shared.get(0))))
                .as("the copy for the 20 channels of one process")
                .containsExactly(MessageCodec.encode(message, inGroupOrder));
        assertThat(storedBodies(prefix + shortName)).as("the copy for a short normal channel")
                .containsExactly(MessageCodec.encode(message, List.of(shortName)));
        assertThat(storedBodies(prefix + longName)).as("the copy for a long normal channel")
                .containsExactly(MessageCodec.encode(message, List.of(longName)));
    }

    /** The stored messages of a queue key, without their 12 random bytes. */
    private List<byte[]> storedBodies(String queueKey) {
        List<byte[]> bodies = new ArrayList<>();
        for (byte[] member : witness.zrange(queueKey.getBytes(StandardCharsets.UTF_8), 0, -1)) {
            bodies.add(Arrays.copyOfRange(member, 12, member.length));
        }
        return bodies;
    }
}

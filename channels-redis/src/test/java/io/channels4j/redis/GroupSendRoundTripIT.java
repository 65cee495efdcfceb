package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelNames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        RedisChannelLayer layer = RedisChannelLayer.builder().host(redis.url()).prefix(prefix)
                .timeout(Duration.ofSeconds(5)).build();
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
        RedisChannelLayer other = layer();
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
    void groupSend_toMembersAllHeldByAnotherProcess_isTwoScriptCallsAndOneStoredCopy_whateverTheGroupSize()
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
                            + "the members read and one send (commands: %s)", size, commands)
                    .isEqualTo(2);
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
    void groupSend_toMembersOfTwoOtherProcesses_isStillOneSendScriptOnOneRedis() throws InterruptedException {
        RedisChannelLayer sender = layer();
        warmUp(sender);
        RedisChannelLayer first = layer();
        RedisChannelLayer second = layer();
        List<String> firstChannels = members(first, "room", 100);
        List<String> secondChannels = members(second, "room", 100);

        Map<String, Long> commands = commandsOf(sender, "room");

        assertThat(scriptCalls(commands))
                .as("scripts for 200 members in two processes on one Redis (commands: %s)", commands).isEqualTo(2);
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
}

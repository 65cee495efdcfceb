package io.channels4j.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.channels4j.Message;
import io.channels4j.layer.ChannelFullException;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.InvalidChannelNameException;
import io.channels4j.layer.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The channel layer specification as a reusable JUnit 5 test suite, the way channels_redis
 * reuses Channels' layer tests: every {@link ChannelLayer} implementation extends it (the
 * in-memory layer's unit test, the Redis layer's integration test) and implements the hooks of
 * {@link ChannelLayerContractSupport}. The group, expiry and flush tests are inherited from
 * {@link ChannelLayerGroupContract}.
 *
 * <pre>{@code
 * class MyLayerTest extends ChannelLayerContract {
 *     private final FakeClock clock = new FakeClock();
 *
 *     protected ChannelLayer createLayer(Settings settings) {
 *         return MyLayer.builder().capacities(settings.capacities()).expiry(settings.expiry())
 *                 .groupExpiry(settings.groupExpiry()).clock(clock).build();
 *     }
 *     protected void advanceClock(Duration by) { clock.advance(by); }
 *     protected boolean supportsFastClock() { return true; }
 * }
 * }</pre>
 *
 * <p>What it checks: send/receive, FIFO per channel, isolation, timeouts, process-local names,
 * capacity and {@link ChannelFullException}, glob and regex per-channel capacities, groups
 * (broadcast, discard, idempotent add, silent counted drops), message and group expiry, flush,
 * the name rules and the reserved key, message round trips of every value type, subscriptions,
 * concurrent senders and receivers, and close. Names are unique per test, so a shared server can
 * run it. Threads are named; nothing synchronises by sleeping; only {@link #advanceClock} may wait.
 *
 * <p>Lives in main sources so other modules can extend it; it needs {@code junit-jupiter-api}
 * (an optional dependency of channels-core) on the test class path.
 */
public abstract class ChannelLayerContract extends ChannelLayerGroupContract {

    /** For subclasses. */
    protected ChannelLayerContract() {
    }

    // ---------------------------------------------------------------- basics

    @Test
    void send_thenReceive_returnsTheMessage() throws Exception {
        ChannelLayer layer = layer();
        String channel = uniqueName("basic");
        Message message = Message.of("type", "test.message", "text", "Ahoy-hoy!");
        layer.send(channel, message);
        assertEquals(message, receiveNow(layer, channel));
        assertNothingOn(layer, channel);
    }

    @Test
    void receive_returnsMessagesInSendOrder() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withCapacity(200));
        String channel = uniqueName("fifo");
        for (int i = 0; i < 100; i++) {
            layer.send(channel, numbered(i));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(i, receiveNow(layer, channel).getInt("n"), "message " + i + " out of order");
        }
    }

    @Test
    void channels_areIsolatedFromEachOther() throws Exception {
        ChannelLayer layer = layer();
        String first = uniqueName("first");
        String second = uniqueName("second");
        layer.send(first, numbered(1));
        layer.send(second, numbered(2));
        assertEquals(2, receiveNow(layer, second).getInt("n"));
        assertEquals(1, receiveNow(layer, first).getInt("n"));
        assertNothingOn(layer, first);
    }

    @Test
    void receive_withTimeout_returnsNullWhenNothingArrives() throws Exception {
        assertNull(layer().receive(uniqueName("empty"), Duration.ofMillis(50)));
    }

    @Test
    void receive_waitsForAMessageSentLater() throws Exception {
        ChannelLayer layer = layer();
        String channel = uniqueName("later");
        CompletableFuture<Message> received = new CompletableFuture<>();
        CompletableFuture<Void> receiver = startThread("contract-receiver",
                () -> received.complete(layer.receive(channel)));
        layer.send(channel, numbered(7));
        awaitCompletion(receiver);
        assertEquals(numbered(7), awaitCompletion(received));
    }

    @Test
    void extensions_includeGroupsAndFlush() {
        assertTrue(layer().extensions().containsAll(Set.of(ChannelLayer.EXTENSION_GROUPS, ChannelLayer.EXTENSION_FLUSH)));
    }

    @Test
    void messageContent_roundTripsEveryValueType() throws Exception {
        ChannelLayer layer = layer();
        String channel = uniqueName("types");
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", List.of(1L, "two", 3.5, List.of(true)));
        nested.put("none", null);
        Message message = Message.builder("test.types")
                .put("null", null).put("true", true).put("false", false)
                .put("long", Long.MIN_VALUE).put("int", 42).put("double", -0.125)
                .put("text", "héllo wörld ✓ 𝄞 日本語").put("empty", "")
                .put("bytes", "\u0000\u00ff binary".getBytes(StandardCharsets.ISO_8859_1))
                .put("list", List.of(1L, 2L, List.of("x")))
                .put("map", nested)
                .build();
        layer.send(channel, message);
        Message received = receiveNow(layer, channel);
        assertEquals(message, received);
        assertEquals(message.keys(), received.keys());
        assertTrue(received.has("null"));
        assertEquals("héllo wörld ✓ 𝄞 日本語", received.getString("text"));
    }

    // ---------------------------------------------------------------- process-local channels

    @Test
    void newChannel_returnsUniqueValidProcessLocalNames() {
        ChannelLayer layer = layer();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String name = layer.newChannel();
            assertTrue(name.startsWith("specific.") && ChannelNames.isProcessLocal(name), name);
            assertTrue(name.length() < ChannelNames.MAX_NAME_LENGTH, name);
            ChannelNames.requireValidReceiveName(name);
            assertTrue(names.add(name), "duplicate " + name);
        }
        String prefixed = layer.newChannel("chat-worker");
        assertTrue(prefixed.startsWith("chat-worker."), prefixed);
        ChannelNames.requireValidReceiveName(prefixed);
    }

    @Test
    void newChannel_namesAreReceivableAndKeptApart() throws Exception {
        ChannelLayer layer = layer();
        String first = layer.newChannel();
        String second = layer.newChannel();
        layer.send(first, numbered(1));
        layer.send(second, numbered(2));
        assertEquals(1, receiveNow(layer, first).getInt("n"));
        assertEquals(2, receiveNow(layer, second).getInt("n"));
        assertNothingOn(layer, first);
    }

    @Test
    void newChannel_rejectsAnInvalidPrefix() {
        ChannelLayer layer = layer();
        assertThrows(InvalidChannelNameException.class, () -> layer.newChannel("bad prefix"));
        assertThrows(InvalidChannelNameException.class, () -> layer.newChannel("x".repeat(90)));
    }

    // ---------------------------------------------------------------- capacity

    @Test
    void send_toAFullChannel_throwsChannelFull() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withCapacity(3));
        String channel = uniqueName("full");
        for (int i = 0; i < 3; i++) {
            layer.send(channel, numbered(i));
        }
        ChannelFullException full = assertThrows(ChannelFullException.class, () -> layer.send(channel, numbered(3)));
        assertEquals(channel, full.channel());
        assertEquals(0, receiveNow(layer, channel).getInt("n"));
        layer.send(channel, numbered(4));
        assertEquals(List.of(1, 2, 4), List.of(receiveNow(layer, channel).getInt("n"),
                receiveNow(layer, channel).getInt("n"), receiveNow(layer, channel).getInt("n")));
    }

    @Test
    void channelCapacity_globsAndRegexesApplyFirstMatchFirst() {
        String base = uniqueName("cap");
        ChannelLayer layer = layer(Settings.defaults().withCapacity(5)
                .withChannelCapacity(base + ".small.*", 2)
                .withChannelCapacity(base + ".[!x]b", 3)
                .withChannelCapacity(Pattern.compile(Pattern.quote(base) + "\\.re"), 4)
                .withChannelCapacity(base + ".*", 1));
        assertEquals(2, layer.capacity(base + ".small.one"));
        assertEquals(3, layer.capacity(base + ".ab"));
        assertEquals(1, layer.capacity(base + ".xb"), "[!x] excludes x, so the last glob matches");
        assertEquals(4, layer.capacity(base + ".regex-matches-from-the-start"));
        assertEquals(5, layer.capacity("other." + base));
        assertFillsAt(layer, base + ".small.one", 2);
        assertFillsAt(layer, base + ".re", 4);
        assertFillsAt(layer, "other." + base, 5);
    }

    private static void assertFillsAt(ChannelLayer layer, String channel, int capacity) {
        for (int i = 0; i < capacity; i++) {
            layer.send(channel, numbered(i));
        }
        assertThrows(ChannelFullException.class, () -> layer.send(channel, numbered(capacity)),
                channel + " should hold exactly " + capacity);
    }

    // ---------------------------------------------------------------- names, reserved key

    @Test
    void invalidNames_failLoudlyWithTheRule() {
        ChannelLayer layer = layer();
        String ok = uniqueName("ok");
        List<Executable> checks = new ArrayList<>();
        for (String bad : List.of("chat_my room", "x".repeat(100), "what?", "!leading", "a!b!c", "ümlaut",
                "tab\there", "", "new\nline")) {
            checks.add(() -> assertInvalid(bad, () -> layer.send(bad, numbered(1))));
            checks.add(() -> assertInvalid(bad, () -> layer.receive(bad, Duration.ofMillis(1))));
            checks.add(() -> assertInvalid(bad, () -> layer.groupAdd(ok, bad)));
            checks.add(() -> assertInvalid(bad, () -> layer.groupDiscard(ok, bad)));
            checks.add(() -> assertInvalid(bad, () -> layer.groupAdd(bad, "valid.channel")));
            checks.add(() -> assertInvalid(bad, () -> layer.groupSend(bad, numbered(1))));
        }
        checks.add(() -> assertInvalid("specific.x!", () -> layer.receive("specific.x!", Duration.ofMillis(1))));
        checks.add(() -> assertThrows(InvalidChannelNameException.class, () -> layer.send(null, numbered(1))));
        checks.add(() -> assertThrows(InvalidChannelNameException.class, () -> layer.groupAdd(null, ok)));
        checks.add(() -> assertThrows(InvalidChannelNameException.class, () -> layer.groupSend(ok + "!", numbered(1))));
        assertAll(checks);
    }

    private static void assertInvalid(String name, Executable call) {
        InvalidChannelNameException e = assertThrows(InvalidChannelNameException.class, call, "accepted '" + name + "'");
        assertTrue(e.getMessage().contains("'" + name + "'"), "message should quote the name: " + e.getMessage());
    }

    @Test
    void edgeNames_areAccepted() throws Exception {
        ChannelLayer layer = layer();
        String prefix = uniqueName("long") + ".";
        String longest = prefix + "x".repeat(ChannelNames.MAX_NAME_LENGTH - 1 - prefix.length());
        // a process-local name is receivable only through the layer that made it (the spec's rule),
        // so the Unicode local part hangs off one of this layer's own names
        for (String name : List.of(longest, uniqueName("a-b_c.D.9"), layer.newChannel() + "ü-1_x.y")) {
            layer.send(name, numbered(1));
            assertEquals(numbered(1), receiveNow(layer, name), name);
        }
        String group = uniqueName("G_r-o.up");
        layer.groupAdd(group, longest);
        layer.groupDiscard(group, longest);
    }

    @Test
    void reservedChannelKey_isRejected() {
        ChannelLayer layer = layer();
        Message reserved = Message.of("type", "test.message", ChannelLayer.RESERVED_CHANNEL_KEY, "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.send(uniqueName("reserved"), reserved));
        assertTrue(e.getMessage().contains(ChannelLayer.RESERVED_CHANNEL_KEY), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer.groupSend(uniqueName("room"), reserved));
    }

    // ---------------------------------------------------------------- subscriptions

    @Test
    void subscribe_deliversQueuedMessagesThenNewOnesInOrder() throws Exception {
        ChannelLayer layer = layer();
        String channel = layer.newChannel();
        layer.send(channel, numbered(1));
        layer.send(channel, numbered(2));
        LinkedBlockingQueue<Message> sink = new LinkedBlockingQueue<>();
        try (Subscription subscription = layer.subscribe(channel, sink::offer)) {
            assertNotNull(subscription);
            layer.send(channel, numbered(3));
            for (int i = 1; i <= 3; i++) {
                assertEquals(numbered(i), sink.poll(patience().toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        layer.send(channel, numbered(4));
        assertEquals(numbered(4), receiveNow(layer, channel), "a closed subscription returns the channel to queueing");
        assertNull(sink.poll());
    }

    @Test
    void subscribe_refusingSink_makesSendsFailWithChannelFull() {
        int capacity = 2;
        ChannelLayer layer = layer(Settings.defaults().withCapacity(capacity));
        String channel = layer.newChannel();
        Subscription subscription = layer.subscribe(channel, message -> false);
        try {
            for (int i = 0; i < 3 * capacity + 2; i++) {
                try {
                    layer.send(channel, numbered(i));
                } catch (ChannelFullException expected) {
                    return;
                }
            }
            fail("a sink that refuses everything never made send throw ChannelFullException");
        } finally {
            subscription.close();
        }
    }

    // ---------------------------------------------------------------- concurrency and close

    @Test
    void concurrentSenders_deliverEveryMessageOnceInPerSenderOrder() throws Exception {
        int senders = 4;
        int perSender = 250;
        ChannelLayer layer = layer(Settings.defaults().withCapacity(senders * perSender));
        String channel = uniqueName("busy");
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(startThread("contract-sender-" + s, () -> {
                for (int i = 0; i < perSender; i++) {
                    layer.send(channel, Message.of("type", "test.message", "sender", sender, "n", i));
                }
            }));
        }
        int[] next = new int[senders];
        for (int received = 0; received < senders * perSender; received++) {
            Message message = receiveNow(layer, channel);
            int sender = message.getInt("sender");
            assertEquals(next[sender]++, message.getInt("n"), "sender " + sender + " out of order");
        }
        for (CompletableFuture<Void> thread : threads) {
            awaitCompletion(thread);
        }
        assertNothingOn(layer, channel);
    }

    @Test
    void concurrentReceivers_eachMessageIsDeliveredOnce() throws Exception {
        int total = 400;
        ChannelLayer layer = layer(Settings.defaults().withCapacity(total));
        String channel = uniqueName("shared");
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        List<CompletableFuture<Void>> receivers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            receivers.add(startThread("contract-receiver-" + r, () -> {
                long deadline = System.nanoTime() + patience().toNanos();
                while (count.get() < total && System.nanoTime() < deadline) {
                    Message message = layer.receive(channel, Duration.ofMillis(20));
                    if (message != null) {
                        count.incrementAndGet();
                        if (!seen.add(message.getInt("n"))) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (int i = 0; i < total; i++) {
            layer.send(channel, numbered(i));
        }
        for (CompletableFuture<Void> receiver : receivers) {
            awaitCompletion(receiver);
        }
        assertEquals(0, duplicates.get(), "messages delivered twice");
        assertEquals(total, seen.size());
    }

    @Test
    void close_makesLaterCallsThrowIllegalState() {
        ChannelLayer layer = layer();
        String channel = uniqueName("closed");
        layer.close();
        layer.close();
        assertAll(
                () -> assertThrows(IllegalStateException.class, () -> layer.send(channel, numbered(1))),
                () -> assertThrows(IllegalStateException.class, () -> layer.receive(channel, Duration.ofMillis(1))),
                () -> assertThrows(IllegalStateException.class, () -> layer.groupAdd("g", channel)),
                () -> assertThrows(IllegalStateException.class, () -> layer.groupDiscard("g", channel)),
                () -> assertThrows(IllegalStateException.class, () -> layer.groupSend("g", numbered(1))),
                () -> assertThrows(IllegalStateException.class, layer::newChannel),
                () -> assertThrows(IllegalStateException.class, layer::flush));
    }
}

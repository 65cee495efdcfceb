package io.channels4j.examples.chat;

import io.channels4j.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7, faults: the example chat (ChatServer's assembly: ChatRouting on a Redis layer from its
 * URL) while its Redis is killed mid-traffic and restarted without persistence on the same port.
 * Ten clients in two rooms: none is disconnected; a message sent during the outage is answered
 * {@code {"error": "chat is temporarily unavailable, message not delivered"}} and logged as one
 * WARN line naming the room; a new connection is refused (403) meanwhile; after the restart,
 * delivery resumes in both rooms without restarting the server, and every message its sender saw
 * echoed reaches every member of its room; once the clients leave, no server or layer thread is
 * left beyond those that were there before. Prints the detection and resume times and the p99
 * delivery time to the other members before and after.
 */
class RedisOutageIT {

    private static final List<String> ROOMS = List.of("alpha", "beta");
    private static final int PER_ROOM = 5;
    private static final int MESSAGES_PER_CLIENT = 10;
    private static final long PACE_MILLIS = 10;
    /** Generous bounds for a loaded 2-core machine; the real figures are printed. */
    private static final Duration DELIVERY = Duration.ofSeconds(10);
    private static final Duration RESUME = Duration.ofSeconds(15);
    private static final Pattern DROPPED_LINE = Pattern.compile("WARN .*chat: a message to (chat_\\w+) was not delivered");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    /** Message id to when it was sent (System.nanoTime). */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        http.close();
    }

    /** One browser tab: the JDK WebSocket with the Origin of the chat's page. */
    private final class ChatClient implements WebSocket.Listener {
        final String room;
        final String name;
        final Map<String, Long> received = new ConcurrentHashMap<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        /** When the first error reply arrived (System.nanoTime), or 0. */
        final AtomicLong firstErrorAt = new AtomicLong();
        final AtomicInteger closes = new AtomicInteger();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        ChatClient(String room, String name) {
            this.room = room;
            this.name = name;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode json = Json.parse(partial.toString());
                partial.setLength(0);
                if (json.has("message")) {
                    received.put(json.get("message").asText(), System.nanoTime());
                } else if (json.has("error")) {
                    firstErrorAt.compareAndSet(0, System.nanoTime());
                    errors.add(json.get("error").asText());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closes.incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failures.add(error);
        }

        /** Sends one chat message; returns its id. */
        String send() {
            String id = room + "-" + name + "-" + sequence.incrementAndGet();
            sentAt.put(id, System.nanoTime());
            socket.sendText(Json.stringify(Map.of("message", id)), true).orTimeout(5, TimeUnit.SECONDS).join();
            return id;
        }

        boolean sawEcho(String id) {
            return received.containsKey(id);
        }
    }

    private CompletableFuture<WebSocket> open(ChatServer.Running chat, String room, ChatClient listener) {
        return http.newWebSocketBuilder()
                .header("Origin", chat.server().httpUrl().toString())
                .buildAsync(chat.server().websocketUrl().resolve("/ws/chat/" + room + "/"), listener)
                .orTimeout(10, TimeUnit.SECONDS);
    }

    @Test
    void redisKilledMidTrafficAndRestarted_clientsStay_sendsFailClearly_deliveryResumes_noThreadLeaks()
            throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        resources.add(redis);
        ByteArrayOutputStream accessLog = new ByteArrayOutputStream();
        StderrCapture log = new StderrCapture();
        resources.add(log);
        Set<String> appThreadsBefore = appThreads();
        ChatServer.Running chat = ChatServer.start(new ChatServer.Options(0, "127.0.0.1", redis.url()),
                new PrintStream(accessLog, true, StandardCharsets.UTF_8));
        resources.add(chat);

        Map<String, List<ChatClient>> rooms = new TreeMap<>();
        List<ChatClient> clients = new ArrayList<>();
        for (String room : ROOMS) {
            for (int i = 0; i < PER_ROOM; i++) {
                ChatClient client = new ChatClient(room, "c" + i);
                client.socket = open(chat, room, client).join();
                resources.add(() -> client.socket.abort());
                rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(client);
                clients.add(client);
            }
        }

        // ---- before: every message reaches its room (after a warm-up round, so both p99s are warm)
        awaitDelivered(sendRound(clients), rooms);
        List<String> before = sendRound(clients);
        awaitDelivered(before, rooms);
        Map<String, Long> threadsBefore = platformThreads();
        double p99Before = p99ToOthers(before, rooms);

        // ---- the outage, mid-traffic
        AtomicBoolean traffic = new AtomicBoolean(true);
        List<String> duringOutage = new CopyOnWriteArrayList<>();
        Thread driver = Thread.ofPlatform().name("outage-it-traffic").start(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; traffic.get() && System.nanoTime() < deadline; i++) {
                duringOutage.add(clients.get(i % clients.size()).send());
                try {
                    Thread.sleep(PACE_MILLIS); // pacing of the load, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        await("traffic flows").atMost(DELIVERY).until(() -> duringOutage.size() >= 20);
        long killed = System.nanoTime();
        redis.kill();
        await("every client has sent into the outage and been told")
                .atMost(DELIVERY).until(() -> clients.stream().allMatch(c -> !c.errors.isEmpty()));
        traffic.set(false);
        Duration detected = Duration.ofNanos(clients.stream().mapToLong(c -> c.firstErrorAt.get()).min().orElseThrow()
                - killed);
        driver.join(Duration.ofSeconds(10));
        assertThat(driver.isAlive()).isFalse();
        assertThat(platformThreads()).as("no thread added by the outage")
                .allSatisfy((name, count) -> assertThat(count).as(name).isLessThanOrEqualTo(threadsBefore.getOrDefault(name, 0L)));

        // a new connection meanwhile is refused, so the page's reconnect-with-backoff tries again
        Throwable refused = catchThrowable(() -> open(chat, "alpha", new ChatClient("alpha", "late")).join());
        assertThat(refused).isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);

        for (ChatClient client : clients) {
            assertThat(client.errors).as(client.room + "/" + client.name).isNotEmpty()
                    .containsOnly(ChatConsumer.UNAVAILABLE);
            assertThat(client.closes.get()).as("closes of " + client.name).isZero();
            assertThat(client.failures).as("errors of " + client.name).isEmpty();
        }
        int errorReplies = clients.stream().mapToInt(c -> c.errors.size()).sum();
        Map<String, Long> warnings = droppedWarnings(log.text());
        assertThat(warnings.keySet()).containsExactlyInAnyOrder("chat_alpha", "chat_beta");
        assertThat(warnings.values().stream().mapToLong(Long::longValue).sum())
                .as("one WARN line per undelivered message").isEqualTo(errorReplies);

        assertThat(log.text()).as("no stack trace, no ERROR: every failure is one WARN line").doesNotContain(" ERROR ");

        // ---- restart on the same port: the same server resumes by itself
        redis.restart();
        long restarted = System.nanoTime();
        long resumedAt = restarted;
        for (String room : ROOMS) {
            ChatClient prober = rooms.get(room).getFirst();
            List<String> probes = new CopyOnWriteArrayList<>();
            await("delivery resumes in " + room).atMost(RESUME).pollInterval(Duration.ofMillis(20)).until(() -> {
                probes.add(prober.send());
                return probes.stream().anyMatch(p -> rooms.get(room).stream().allMatch(c -> c.received.containsKey(p)));
            });
            // when the first probe that reached the whole room was sent
            String first = probes.stream()
                    .filter(p -> rooms.get(room).stream().allMatch(c -> c.received.containsKey(p))).findFirst().orElseThrow();
            resumedAt = Math.max(resumedAt, sentAt.get(first));
        }
        Duration resumed = Duration.ofNanos(resumedAt - restarted);
        int errorsAfterRestart = clients.stream().mapToInt(c -> c.errors.size()).sum() - errorReplies;

        List<String> after = sendRound(clients);
        awaitDelivered(after, rooms);
        double p99After = p99ToOthers(after, rooms);
        // every message whose sender saw it echoed reached every member of its room (the outage's included)
        await("every acknowledged message reaches its whole room").atMost(DELIVERY).untilAsserted(() -> {
            for (ChatClient sender : clients) {
                for (String id : sentAt.keySet()) {
                    if (id.startsWith(sender.room + "-" + sender.name + "-") && sender.sawEcho(id)) {
                        for (ChatClient member : rooms.get(sender.room)) {
                            assertThat(member.received).as(member.name + " got " + id).containsKey(id);
                        }
                    }
                }
            }
        });
        for (ChatClient client : clients) {
            assertThat(client.closes.get()).as("closes of " + client.name).isZero();
            assertThat(client.received.keySet()).as("nothing from the other room")
                    .allMatch(id -> id.startsWith(client.room + "-"));
        }

        // ---- the clients leave: the server ends their consumers and keeps no extra thread
        for (ChatClient client : clients) {
            client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
        }
        await("every connection ends").atMost(DELIVERY).until(() -> chat.server().openConnections() == 0);
        await("the application threads end").atMost(DELIVERY).until(() -> appThreadsBefore.containsAll(appThreads()));
        await("the platform threads return to the baseline").atMost(DELIVERY).untilAsserted(() ->
                assertThat(platformThreads()).allSatisfy((name, count) ->
                        assertThat(count).as(name).isLessThanOrEqualTo(threadsBefore.getOrDefault(name, 0L))));

        System.out.printf("RedisOutageIT: outage detected %d ms after SIGKILL; %d sends refused with an error; "
                        + "delivery resumed in both rooms %d ms after the restart (when the first probe that reached a whole "
                        + "room was sent; %d errors meanwhile); "
                        + "p99 to the other members %.1f ms before, %.1f ms after; server/layer threads %s%n",
                detected.toMillis(), errorReplies, resumed.toMillis(), errorsAfterRestart, p99Before, p99After,
                threadsBefore);
    }

    /**
     * Each client sends {@value #MESSAGES_PER_CLIENT} messages, interleaved, one every
     * {@value #PACE_MILLIS} ms (a steady chat, not a burst); returns their ids.
     */
    private List<String> sendRound(List<ChatClient> clients) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MESSAGES_PER_CLIENT; i++) {
            for (ChatClient client : clients) {
                ids.add(client.send());
                Thread.sleep(PACE_MILLIS); // pacing of the load, not synchronisation
            }
        }
        return ids;
    }

    private static String roomOf(String id) {
        return id.substring(0, id.indexOf('-'));
    }

    private static void awaitDelivered(List<String> ids, Map<String, List<ChatClient>> rooms) {
        await("every message reaches its room").atMost(DELIVERY).until(() -> ids.stream()
                .allMatch(id -> rooms.get(roomOf(id)).stream().allMatch(c -> c.received.containsKey(id))));
    }

    /** The 99th percentile, in ms, of send-to-receipt times at the members other than the sender. */
    private double p99ToOthers(List<String> ids, Map<String, List<ChatClient>> rooms) {
        List<Long> nanos = new ArrayList<>();
        for (String id : ids) {
            String sender = id.substring(id.indexOf('-') + 1, id.lastIndexOf('-'));
            for (ChatClient member : rooms.get(roomOf(id))) {
                if (!member.name.equals(sender)) {
                    nanos.add(member.received.get(id) - sentAt.get(id));
                }
            }
        }
        nanos.sort(null);
        return nanos.get((int) Math.ceil(nanos.size() * 0.99) - 1) / 1e6;
    }

    private static Map<String, Long> droppedWarnings(String log) {
        Map<String, Long> byRoom = new TreeMap<>();
        Matcher matcher = DROPPED_LINE.matcher(log);
        while (matcher.find()) {
            byRoom.merge(matcher.group(1), 1L, Long::sum);
        }
        return byRoom;
    }

    /**
     * Live platform threads of the server and the layer ({@code channels4j-*}), counted by name
     * with trailing digits dropped ({@code channels4j-decoder-} for {@code channels4j-decoder-0}).
     */
    private static Map<String, Long> platformThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("channels4j-"))
                .collect(Collectors.groupingBy(t -> t.getName().replaceAll("\\d+$", ""), TreeMap::new,
                        Collectors.counting()));
    }

    /** Names of the live virtual threads that run applications ({@code channels4j-app-<id>}). */
    private static Set<String> appThreads() throws IOException {
        Path dump = Files.createTempFile("channels4j-threads-", ".json");
        Files.delete(dump);
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher names = Pattern.compile("\"(channels4j-app-\\d+)\"").matcher(Files.readString(dump));
            Collection<String> found = new ArrayList<>();
            while (names.find()) {
                found.add(names.group(1));
            }
            return Set.copyOf(found);
        } finally {
            Files.deleteIfExists(dump);
        }
    }
}

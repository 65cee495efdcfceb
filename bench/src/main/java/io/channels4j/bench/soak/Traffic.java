package io.channels4j.bench.soak;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The soak's mixed traffic against one chat server: long-lived chatters (one message per chat
 * interval each, spread over the rooms), short-lived clients connecting, chatting a little and
 * leaving all the time, and long-lived clients sending only bad input. A long-lived client that
 * ends is replaced (its end is already recorded). Bounded: at most {@code maxChurn} short-lived
 * clients at once, one outstanding send per client.
 *
 * <p>Threads: two {@code soak-driver-N} scheduler threads and four {@code soak-ws-N} threads for
 * the HTTP client. Lifecycle: {@link #connectLongLived}, {@link #start}, {@link #stop},
 * {@link #closeClients}, {@link #close}.
 */
final class Traffic implements AutoCloseable {

    private static final String UNICODE = "h\u00e9llo \u2713 \u043f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude42 ";

    private final SoakOptions options;
    private final ChatServerProcess server;
    private final Ledger ledger;
    private final List<String> rooms;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService websocketThreads;
    private final HttpClient http;
    private final AtomicReferenceArray<ChatClient> chatters;
    private final AtomicReferenceArray<ChatClient> badClients;
    private final Set<ChatClient> churn = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean running;

    Traffic(SoakOptions options, ChatServerProcess server, Ledger ledger, String roomPrefix) {
        this.options = options;
        this.server = server;
        this.ledger = ledger;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < options.rooms(); i++) {
            names.add(roomPrefix + "r" + i);
        }
        this.rooms = List.copyOf(names);
        this.scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("soak-driver-", 1).daemon().factory());
        this.websocketThreads = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("soak-ws-", 1).daemon().factory());
        this.http = HttpClient.newBuilder().executor(websocketThreads).connectTimeout(options.connectTimeout()).build();
        this.chatters = new AtomicReferenceArray<>(options.chatters());
        this.badClients = new AtomicReferenceArray<>(options.badClients());
    }

    /**
     * Connects the chatters and bad-input clients and waits for all of them.
     *
     * @throws InterruptedException when interrupted
     * @throws IllegalStateException when one does not connect within the connect timeout
     */
    void connectLongLived() throws InterruptedException {
        List<CompletableFuture<Boolean>> connects = new ArrayList<>();
        for (int i = 0; i < chatters.length(); i++) {
            connects.add(replace(chatters, i, ChatClient.Kind.CHATTER));
        }
        for (int i = 0; i < badClients.length(); i++) {
            connects.add(replace(badClients, i, ChatClient.Kind.BAD));
        }
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new))
                    .get(options.connectTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the long-lived clients did not connect: " + e);
        }
        if (!connects.stream().allMatch(CompletableFuture::join)) {
            throw new IllegalStateException("a long-lived client could not connect: "
                    + ledger.connectFailures.first(3) + "\n" + server.logTail(20));
        }
    }

    private CompletableFuture<Boolean> replace(AtomicReferenceArray<ChatClient> slots, int slot, ChatClient.Kind kind) {
        ChatClient client = new ChatClient(ids.incrementAndGet(), kind, rooms.get(slot % rooms.size()), ledger);
        slots.set(slot, client);
        return client.connect(http, server.roomUri(client.room), server.origin(), options.connectTimeout());
    }

    /** Starts sending: chatters, bad input, churn, and the sweep of unanswered sends. */
    void start() {
        running = true;
        long chat = options.chatInterval().toNanos();
        for (int i = 0; i < chatters.length(); i++) {
            int slot = i;
            scheduler.scheduleAtFixedRate(safely(() -> tick(chatters, slot, ChatClient.Kind.CHATTER)),
                    ThreadLocalRandom.current().nextLong(chat), chat, TimeUnit.NANOSECONDS);
        }
        long bad = options.badInterval().toNanos();
        for (int i = 0; i < badClients.length(); i++) {
            int slot = i;
            scheduler.scheduleAtFixedRate(safely(() -> tick(badClients, slot, ChatClient.Kind.BAD)),
                    ThreadLocalRandom.current().nextLong(bad), bad, TimeUnit.NANOSECONDS);
        }
        if (options.maxChurn() > 0) {
            scheduler.scheduleAtFixedRate(safely(this::churn), 0, options.churnInterval().toNanos(), TimeUnit.NANOSECONDS);
        }
        scheduler.scheduleAtFixedRate(safely(this::sweep), 500, 500, TimeUnit.MILLISECONDS);
    }

    private void tick(AtomicReferenceArray<ChatClient> slots, int slot, ChatClient.Kind kind) {
        if (!running) {
            return;
        }
        ChatClient client = slots.get(slot);
        if (client.hasEnded()) {
            replace(slots, slot, kind);
        } else if (kind == ChatClient.Kind.BAD) {
            client.sendBad();
        } else {
            client.sendChat(filler());
        }
    }

    private void churn() {
        if (!running) {
            return;
        }
        if (churn.size() >= options.maxChurn()) {
            ledger.churnSkipped.increment();
            return;
        }
        ChatClient client = new ChatClient(ids.incrementAndGet(), ChatClient.Kind.CHURN,
                rooms.get(ThreadLocalRandom.current().nextInt(rooms.size())), ledger);
        churn.add(client);
        client.connect(http, server.roomUri(client.room), server.origin(), options.connectTimeout())
                .thenAccept(connected -> safely(() -> {
                    if (!connected) {
                        churn.remove(client);
                        return;
                    }
                    long lifetime = TimeUnit.SECONDS.toNanos(1)
                            + random(options.churnLifetime().toNanos() - TimeUnit.SECONDS.toNanos(1));
                    int messages = ThreadLocalRandom.current().nextInt(4);
                    for (int m = 0; m < messages; m++) {
                        scheduler.schedule(safely(() -> {
                            if (running) {
                                client.sendChat(filler());
                            }
                        }), random(lifetime * 6 / 10), TimeUnit.NANOSECONDS);
                    }
                    scheduler.schedule(safely(() -> client.close().whenComplete((r, e) -> churn.remove(client))),
                            lifetime, TimeUnit.NANOSECONDS);
                }).run());
    }

    /**
     * A task that records what it throws instead of dying silently (a periodic task that throws
     * is never run again).
     */
    private Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RejectedExecutionException e) {
                if (!scheduler.isShutdown()) {
                    ledger.driverErrors.add(System.nanoTime(), e.toString());
                }
            } catch (RuntimeException | Error e) {
                ledger.driverErrors.add(System.nanoTime(), e.toString());
            }
        };
    }

    private void sweep() {
        sweep(options.ackTimeout());
    }

    private List<ChatClient> clients() {
        List<ChatClient> all = new ArrayList<>(churn);
        for (int i = 0; i < chatters.length(); i++) {
            all.add(chatters.get(i));
        }
        for (int i = 0; i < badClients.length(); i++) {
            all.add(badClients.get(i));
        }
        return all;
    }

    /** Stops sending and connecting; clients stay connected. */
    void stop() {
        running = false;
    }

    /** @return whether no client has a send waiting for its answer */
    boolean quiet() {
        return clients().stream().noneMatch(ChatClient::hasOutstanding);
    }

    /**
     * Marks every send still outstanding as unanswered, then closes every client and waits.
     *
     * @param timeout how long to wait for the closes
     * @throws InterruptedException when interrupted
     */
    void closeClients(Duration timeout) throws InterruptedException {
        sweep(Duration.ZERO);
        List<CompletableFuture<Void>> closes = clients().stream().map(ChatClient::close).toList();
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // counted per client as close timeouts
        }
    }

    private void sweep(Duration timeout) {
        long now = System.nanoTime();
        for (ChatClient client : clients()) {
            client.sweep(now, timeout);
        }
    }

    /** @return chat text: random ASCII, now and then with accents, Cyrillic and an emoji */
    private static String filler() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder text = new StringBuilder();
        if (random.nextInt(8) == 0) {
            text.append(UNICODE);
        }
        int length = random.nextInt(120);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static long random(long bound) {
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
    }

    /** Stops the threads and the HTTP client (clients should be closed first). */
    @Override
    public void close() {
        running = false;
        scheduler.shutdownNow();
        http.shutdownNow();
        websocketThreads.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            websocketThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

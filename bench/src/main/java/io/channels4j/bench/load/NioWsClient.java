package io.channels4j.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator's own WebSocket client: a fixed number of selector threads ({@link NioLoop})
 * share every connection, round robin, so 50,000 connections need no more threads than 10; a frame
 * in is parsed in place and handed over as bytes, a frame out is masked into the connection's
 * buffer and written with the other replies of the same read. The cheapest per message of the
 * transports measured (see {@code docs/performance.md}).
 *
 * <p>Threading and lifecycle: see {@link WsClient}. Listener methods run on the loop threads.
 */
final class NioWsClient implements WsClient {

    private final List<NioLoop> loops = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Starts the selector threads ({@code load-nio-0}, ...).
     *
     * @param threads how many, at least 1
     */
    NioWsClient(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        for (int i = 0; i < threads; i++) {
            loops.add(new NioLoop("load-nio-" + i));
        }
    }

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress server, InetAddress local, String path, String origin,
            Listener listener) {
        NioLoop loop = loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
        NioConnection connection = new NioConnection(loop, server, local, path, origin, listener);
        loop.execute(connection::start);
        return connection.opened();
    }

    @Override
    public void close() {
        for (NioLoop loop : loops) {
            loop.close();
        }
    }

    @Override
    public String name() {
        return "nio";
    }
}

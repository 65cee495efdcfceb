package io.channels4j.bench.load;

import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broadcast server for tests that misbehaves on purpose: it can drop every n-th message, send
 * each twice, or swap each pair of messages, so the load generator's counts can be checked. One
 * sender at a time (its message counter is global). Loopback, a free port; close it after use.
 */
final class ScriptedBroadcastServer extends WebSocketServer implements AutoCloseable {

    /** What to do with each received message. */
    enum Script { ECHO_ALL, DROP_EVERY_FIFTH, TWICE, SWAP_PAIRS }

    private final Script script;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);
    private final List<Exception> errors = new ArrayList<>();
    private String held;

    private ScriptedBroadcastServer(Script script) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.script = script;
        setTcpNoDelay(true);
        setReuseAddr(true);
    }

    static ScriptedBroadcastServer start(Script script) throws InterruptedException {
        ScriptedBroadcastServer server = new ScriptedBroadcastServer(script);
        server.start();
        if (!server.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test server did not start: " + server.errors);
        }
        return server;
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        opened.incrementAndGet(); // every connection gets every broadcast
    }

    /** @return connections opened since the start */
    int connectionsOpened() {
        return opened.get();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        // nothing kept per connection
    }

    @Override
    public synchronized void onMessage(WebSocket conn, String message) {
        int n = received.incrementAndGet();
        switch (script) {
            case ECHO_ALL -> broadcast(message);
            case DROP_EVERY_FIFTH -> {
                if (n % 5 != 0) {
                    broadcast(message);
                }
            }
            case TWICE -> {
                broadcast(message);
                broadcast(message);
            }
            case SWAP_PAIRS -> {
                if (held == null) {
                    held = message;
                } else {
                    broadcast(message);
                    broadcast(held);
                    held = null;
                }
            }
        }
    }

    @Override
    public synchronized void onError(WebSocket conn, Exception ex) {
        errors.add(ex);
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void close() {
        try {
            stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.channels4j.bench.load;

import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The near-limit yardstick: a raw Java-WebSocket 1.6.0 server that broadcasts every text frame it
 * receives, unchanged, to every open connection ({@link WebSocketServer#broadcast(String)}: the
 * frame is encoded once). No rooms, no JSON, no Origin check, no channel layer: what the engine
 * under our server achieves with nothing on top. TCP_NODELAY on, as in our server.
 *
 * <pre>java -jar channels4j-bench.jar load broadcast-server --port 8003 [--bind 127.0.0.1]</pre>
 *
 * <p>Threading: the library's selector thread and decoder threads; runs until the process is
 * stopped (SIGTERM stops it cleanly).
 */
final class BroadcastServer extends WebSocketServer {

    private final CountDownLatch started = new CountDownLatch(1);

    BroadcastServer(InetSocketAddress address) {
        super(address);
        setTcpNoDelay(true);
        setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        // every connection gets every broadcast
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        // nothing kept per connection
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        broadcast(message);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            System.err.println("broadcast-server: " + ex);
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args {@code --port P [--bind ADDRESS]}
     * @throws InterruptedException when interrupted
     */
    static void main(List<String> args) throws InterruptedException {
        LoadOptions.Parser p = new LoadOptions.Parser(args);
        int port = p.integer("--port", 8003, 1, 65535);
        String bind = p.string("--bind", "127.0.0.1");
        p.requireAllUsed();
        BroadcastServer server = new BroadcastServer(new InetSocketAddress(bind, port));
        server.setDaemon(false);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("broadcast-server-shutdown").unstarted(() -> {
            try {
                server.stop(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }));
        server.start();
        if (!server.started.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            System.err.println("broadcast-server: not listening on " + bind + ":" + port + " after 30 s");
            System.exit(1);
        }
        System.out.println("broadcast-server listening on " + bind + ":" + port);
        stopped.await();
    }
}

package io.channels4j.bench.load;

import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Java-WebSocket 1.6.0's {@link WebSocketClient} as a load generator transport: blocking sockets,
 * a read thread and a write thread per connection (the lost-connection timer is turned off, or it
 * would add a third). Fine for tens of connections, too many threads for thousands; kept to compare
 * with {@link NioWsClient}.
 *
 * <p>Threading and lifecycle: see {@link WsClient}.
 */
final class JwsClient implements WsClient {

    private final Queue<WebSocketClient> clients = new ConcurrentLinkedQueue<>();

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress server, InetAddress local, String path, String origin,
            Listener listener) {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        URI uri = URI.create("ws://" + server.getHostString() + ":" + server.getPort() + path);
        WebSocketClient client = new WebSocketClient(uri, new Draft_6455(), Map.of("Origin", origin), 30_000) {
            @Override
            public void onOpen(ServerHandshake handshake) {
                opened.complete(new JwsConnection(this));
            }

            @Override
            public void onMessage(String message) {
                listener.onText(message);
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                if (!opened.completeExceptionally(new IOException("closed before open: " + code + " " + reason))) {
                    listener.onClose(code);
                }
            }

            @Override
            public void onError(Exception e) {
                opened.completeExceptionally(e);
            }
        };
        client.setTcpNoDelay(true);
        client.setConnectionLostTimeout(0);
        if (local != null) {
            client.setSocketFactory(new BoundSocketFactory(local));
        }
        clients.add(client);
        client.connect();
        return opened;
    }

    @Override
    public void close() {
        for (WebSocketClient client : clients) {
            client.close();
        }
    }

    @Override
    public String name() {
        return "jws";
    }

    private record JwsConnection(WebSocketClient client) implements Connection {
        @Override
        public void sendText(byte[] utf8, int length) {
            client.send(new String(utf8, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Unconnected sockets bound to one local address (the client connects them itself). */
    private static final class BoundSocketFactory extends SocketFactory {
        private final InetAddress local;

        BoundSocketFactory(InetAddress local) {
            this.local = local;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(local, 0));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }
    }
}

package io.channels4j.server;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * Creates the library's connection objects (plain or TLS) and records when each was accepted, so
 * the timer can close connections whose request head never completes: the library itself has no
 * such timeout. Each connection reports to the given listener (the server, with write requests
 * routed by {@link DemandRoutingListener}) rather than to the server directly.
 */
final class TrackingSocketFactory implements WebSocketServerFactory {

    private final WebSocketServerFactory delegate;
    private final Map<WebSocketImpl, Long> handshaking;
    private final WebSocketListener listener;

    TrackingSocketFactory(SSLContext sslContext, Map<WebSocketImpl, Long> handshaking, WebSocketListener listener) {
        this.delegate = sslContext == null ? new DefaultWebSocketServerFactory()
                : new DefaultSSLWebSocketServerFactory(sslContext);
        this.handshaking = handshaking;
        this.listener = listener;
    }

    /** As the library's factories, plain and TLS alike (they differ only in {@link #wrapChannel}). */
    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
        return track(new WebSocketImpl(listener, draft));
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
        return track(new WebSocketImpl(listener, drafts));
    }

    private WebSocketImpl track(WebSocketImpl socket) {
        handshaking.put(socket, System.nanoTime());
        return socket;
    }

    @Override
    public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
        return delegate.wrapChannel(channel, key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

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
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * Creates the library's connection objects (plain or TLS) and records when each was accepted, so
 * the timer can close connections whose request head never completes: the library itself has no
 * such timeout.
 */
final class TrackingSocketFactory implements WebSocketServerFactory {

    private final WebSocketServerFactory delegate;
    private final Map<WebSocketImpl, Long> handshaking;

    TrackingSocketFactory(SSLContext sslContext, Map<WebSocketImpl, Long> handshaking) {
        this.delegate = sslContext == null ? new DefaultWebSocketServerFactory()
                : new DefaultSSLWebSocketServerFactory(sslContext);
        this.handshaking = handshaking;
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
        return track(delegate.createWebSocket(adapter, draft));
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
        return track(delegate.createWebSocket(adapter, drafts));
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

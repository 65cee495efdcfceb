package io.channels4j.server;

import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.routing.NoRouteFoundException;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.java_websocket.WebSocketImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request/response exchange: the body goes to the application as {@code http.request}
 * chunks, its {@code http.response.start} and {@code http.response.body} events come back as
 * bytes. One request per connection ({@code Connection: close}): the body ends with the
 * connection unless the application gives a {@code Content-Length}, so streamed responses
 * (server-sent events) need no chunked encoding.
 *
 * <p>Outbound backpressure: a body chunk waits (on the application's thread) while more than the
 * outbound cap is queued for a slow client, and the exchange is aborted if the client makes no
 * progress for the ping timeout.
 */
final class HttpConnection extends ServerConnection {

    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);

    private final long contentLength;
    private volatile long received;
    private volatile long lastBodyBytesNanos = System.nanoTime();
    private final AtomicBoolean disconnectSent = new AtomicBoolean();
    private int status;
    private Headers responseHeaders;
    private boolean headSent;
    private boolean complete;
    private long bytesSent;

    HttpConnection(Engine engine, WebSocketImpl socket, ServerDraft draft, Scope scope, long contentLength) {
        super(engine, socket, draft, scope);
        this.contentLength = contentLength;
    }

    /** Starts the application with the body that has arrived so far; decoder thread. */
    void start() {
        if (contentLength == 0) {
            inbox.put(Events.httpRequest(new byte[0], false));
        }
        startApplication();
    }

    @Override
    void onRequestBytes(ByteBuffer bytes) {
        long missing = contentLength - received;
        if (missing <= 0) {
            return; // one request per connection: anything after the body is ignored
        }
        int take = (int) Math.min(missing, bytes.remaining());
        byte[] chunk = new byte[take];
        bytes.get(chunk);
        received += take;
        lastBodyBytesNanos = System.nanoTime();
        inbox.put(Events.httpRequest(chunk, received < contentLength));
    }

    @Override
    void socketClosed(int code, boolean remote) {
        markSocketClosed();
        // lock-free: the engine calls this holding its own connection lock
        if (disconnectSent.compareAndSet(false, true)) {
            inbox.put(Events.httpDisconnect());
        }
    }

    @Override
    public void send(Message message) {
        String type = message.type();
        if (Events.HTTP_RESPONSE_START.equals(type)) {
            start(message);
        } else if (Events.HTTP_RESPONSE_BODY.equals(type)) {
            byte[] body = message.getBytes("body");
            body(body == null ? new byte[0] : body, message.getBoolean("more_body", false));
        } else {
            throw new IllegalArgumentException("an http application cannot send '" + type + "'");
        }
    }

    private synchronized void start(Message message) {
        if (responseHeaders != null) {
            throw new IllegalStateException("http.response.start sent twice for " + scope.path());
        }
        int code = message.getInt("status");
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("invalid HTTP status " + code);
        }
        Headers headers = Headers.fromPairs(message.getList("headers"));
        HttpResponses.head(code, headers, null); // validates now, in the application's call
        status = code;
        responseHeaders = headers;
    }

    private void body(byte[] chunk, boolean moreBody) {
        byte[] head = null;
        synchronized (this) {
            if (responseHeaders == null) {
                throw new IllegalStateException("http.response.body before http.response.start for " + scope.path());
            }
            if (complete) {
                throw new IllegalStateException("http.response.body after the response completed for " + scope.path());
            }
            if (!headSent) {
                headSent = true;
                head = responseHead(chunk, moreBody);
            }
            if (!moreBody) {
                complete = true;
            }
        }
        if (head != null && !writeRaw(head)) {
            return;
        }
        if (chunk.length > 0 && !"HEAD".equals(scope.method())) {
            awaitOutboundRoom();
            if (writeRaw(chunk)) {
                synchronized (this) {
                    bytesSent += chunk.length;
                }
            }
        }
        if (!moreBody) {
            finish();
        }
    }

    private byte[] responseHead(byte[] firstChunk, boolean moreBody) {
        boolean hasLength = responseHeaders.contains("content-length");
        String[] extra = !hasLength && !moreBody
                ? new String[] {"Content-Length", String.valueOf(firstChunk.length), "Connection", "close"}
                : new String[] {"Connection", "close"};
        return HttpResponses.head(status, responseHeaders, engine.settings().serverName(), extra);
    }

    private void finish() {
        long size;
        synchronized (this) {
            size = bytesSent;
        }
        engine.accessLog(scope.client(), scope.method(), scope.rawPath(), scope.queryString(), status, size);
        socket.close(); // flushes what is queued, then closes
    }

    /** Waits while a slow client has more than the cap queued; aborts when it makes no progress. */
    private void awaitOutboundRoom() {
        long cap = engine.settings().maxOutboundBytes();
        long queued = queuedBytes();
        long lastProgress = System.nanoTime();
        while (queued > cap) {
            if (isSocketClosed() || !socket.isOpen()) {
                return;
            }
            if (System.nanoTime() - lastProgress > engine.settings().pingTimeout().toNanos()) {
                log.warn("aborting the response to {} for {}: the client stopped reading", scope.path(), clientForLog());
                socket.closeConnection(org.java_websocket.framing.CloseFrame.ABNORMAL_CLOSE, "client stopped reading");
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            long now = queuedBytes();
            if (now < queued) {
                lastProgress = System.nanoTime();
            }
            queued = now;
        }
    }

    /**
     * A request body that stops arriving is given up on after the connect timeout without a byte
     * (slowloris on bodies): the client gets 408 if no response has started, and the socket is
     * closed either way, which ends the application with {@code http.disconnect}.
     */
    @Override
    void sweep(long now) {
        super.sweep(now);
        if (received >= contentLength || isSocketClosed()
                || now - lastBodyBytesNanos <= engine.settings().connectTimeout().toNanos()) {
            return;
        }
        boolean answer;
        synchronized (this) {
            answer = responseHeaders == null && !headSent;
            if (answer) {
                complete = true;
                headSent = true;
                status = 408;
            }
        }
        log.info("giving up on the request body of {} {} from {}: nothing for {}", scope.method(), scope.path(),
                clientForLog(), engine.settings().connectTimeout());
        if (answer) {
            writeRaw(HttpResponses.simple(408, "Request Timeout", engine.settings().serverName(), false));
            socket.close();
        } else {
            socket.closeConnection(org.java_websocket.framing.CloseFrame.ABNORMAL_CLOSE, "request body timed out");
        }
    }

    @Override
    void applicationReturned(Throwable failure) {
        boolean started;
        boolean done;
        synchronized (this) {
            started = headSent;
            done = complete;
        }
        if (failure != null && !(failure instanceof InterruptedException && isSocketClosed())) {
            if (failure instanceof NoRouteFoundException) {
                log.debug("no route for {} {}", scope.method(), scope.path());
            } else {
                log.error("Exception inside application for {} {} (client {})", scope.method(), scope.path(),
                        clientForLog(), failure);
            }
        }
        if (done) {
            return;
        }
        if (!started) {
            int code = failure instanceof NoRouteFoundException ? 404 : 500;
            String text = code == 404 ? "Not Found" : failure == null
                    ? "Internal Server Error: the application sent no response" : "Internal Server Error";
            synchronized (this) {
                status = code;
                complete = true;
            }
            byte[] response = HttpResponses.simple(code, text, engine.settings().serverName(), "HEAD".equals(scope.method()));
            long bodyLength = "HEAD".equals(scope.method()) ? 0 : (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            engine.accessLog(scope.client(), scope.method(), scope.rawPath(), "", code, bodyLength);
            writeRaw(response);
            socket.close();
        } else {
            // a response cut short: the client sees the connection close before the body ended
            socket.closeConnection(org.java_websocket.framing.CloseFrame.ABNORMAL_CLOSE, "application ended mid-response");
        }
    }
}

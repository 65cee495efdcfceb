package io.channels4j.consumer;

import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.StopConsumer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP consumer, Channels' {@code AsyncHttpConsumer}: override {@link #handle(byte[])} and
 * answer with {@link #sendResponse}, or with {@link #sendHeaders} and {@link #sendBody} for a
 * streamed response.
 *
 * <p><b>Lifecycle.</b> The request body is collected from every {@code http.request} chunk, then
 * {@link #handle(byte[])} runs once. When the response is complete (a body chunk without
 * {@code moreBody}), {@link #disconnect()} runs and the consumer stops. A response still open when
 * {@code handle} returns keeps the consumer alive: channel-layer messages keep arriving at their
 * handlers, which may {@link #sendBody send more} (server-sent events) or answer late (long-poll),
 * until the response completes or the client goes away ({@code http.disconnect}).
 *
 * <p><b>Errors.</b> An exception from {@code handle} (or from any handler) is never swallowed: if
 * no response has started the client gets a 500, then the exception propagates so the server logs
 * it. {@link #disconnect()} runs exactly once in every case.
 *
 * <p><b>Threading.</b> As in {@link Consumer}: one event at a time on the connection's thread.
 */
public abstract class HttpConsumer extends Consumer {

    private static final Logger log = LoggerFactory.getLogger(HttpConsumer.class);

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean disconnected;

    /** Creates the consumer. */
    protected HttpConsumer() {
    }

    /**
     * Handles the request once its whole body has arrived.
     *
     * @param body the request body; empty for GET
     * @throws Exception anything; becomes a 500 if no response has started
     */
    public abstract void handle(byte[] body) throws Exception;

    /** Called exactly once when the exchange is over; do not send from here. */
    public void disconnect() {
    }

    /**
     * Starts the response. Nothing reaches the client before the first {@link #sendBody}.
     *
     * @param status  the status code
     * @param headers the response headers
     * @throws IllegalStateException if the response has already started
     */
    public void sendHeaders(int status, Headers headers) {
        if (responseStarted) {
            throw new IllegalStateException("response headers were already sent");
        }
        sendEvent(Events.httpResponseStart(status, headers));
        responseStarted = true;
    }

    /**
     * Starts the response with headers from a map.
     *
     * @param status  the status code
     * @param headers name to value
     */
    public void sendHeaders(int status, Map<String, String> headers) {
        Headers.Field[] fields = headers.entrySet().stream()
                .map(e -> new Headers.Field(e.getKey(), e.getValue()))
                .toArray(Headers.Field[]::new);
        sendHeaders(status, Headers.of(java.util.List.of(fields)));
    }

    /**
     * Sends a body chunk.
     *
     * @param chunk    the bytes
     * @param moreBody true to keep the response open for more chunks
     * @throws IllegalStateException if headers were not sent or the response is complete
     */
    public void sendBody(byte[] chunk, boolean moreBody) {
        if (!responseStarted) {
            throw new IllegalStateException("call sendHeaders before sendBody");
        }
        if (responseComplete) {
            throw new IllegalStateException("the response is already complete");
        }
        sendEvent(Events.httpResponseBody(chunk, moreBody));
        if (!moreBody) {
            responseComplete = true;
        }
    }

    /**
     * Sends the last body chunk.
     *
     * @param chunk the bytes
     */
    public void sendBody(byte[] chunk) {
        sendBody(chunk, false);
    }

    /**
     * Sends a whole response.
     *
     * @param status  the status code
     * @param body    the body
     * @param headers the headers
     */
    public void sendResponse(int status, byte[] body, Headers headers) {
        sendHeaders(status, headers);
        sendBody(body, false);
    }

    /**
     * Sends a whole text response with a {@code Content-Type}.
     *
     * @param status      the status code
     * @param text        the body, sent as UTF-8
     * @param contentType e.g. {@code text/plain; charset=utf-8}
     */
    public void sendResponse(int status, String text, String contentType) {
        sendResponse(status, text.getBytes(StandardCharsets.UTF_8), Headers.of("content-type", contentType));
    }

    /** @return true once the response status has been sent */
    public final boolean isResponseStarted() {
        return responseStarted;
    }

    /** @return true once the last body chunk has been sent */
    public final boolean isResponseComplete() {
        return responseComplete;
    }

    /**
     * Handles {@code http.request}: collects the body; runs {@link #handle(byte[])} on the last chunk.
     *
     * @param event the event
     * @throws Exception what {@code handle} throws
     */
    public void httpRequest(Message event) throws Exception {
        if (requestComplete) {
            throw new IllegalStateException("http.request after the request body was complete");
        }
        byte[] chunk = event.getBytes("body");
        if (chunk != null) {
            body.write(chunk);
        }
        if (!event.getBoolean("more_body", false)) {
            requestComplete = true;
            byte[] whole = body.toByteArray();
            body.reset();
            handle(whole);
        }
    }

    /**
     * Handles {@code http.disconnect}: runs {@link #disconnect()} and stops.
     *
     * @param event the event
     */
    public void httpDisconnect(Message event) {
        runDisconnect();
        throw new StopConsumer();
    }

    @Override
    protected void dispatch(Message event) throws Exception {
        super.dispatch(event);
        if (responseComplete) {
            runDisconnect();
            throw new StopConsumer();
        }
    }

    @Override
    protected void onExit(Throwable failure) {
        if (failure != null && !(failure instanceof InterruptedException) && !responseStarted) {
            try {
                sendResponse(500, "Internal Server Error", "text/plain; charset=utf-8");
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        } else if (failure != null && responseStarted && !responseComplete) {
            log.warn("HTTP response to {} cut short by an error", scope().path());
        }
        try {
            runDisconnect();
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private void runDisconnect() {
        if (!disconnected) {
            disconnected = true;
            disconnect();
        }
    }
}

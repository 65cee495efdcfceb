package io.channels4j.testing;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Drives an HTTP application in-process, as Channels' {@code HttpCommunicator}: sends the request
 * (one {@code http.request} with the whole body) and collects the response.
 *
 * <pre>{@code
 * var response = new HttpCommunicator(application, "GET", "/chat/").getResponse();
 * assertThat(response.status()).isEqualTo(200);
 * }</pre>
 *
 * <p>For streamed responses (server-sent events) read the events one by one with
 * {@link #receiveOutput()} after {@link #sendRequest()}. Threading and timeouts as in
 * {@link ApplicationCommunicator}.
 */
public class HttpCommunicator extends ApplicationCommunicator {

    /**
     * A complete response.
     *
     * @param status  the status code
     * @param headers the response headers
     * @param body    the whole body
     */
    public record Response(int status, Headers headers, byte[] body) {
        /** @return the body decoded as UTF-8 */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final byte[] body;
    private boolean requestSent;

    /**
     * Starts the application for a request without body or headers.
     *
     * @param application the application
     * @param method      the method, e.g. {@code GET}
     * @param path        the path, optionally with {@code ?query}
     */
    public HttpCommunicator(Application application, String method, String path) {
        this(application, method, path, new byte[0], Headers.empty());
    }

    /**
     * Starts the application for a request.
     *
     * @param application the application
     * @param method      the method
     * @param path        the path, optionally with {@code ?query}
     * @param body        the request body
     * @param headers     the request headers
     */
    public HttpCommunicator(Application application, String method, String path, byte[] body, Headers headers) {
        super(application, Scope.builder(Scope.HTTP)
                .method(Objects.requireNonNull(method, "method").toUpperCase(java.util.Locale.ROOT))
                .url(Objects.requireNonNull(path, "path"))
                .scheme("http")
                .httpVersion("1.1")
                .headers(headers)
                .build());
        this.body = body.clone();
    }

    /** Sends the request body as one {@code http.request} event (once). */
    public void sendRequest() {
        if (!requestSent) {
            requestSent = true;
            sendInput(Events.httpRequest(body, false));
        }
    }

    /**
     * Sends the request and waits (1 s per event) for the complete response.
     *
     * @return the response
     */
    public Response getResponse() {
        return getResponse(DEFAULT_TIMEOUT);
    }

    /**
     * Sends the request and waits for the complete response.
     *
     * @param timeout how long to wait for each event
     * @return the response
     * @throws AssertionError if the events are out of protocol or do not arrive in time
     */
    public Response getResponse(Duration timeout) {
        sendRequest();
        Message start = receiveOutput(timeout);
        if (!Events.HTTP_RESPONSE_START.equals(start.type())) {
            throw new AssertionError("expected http.response.start, got " + start);
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            Message chunk = receiveOutput(timeout);
            if (!Events.HTTP_RESPONSE_BODY.equals(chunk.type())) {
                throw new AssertionError("expected http.response.body, got " + chunk);
            }
            byte[] bytes = chunk.getBytes("body");
            if (bytes != null) {
                content.writeBytes(bytes);
            }
            if (!chunk.getBoolean("more_body", false)) {
                break;
            }
        }
        return new Response(start.getInt("status"), Headers.fromPairs(start.getList("headers")), content.toByteArray());
    }
}

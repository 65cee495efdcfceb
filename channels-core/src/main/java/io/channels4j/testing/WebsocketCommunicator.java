package io.channels4j.testing;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.Scope;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Drives a WebSocket application in-process, as Channels' {@code WebsocketCommunicator}:
 *
 * <pre>{@code
 * try (var client = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
 *     assertThat(client.connect().accepted()).isTrue();
 *     client.sendJsonTo(Map.of("message", "hello"));
 *     assertThat(client.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
 *     client.disconnect();
 * }
 * }</pre>
 *
 * <p>It behaves like a server where that matters to a consumer: {@code websocket.send} before
 * {@code websocket.accept} fails in the application, and a {@code websocket.close} from the
 * application is answered with {@code websocket.disconnect} carrying the same code, so
 * {@code disconnect(code)} runs as it would behind a real socket.
 *
 * <p>The scope holds {@code type}, {@code path}, {@code raw_path}, {@code query_string},
 * {@code headers}, {@code subprotocols} and scheme {@code ws}, and no client or server address,
 * as in Channels. Threading and timeouts as in {@link ApplicationCommunicator}.
 */
public class WebsocketCommunicator extends ApplicationCommunicator {

    /**
     * The outcome of {@link #connect()}.
     *
     * @param accepted    whether the application accepted
     * @param subprotocol the chosen subprotocol when accepted, else null
     * @param closeCode   the close code when rejected, else 0
     * @param headers     extra headers the application accepted with
     */
    public record ConnectResult(boolean accepted, String subprotocol, int closeCode, Headers headers) {
    }

    private volatile boolean accepted;
    private volatile boolean closed;

    /**
     * Starts the application for a path.
     *
     * @param application the application, e.g. a router or {@code Consumer.asApplication(...)}
     * @param path        the path, optionally with {@code ?query}
     */
    public WebsocketCommunicator(Application application, String path) {
        this(application, path, Headers.empty(), List.of());
    }

    /**
     * Starts the application for a path with headers and offered subprotocols.
     *
     * @param application  the application
     * @param path         the path, optionally with {@code ?query}
     * @param headers      request headers (e.g. {@code origin}, {@code cookie})
     * @param subprotocols subprotocols the client offers
     */
    public WebsocketCommunicator(Application application, String path, Headers headers, List<String> subprotocols) {
        this(application, Scope.builder(Scope.WEBSOCKET)
                .url(Objects.requireNonNull(path, "path"))
                .scheme("ws")
                .headers(headers)
                .subprotocols(subprotocols)
                .build());
    }

    /**
     * Starts the application with a scope built by the test.
     *
     * @param application the application
     * @param scope       a {@code websocket} scope
     */
    public WebsocketCommunicator(Application application, Scope scope) {
        super(application, requireWebsocket(scope));
    }

    private static Scope requireWebsocket(Scope scope) {
        if (!Scope.WEBSOCKET.equals(scope.type())) {
            throw new IllegalArgumentException("WebsocketCommunicator needs a websocket scope, got " + scope.type());
        }
        return scope;
    }

    @Override
    protected void onOutput(Message event) {
        String type = event.type();
        if (Events.WEBSOCKET_ACCEPT.equals(type)) {
            if (accepted || closed) {
                throw new IllegalStateException("websocket.accept on a connection that is already "
                        + (closed ? "closed" : "accepted"));
            }
            accepted = true;
        } else if (Events.WEBSOCKET_SEND.equals(type)) {
            if (!accepted) {
                throw new IllegalStateException("websocket.send before websocket.accept");
            }
            if (event.has("text") == event.has("bytes")) {
                throw new IllegalArgumentException("websocket.send needs exactly one of 'text' and 'bytes': " + event);
            }
        } else if (Events.WEBSOCKET_CLOSE.equals(type)) {
            super.onOutput(event);
            if (!closed) {
                closed = true;
                // A server answers a close with the disconnect event once the socket is down.
                sendInput(Events.websocketDisconnect(event.getInt("code", Events.CLOSE_NORMAL)));
            }
            return;
        }
        super.onOutput(event);
    }

    /**
     * Sends {@code websocket.connect} and waits for the answer.
     *
     * @return accepted with subprotocol, or rejected with close code
     */
    public ConnectResult connect() {
        return connect(DEFAULT_TIMEOUT);
    }

    /**
     * Sends {@code websocket.connect} and waits for the answer.
     *
     * @param timeout how long to wait
     * @return accepted with subprotocol, or rejected with close code
     * @throws AssertionError if the application answers with something else or not at all
     */
    public ConnectResult connect(Duration timeout) {
        sendInput(Events.websocketConnect());
        Message answer = receiveOutput(timeout);
        return switch (answer.type()) {
            case Events.WEBSOCKET_ACCEPT -> new ConnectResult(true, answer.getString("subprotocol"), 0,
                    Headers.fromPairs(answer.getList("headers")));
            case Events.WEBSOCKET_CLOSE -> new ConnectResult(false, null,
                    answer.getInt("code", Events.CLOSE_NORMAL), Headers.empty());
            default -> throw new AssertionError("expected websocket.accept or websocket.close, got " + answer);
        };
    }

    /**
     * Sends a text frame.
     *
     * @param text the text
     */
    public void sendTo(String text) {
        sendInput(Events.websocketText(Events.WEBSOCKET_RECEIVE, text));
    }

    /**
     * Sends a binary frame.
     *
     * @param bytes the bytes
     */
    public void sendTo(byte[] bytes) {
        sendInput(Events.websocketBytes(Events.WEBSOCKET_RECEIVE, bytes));
    }

    /**
     * Sends a value as a JSON text frame.
     *
     * @param value a Map, List, record or anything Jackson writes
     */
    public void sendJsonTo(Object value) {
        sendTo(Json.stringify(value));
    }

    /**
     * Waits for a text frame.
     *
     * @return its text
     * @throws AssertionError if the next event is not a text frame or none arrives in time
     */
    public String receiveFrom() {
        return receiveFrom(DEFAULT_TIMEOUT);
    }

    /**
     * Waits for a text frame.
     *
     * @param timeout how long to wait
     * @return its text
     * @throws AssertionError if the next event is not a text frame or none arrives in time
     */
    public String receiveFrom(Duration timeout) {
        Message event = receiveSend(timeout);
        String text = event.getString("text");
        if (text == null) {
            throw new AssertionError("expected a text frame, got a binary frame: " + event);
        }
        return text;
    }

    /**
     * Waits for a binary frame.
     *
     * @return its bytes
     * @throws AssertionError if the next event is not a binary frame or none arrives in time
     */
    public byte[] receiveBytesFrom() {
        Message event = receiveSend(DEFAULT_TIMEOUT);
        byte[] bytes = event.getBytes("bytes");
        if (bytes == null) {
            throw new AssertionError("expected a binary frame, got a text frame: " + event);
        }
        return bytes;
    }

    /**
     * Waits for a text frame holding JSON.
     *
     * @return the decoded JSON
     * @throws AssertionError if the next event is not a JSON text frame or none arrives in time
     */
    public JsonNode receiveJsonFrom() {
        String text = receiveFrom();
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("expected JSON, got: " + text, e);
        }
    }

    /**
     * Waits for the application to close the connection.
     *
     * @return the close event (with {@code code} and maybe {@code reason})
     * @throws AssertionError if the next event is not a close or none arrives in time
     */
    public Message receiveClose() {
        Message event = receiveOutput();
        if (!Events.WEBSOCKET_CLOSE.equals(event.type())) {
            throw new AssertionError("expected websocket.close, got " + event);
        }
        return event;
    }

    /**
     * Closes the connection from the client side with 1000 and waits for the application to end.
     */
    public void disconnect() {
        disconnect(Events.CLOSE_NORMAL);
    }

    /**
     * Closes the connection from the client side and waits (1 s) for the application to end.
     *
     * @param code the close code the application's {@code disconnect} sees
     * @throws AssertionError if the application does not end in time or failed
     */
    public void disconnect(int code) {
        if (!closed) {
            closed = true;
            sendInput(Events.websocketDisconnect(code));
        }
        await(DEFAULT_TIMEOUT);
    }

    private Message receiveSend(Duration timeout) {
        Message event = receiveOutput(timeout);
        if (!Events.WEBSOCKET_SEND.equals(event.type())) {
            throw new AssertionError("expected websocket.send, got " + event);
        }
        return event;
    }
}

package io.channels4j;

import java.util.Objects;

/**
 * The closed family of protocol event types ({@code websocket.*}, {@code http.*}) in one place,
 * with factories for well-formed events. Field names follow the ASGI spec.
 *
 * <p>Client to application: {@link #WEBSOCKET_CONNECT}, {@link #WEBSOCKET_RECEIVE},
 * {@link #WEBSOCKET_DISCONNECT}, {@link #HTTP_REQUEST}, {@link #HTTP_DISCONNECT}.
 * Application to client: {@link #WEBSOCKET_ACCEPT}, {@link #WEBSOCKET_SEND},
 * {@link #WEBSOCKET_CLOSE}, {@link #HTTP_RESPONSE_START}, {@link #HTTP_RESPONSE_BODY}.
 */
public final class Events {

    /** A client opened a WebSocket handshake. No fields. */
    public static final String WEBSOCKET_CONNECT = "websocket.connect";
    /** The application accepts the handshake. Fields: {@code subprotocol}, {@code headers}. */
    public static final String WEBSOCKET_ACCEPT = "websocket.accept";
    /** A data frame from the client. Fields: {@code text} or {@code bytes}. */
    public static final String WEBSOCKET_RECEIVE = "websocket.receive";
    /** A data frame to the client. Fields: {@code text} or {@code bytes}. */
    public static final String WEBSOCKET_SEND = "websocket.send";
    /** The application closes (or, before accept, rejects). Fields: {@code code}, {@code reason}. */
    public static final String WEBSOCKET_CLOSE = "websocket.close";
    /** The connection is gone. Fields: {@code code}, {@code reason}. */
    public static final String WEBSOCKET_DISCONNECT = "websocket.disconnect";

    /** A chunk of request body. Fields: {@code body}, {@code more_body}. */
    public static final String HTTP_REQUEST = "http.request";
    /** Response status and headers. Fields: {@code status}, {@code headers}. */
    public static final String HTTP_RESPONSE_START = "http.response.start";
    /** A chunk of response body. Fields: {@code body}, {@code more_body}. */
    public static final String HTTP_RESPONSE_BODY = "http.response.body";
    /** The client went away, or the response is complete. No fields. */
    public static final String HTTP_DISCONNECT = "http.disconnect";

    /** Close code of a normal close. */
    public static final int CLOSE_NORMAL = 1000;
    /** Close code: going away (server shutdown). */
    public static final int CLOSE_GOING_AWAY = 1001;
    /** Close code: a frame type the endpoint cannot take (e.g. binary where text is expected). */
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;
    /** Close code reported when the connection dropped without a close frame. */
    public static final int CLOSE_ABNORMAL = 1006;
    /** Close code: data inconsistent with the message type (e.g. invalid UTF-8 or JSON). */
    public static final int CLOSE_INVALID_PAYLOAD = 1007;
    /** Close code: policy violation. */
    public static final int CLOSE_POLICY_VIOLATION = 1008;
    /** Close code: message too big. */
    public static final int CLOSE_TOO_BIG = 1009;
    /** Close code: the server hit an unexpected error (an application exception). */
    public static final int CLOSE_INTERNAL_ERROR = 1011;
    /** Close code: try again later (server overloaded). */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;

    /** Events that carry nothing but their type are immutable and equal: one instance each. */
    private static final Message CONNECT = Message.of(Message.TYPE, WEBSOCKET_CONNECT);
    private static final Message PLAIN_ACCEPT = Message.builder(WEBSOCKET_ACCEPT).build();

    private Events() {
    }

    /** @return a {@code websocket.connect} event (one shared instance: messages are immutable) */
    public static Message websocketConnect() {
        return CONNECT;
    }

    /**
     * A {@code websocket.accept} event.
     *
     * @param subprotocol the chosen subprotocol, or null for none
     * @param headers     extra response headers for the 101, or null/empty for none
     * @return the event
     */
    public static Message websocketAccept(String subprotocol, Headers headers) {
        if (subprotocol == null && (headers == null || headers.isEmpty())) {
            return PLAIN_ACCEPT;
        }
        Message.Builder b = Message.builder(WEBSOCKET_ACCEPT).putIfNotNull("subprotocol", subprotocol);
        if (headers != null && !headers.isEmpty()) {
            b.put("headers", headers.toPairs());
        }
        return b.build();
    }

    /**
     * A {@code websocket.receive} or {@code websocket.send} text event.
     *
     * @param type {@link #WEBSOCKET_RECEIVE} or {@link #WEBSOCKET_SEND}
     * @param text the frame's text
     * @return the event
     */
    public static Message websocketText(String type, String text) {
        return Message.of(Message.TYPE, type, "text", Objects.requireNonNull(text, "text"));
    }

    /**
     * A {@code websocket.receive} or {@code websocket.send} binary event.
     *
     * @param type  {@link #WEBSOCKET_RECEIVE} or {@link #WEBSOCKET_SEND}
     * @param bytes the frame's bytes
     * @return the event
     */
    public static Message websocketBytes(String type, byte[] bytes) {
        return Message.of(Message.TYPE, type, "bytes", Objects.requireNonNull(bytes, "bytes"));
    }

    /**
     * A {@code websocket.close} event.
     *
     * @param code   the close code (1000 normal; before accept any close rejects with HTTP 403)
     * @param reason the reason text, or null
     * @return the event
     */
    public static Message websocketClose(int code, String reason) {
        return Message.builder(WEBSOCKET_CLOSE).put("code", code).putIfNotNull("reason", reason).build();
    }

    /**
     * A {@code websocket.disconnect} event.
     *
     * @param code the close code
     * @return the event
     */
    public static Message websocketDisconnect(int code) {
        return Message.of(Message.TYPE, WEBSOCKET_DISCONNECT, "code", code);
    }

    /**
     * An {@code http.request} event.
     *
     * @param body     the chunk
     * @param moreBody whether more chunks follow
     * @return the event
     */
    public static Message httpRequest(byte[] body, boolean moreBody) {
        return Message.of(Message.TYPE, HTTP_REQUEST, "body", body, "more_body", moreBody);
    }

    /**
     * An {@code http.response.start} event.
     *
     * @param status  the status code
     * @param headers the response headers
     * @return the event
     */
    public static Message httpResponseStart(int status, Headers headers) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status must be 100..999, was " + status);
        }
        return Message.of(Message.TYPE, HTTP_RESPONSE_START, "status", status, "headers",
                (headers == null ? Headers.empty() : headers).toPairs());
    }

    /**
     * An {@code http.response.body} event.
     *
     * @param body     the chunk
     * @param moreBody whether more chunks follow
     * @return the event
     */
    public static Message httpResponseBody(byte[] body, boolean moreBody) {
        return Message.of(Message.TYPE, HTTP_RESPONSE_BODY, "body", body, "more_body", moreBody);
    }

    /** @return an {@code http.disconnect} event */
    public static Message httpDisconnect() {
        return Message.of(Message.TYPE, HTTP_DISCONNECT);
    }
}

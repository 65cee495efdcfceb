package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.routing.ProtocolTypeRouter;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The application {@link SecretsNotLoggedIT} runs through the command line, which loads it by
 * name: {@code /fail} throws (a 500 and an error log record), any other HTTP path is 200, and a
 * WebSocket echoes text.
 */
public final class SecretsFixture {

    /** The application, as {@code io.channels4j.server.SecretsFixture:application}. */
    public static final Application application = ProtocolTypeRouter.of(Map.of(
            "http", (scope, receive, send) -> {
                receive.receive();
                if (scope.path().equals("/fail")) {
                    throw new IllegalStateException("failing on purpose");
                }
                send.send(Events.httpResponseStart(200, Headers.of("content-type", "text/plain")));
                send.send(Events.httpResponseBody("ok".getBytes(StandardCharsets.US_ASCII), false));
            },
            "websocket", (scope, receive, send) -> {
                receive.receive(); // websocket.connect
                send.send(Events.websocketAccept(null, Headers.of()));
                while (true) {
                    Message event = receive.receive();
                    if (!Events.WEBSOCKET_RECEIVE.equals(event.type())) {
                        return; // websocket.disconnect
                    }
                    send.send(Events.websocketText(Events.WEBSOCKET_SEND, event.getString("text")));
                }
            }));

    private SecretsFixture() {
    }
}

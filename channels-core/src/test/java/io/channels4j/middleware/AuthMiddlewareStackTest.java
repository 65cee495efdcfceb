package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Message;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthMiddlewareStackTest {

    @Test
    void wrap_withoutAccounts_givesEveryConnectionTheAnonymousUser() throws Exception {
        LinkedBlockingQueue<User> seen = new LinkedBlockingQueue<>();
        Application inner = (scope, receive, send) -> {
            Message connect = receive.receive();
            assertThat(connect.type()).isEqualTo(Events.WEBSOCKET_CONNECT);
            seen.add(Auth.user(scope));
            send.send(Events.websocketAccept(null, null));
            receive.receive();
        };
        try (var client = new WebsocketCommunicator(AuthMiddlewareStack.wrap(inner), "/ws/")) {
            assertThat(client.connect().accepted()).isTrue();
            User user = seen.poll(5, TimeUnit.SECONDS);
            assertThat(user).isNotNull();
            assertThat(user.isAuthenticated()).isFalse();
            client.disconnect();
            client.await(Duration.ofSeconds(2));
        }
    }
}

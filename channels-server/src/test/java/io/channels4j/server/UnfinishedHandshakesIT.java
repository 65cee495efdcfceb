package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hundred connections that never complete a request head (slowloris): silent ones, half heads,
 * heads stopped one byte short. Each is closed by the connect timeout, meanwhile the server keeps
 * answering a well-behaved client, and afterwards it holds no more file descriptors than before.
 */
class UnfinishedHandshakesIT {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** The timer runs every 250 ms; generous for a loaded machine. */
    static final Duration BOUND = CONNECT_TIMEOUT.plusSeconds(3);
    static final int CONNECTIONS = 100;

    /** Echoes text. */
    public static class Echo extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(text);
        }
    }

    static Application application() {
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(List.of(
                path("ws/echo/", Consumer.asApplication(Echo::new, new ChannelLayers()))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(UnfinishedHandshakesIT::application,
            b -> b.connectTimeout(CONNECT_TIMEOUT));

    @Test
    void hundredUnfinishedHandshakes_areAllClosedByTheConnectTimeout_whileOthersAreServed() throws Exception {
        long fdsBefore = openFileDescriptors();
        String head = RawSocket.upgradeRequest("/ws/echo/", RawSocket.newKey(), "");
        List<RawSocket> sockets = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                RawSocket raw = RawSocket.connect(server.server().port());
                sockets.add(raw);
                switch (i % 3) {
                    case 0 -> { } // nothing at all
                    case 1 -> raw.writeLatin1(head.substring(0, head.length() / 2));
                    default -> raw.writeLatin1(head.substring(0, head.length() - 1)); // one byte short
                }
            }
            // meanwhile a well-behaved client is served at once
            try (RawSocket good = RawSocket.connect(server.server().port())) {
                good.handshake("/ws/echo/");
                good.sendText("served meanwhile");
                assertThat(good.readFrameSkippingPings().text()).isEqualTo("served meanwhile");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("served before the timeouts")
                        .isLessThan(CONNECT_TIMEOUT.plus(BOUND));
            }
            long deadline = start + BOUND.toNanos();
            for (int i = 0; i < sockets.size(); i++) {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                byte[] received = sockets.get(i).awaitClosedByPeer(left);
                assertThat(received).as("connection %d (%s) closed by the server within %s, without a word", i,
                        i % 3 == 0 ? "silent" : i % 3 == 1 ? "half a head" : "one byte short", BOUND).isNotNull().isEmpty();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("all closed")
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(100));
        } finally {
            for (RawSocket raw : sockets) {
                raw.close();
            }
        }
        try (RawSocket after = RawSocket.connect(server.server().port())) {
            after.handshake("/ws/echo/");
            after.sendText("still serving");
            assertThat(after.readFrameSkippingPings().text()).isEqualTo("still serving");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openFileDescriptors())
                .as("file descriptors of this JVM (%d before)", fdsBefore).isLessThanOrEqualTo(fdsBefore + 10));
    }

    /** @return this JVM's open file descriptors (client and server sockets alike live here) */
    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}

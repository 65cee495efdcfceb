package io.channels4j.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idle connections cost the selector nothing per wake-up: Java-WebSocket's own loop left every
 * connection that had been written to (each 101) in the selected-key set, to be walked again at
 * every later wake-up; {@link SelectorLoop} takes each key out as it handles it.
 */
class SelectorLoopIT {

    static final int IDLE = 200;

    /** The same application: it echoes text on /ws/echo/. */
    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(UnfinishedHandshakesIT::application);

    @Test
    void theLibraryLoopIsReplaced() {
        assertThat(SelectorLoop.available()).as("Java-WebSocket's private members matched").isTrue();
    }

    @Test
    void idleConnectionsWrittenTo_doNotStayInTheSelectedKeySet() throws Exception {
        Engine engine = server.server().engine();
        List<RawSocket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE; i++) {
                RawSocket raw = RawSocket.connect(server.server().port());
                idle.add(raw);
                raw.handshake("/ws/echo/"); // the 101 is a write; then the client stays silent
            }
            // wake the selector a few more times with a client that talks
            try (RawSocket talker = RawSocket.connect(server.server().port())) {
                talker.handshake("/ws/echo/");
                for (int i = 0; i < 5; i++) {
                    talker.sendText("ping " + i);
                    assertThat(talker.readFrameSkippingPings().text()).isEqualTo("ping " + i);
                }
            }
            // the library's loop keeps ~IDLE stale keys here for good; ours keeps none between wake-ups
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(SelectorLoop.selectedKeyCount(engine)).isLessThan(10));
        } finally {
            for (RawSocket raw : idle) {
                raw.close();
            }
        }
    }
}

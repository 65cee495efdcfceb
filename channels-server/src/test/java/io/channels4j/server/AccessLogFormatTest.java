package io.channels4j.server;

import io.channels4j.HostPort;

import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Daphne's access log line, built in one pass. */
class AccessLogFormatTest {

    /** 2026-11-24T06:19:18Z. */
    private static final long SECOND = 1795501158L;

    @Test
    void websocketEntries_haveNoStatusOrLength() {
        assertThat(AccessLogFormat.line(new HostPort("203.0.113.7", 0), SECOND, ZoneOffset.UTC, "WSCONNECTING",
                "/ws/chat/lobby/", "", -1, -1))
                .isEqualTo("203.0.113.7:0 - - [24/Nov/2026:06:19:18] \"WSCONNECTING /ws/chat/lobby/\" - -");
    }

    @Test
    void httpEntries_carryQueryStatusAndLength() {
        assertThat(AccessLogFormat.line(new HostPort("127.0.0.1", 50312), SECOND, ZoneOffset.UTC, "GET", "/chat/",
                "q=1", 200, 1423))
                .isEqualTo("127.0.0.1:50312 - - [24/Nov/2026:06:19:18] \"GET /chat/?q=1\" 200 1423");
    }

    @Test
    void ipv6AndUnknownClients_andTheTimeZone() {
        assertThat(AccessLogFormat.line(new HostPort("::1", 8), SECOND, ZoneId.of("Europe/Moscow"), "GET", "/", "", 0, 0))
                .isEqualTo("[::1]:8 - - [24/Nov/2026:09:19:18] \"GET /\" 0 0");
        assertThat(AccessLogFormat.line(null, SECOND + 1, ZoneOffset.UTC, "WSREJECT", "/x/", "", -1, -1))
                .isEqualTo("- - - [24/Nov/2026:06:19:19] \"WSREJECT /x/\" - -");
        // the same second again, after another: the cached stamp follows
        assertThat(AccessLogFormat.line(null, SECOND, ZoneOffset.UTC, "WSREJECT", "/x/", "", -1, -1))
                .contains("[24/Nov/2026:06:19:18]");
    }

    @Test
    void now_isStampedInTheDefaultZone() {
        String line;
        long before;
        do { // retried if a second boundary falls between the two reads of the clock
            before = System.currentTimeMillis() / 1000;
            line = AccessLogFormat.line(null, "GET", "/", "", 200, 1);
        } while (System.currentTimeMillis() / 1000 != before);
        assertThat(line).isEqualTo(AccessLogFormat.line(null, before, ZoneId.systemDefault(), "GET", "/", "", 200, 1));
    }
}

package io.channels4j.server;

import io.channels4j.HostPort;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Daphne's access log line, NCSA-like:
 * {@code 203.0.113.7:0 - - [24/Nov/2026:06:19:18] "WSCONNECTING /ws/chat/lobby/" - -} and
 * {@code 127.0.0.1:50312 - - [24/Nov/2026:06:19:18] "GET /chat/?q=1" 200 1423}. A server logs two
 * or three lines per WebSocket connection, so a line is built in one pass, and the timestamp is
 * formatted once per second, in the default time zone of that second. Thread-safe.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ENGLISH);

    /** The last second formatted, and its text: replaced whole, read racily (immutable). */
    private record Stamp(long epochSecond, ZoneId zone, String text) {
    }

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, null, "");

    private AccessLogFormat() {
    }

    /**
     * One line, without the line end, stamped now in the default time zone.
     *
     * @param client the client, or null ({@code -})
     * @param verb   the method, or {@code WSCONNECTING}, {@code WSCONNECT}, ...
     * @param path   the raw path
     * @param query  the raw query string, empty for none
     * @param status the HTTP status, negative for {@code -}
     * @param length the body length, negative for {@code -}
     * @return the line
     */
    static String line(HostPort client, String verb, String path, String query, int status, long length) {
        long second = System.currentTimeMillis() / 1000;
        // the default zone is looked up (a TimeZone clone) once per second, not once per line
        Stamp s = last;
        ZoneId zone = s.epochSecond() == second ? s.zone() : ZoneId.systemDefault();
        return line(client, second, zone, verb, path, query, status, length);
    }

    /** {@link #line(HostPort, String, String, String, int, long)} at a given second and zone. */
    static String line(HostPort client, long epochSecond, ZoneId zone, String verb, String path, String query,
            int status, long length) {
        // room for the longest client, stamp and status: the line is built without growing
        StringBuilder b = new StringBuilder(96 + verb.length() + path.length() + query.length());
        if (client == null) {
            b.append('-');
        } else if (client.host().indexOf(':') >= 0) {
            b.append('[').append(client.host()).append("]:").append(client.port());
        } else {
            b.append(client.host()).append(':').append(client.port());
        }
        b.append(" - - [").append(stamp(epochSecond, zone)).append("] \"").append(verb).append(' ').append(path);
        if (!query.isEmpty()) {
            b.append('?').append(query);
        }
        b.append("\" ");
        if (status < 0) {
            b.append('-');
        } else {
            b.append(status);
        }
        b.append(' ');
        if (length < 0) {
            b.append('-');
        } else {
            b.append(length);
        }
        return b.toString();
    }

    private static String stamp(long epochSecond, ZoneId zone) {
        Stamp s = last;
        if (s.epochSecond() != epochSecond || !zone.equals(s.zone())) {
            s = new Stamp(epochSecond, zone, DATE.format(LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone)));
            last = s;
        }
        return s.text();
    }
}

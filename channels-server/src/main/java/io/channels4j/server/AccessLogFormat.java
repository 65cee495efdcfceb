package io.channels4j.server;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Daphne's access log line, NCSA-like:
 * {@code 203.0.113.7:0 - - [24/Nov/2026:06:19:18] "WSCONNECTING /ws/chat/lobby/" - -} and
 * {@code 127.0.0.1:50312 - - [24/Nov/2026:06:19:18] "GET /chat/" 200 1423}. Thread-safe.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ENGLISH);

    private AccessLogFormat() {
    }

    /**
     * One line, without the line end.
     *
     * @param host    the client as {@code host:port}
     * @param time    when
     * @param request {@code GET /path} or {@code WSCONNECT /path}
     * @param status  the HTTP status, or null
     * @param length  the body length, or null
     * @return the line
     */
    static String line(String host, LocalDateTime time, String request, Integer status, Long length) {
        return host + " - - [" + DATE.format(time) + "] \"" + request + "\" "
                + (status == null ? "-" : status.toString()) + " "
                + (length == null ? "-" : length.toString());
    }
}

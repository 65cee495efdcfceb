package io.channels4j.server;

import io.channels4j.Headers;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Writes HTTP/1.1 response heads and the server's own small error responses. Thread-safe. */
final class HttpResponses {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(101, "Switching Protocols"), Map.entry(200, "OK"),
            Map.entry(201, "Created"), Map.entry(202, "Accepted"), Map.entry(204, "No Content"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(410, "Gone"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(426, "Upgrade Required"),
            Map.entry(429, "Too Many Requests"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

    private HttpResponses() {
    }

    static String reason(int status) {
        return REASONS.getOrDefault(status, "Status " + status);
    }

    /**
     * A response head; {@code Connection: close} is always set (one request per connection).
     *
     * @param status     the status
     * @param headers    the application's headers (checked for CR/LF)
     * @param serverName the {@code Server} header unless the application set one; null for none
     * @param extra      further headers the server adds, name/value pairs
     * @return the head bytes, ending with the blank line
     * @throws IllegalArgumentException if a header name or value holds bytes that cannot be sent
     */
    static byte[] head(int status, Headers headers, String serverName, String... extra) {
        // two passes, validating and sizing, then writing: the head is made once, as the bytes sent
        String code = status >= 100 && status <= 999 ? null : Integer.toString(status);
        String reason = reason(status);
        int size = "HTTP/1.1 ".length() + (code == null ? 3 : code.length()) + 1 + reason.length() + 2 + 2;
        boolean hasServer = false;
        List<Headers.Field> fields = headers.fields();
        for (Headers.Field field : fields) {
            if (skipped(field)) {
                continue;
            }
            checkHeader(field.name(), field.value());
            hasServer |= field.is("server");
            size += field.name().length() + 2 + field.value().length() + 2;
        }
        boolean addServer = !hasServer && serverName != null;
        if (addServer) {
            size += "Server: ".length() + serverName.length() + 2;
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            size += extra[i].length() + 2 + extra[i + 1].length() + 2;
        }
        byte[] out = new byte[size];
        int at = put(out, 0, "HTTP/1.1 ");
        if (code == null) {
            out[at++] = (byte) ('0' + status / 100);
            out[at++] = (byte) ('0' + status / 10 % 10);
            out[at++] = (byte) ('0' + status % 10);
        } else {
            at = put(out, at, code);
        }
        out[at++] = ' ';
        at = crlf(out, put(out, at, reason));
        for (Headers.Field field : fields) {
            if (!skipped(field)) {
                at = field(out, at, field.name(), field.value());
            }
        }
        if (addServer) {
            at = field(out, at, "Server", serverName);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            at = field(out, at, extra[i], extra[i + 1]);
        }
        crlf(out, at);
        return out;
    }

    /** The server owns the connection and the framing: one request per connection, bodies delimited by length or close. */
    private static boolean skipped(Headers.Field field) {
        return field.is("connection") || field.is("transfer-encoding");
    }

    private static int field(byte[] out, int at, String name, String value) {
        at = put(out, at, name);
        out[at++] = ':';
        out[at++] = ' ';
        return crlf(out, put(out, at, value));
    }

    private static int crlf(byte[] out, int at) {
        out[at] = '\r';
        out[at + 1] = '\n';
        return at + 2;
    }

    /** Writes ISO-8859-1 characters (checked by {@link #checkHeader}, or the server's own). */
    private static int put(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    private static void checkHeader(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty response header name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!RequestHeadParser.isTokenChar((byte) name.charAt(i)) || name.charAt(i) > 0x7f) {
                throw new IllegalArgumentException("invalid response header name '" + name + "'");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            if (!RequestHeadParser.isFieldValueChar(value.charAt(i))) {
                throw new IllegalArgumentException("invalid byte in response header '" + name + "'");
            }
        }
    }

    /**
     * A complete small response from the server itself (errors).
     *
     * @param status     the status
     * @param text       the plain-text body
     * @param serverName the Server header or null
     * @param head       false for a HEAD request: no body
     * @param extraHeaders more headers, name/value pairs
     * @return the bytes
     */
    static byte[] simple(int status, String text, String serverName, boolean head, String... extraHeaders) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] top = head(status, Headers.of(extraHeaders).plus("Content-Type", "text/plain; charset=utf-8"), serverName,
                "Content-Length", String.valueOf(body.length), "Date", date(), "Connection", "close");
        if (!head) {
            byte[] all = new byte[top.length + body.length];
            System.arraycopy(top, 0, all, 0, top.length);
            System.arraycopy(body, 0, all, top.length, body.length);
            return all;
        }
        return top;
    }

    static String date() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
    }
}

package io.channels4j.server;

import io.channels4j.Headers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses an HTTP/1.x request head from bytes, strictly: request line
 * {@code METHOD SP target SP HTTP/1.x}, header fields {@code name: value}, CRLF line ends (a bare
 * LF is accepted as RFC 9112 allows). Caps the head's size, the target's length and the number of
 * fields. Rejects control bytes in names and values, including the header-smuggling bytes
 * {@code \x0b \x0c \x1c-\x1e \x85} of Daphne's CVE-2026-44546, obsolete line folding, and
 * HTTP/2 prefaces. Stateless and thread-safe.
 */
final class RequestHeadParser {

    /**
     * Headers whose values are the same for many clients of one site and never secret: their
     * values are shared across connections ({@link ScopeFactory#STRINGS}).
     */
    private static final Set<String> REPEATING = Set.of("host", "origin", "user-agent", "accept", "accept-encoding",
            "accept-language", "upgrade", "connection", "cache-control", "pragma", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-protocol", "sec-fetch-dest", "sec-fetch-mode", "sec-fetch-site",
            "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "x-forwarded-proto", "x-forwarded-port");

    static final int MAX_TARGET = 8 * 1024;
    static final int MAX_FIELDS = 100;

    private RequestHeadParser() {
    }

    /**
     * Parses the head at the buffer's position.
     *
     * @param buffer  bytes received so far; on success its position is moved past the head
     * @param maxHead the largest head accepted, in bytes
     * @return the head, or null if the head is not complete yet (position unchanged)
     * @throws BadRequestException the status to answer with: 400, 414, 431, 505
     */
    static RequestHead parse(ByteBuffer buffer, int maxHead) throws BadRequestException {
        int start = buffer.position();
        // RFC 9112 2.2: ignore empty lines before the request line
        while (start < buffer.limit() && (buffer.get(start) == '\r' || buffer.get(start) == '\n')) {
            start++;
        }
        int limit = Math.min(buffer.limit(), start + maxHead + 4);
        for (int i = start; i < limit; i++) {
            if (buffer.get(i) != '\n') {
                continue;
            }
            int terminatorEnd = -1;
            if (i + 1 < limit && buffer.get(i + 1) == '\n') {
                terminatorEnd = i + 2;
            } else if (i + 2 < limit && buffer.get(i + 1) == '\r' && buffer.get(i + 2) == '\n') {
                terminatorEnd = i + 3;
            }
            if (terminatorEnd < 0) {
                continue;
            }
            if (i - start > maxHead) {
                break;
            }
            byte[] head = new byte[i - start];
            buffer.get(start, head);
            buffer.position(terminatorEnd);
            return parseHead(head);
        }
        if (buffer.limit() - start > maxHead) {
            throw new BadRequestException(431, "request head larger than " + maxHead + " bytes");
        }
        checkPrefix(buffer, start);
        return null;
    }

    /** Rejects early what can never become an HTTP/1.x request (TLS, HTTP/2, binary junk). */
    private static void checkPrefix(ByteBuffer buffer, int start) throws BadRequestException {
        int n = Math.min(buffer.limit() - start, 16);
        for (int i = 0; i < n; i++) {
            byte b = buffer.get(start + i);
            if (b == ' ') {
                return;
            }
            if (!isTokenChar(b)) {
                throw new BadRequestException(400, "not an HTTP request");
            }
        }
    }

    /**
     * Parses a head (without its terminating empty line) straight from its bytes: strings are made
     * only for what is kept (method, target, each value), and header names, and the values of
     * headers that repeat across clients, come from the scope's string cache, lower-cased, without
     * making a string when the cache holds them ({@link ScopeFactory#STRINGS}).
     */
    private static RequestHead parseHead(byte[] head) throws BadRequestException {
        int lineEnd = lineEnd(head, 0);
        int requestLineEnd = withoutCr(head, 0, lineEnd);
        int sp1 = indexOf(head, (byte) ' ', 0, requestLineEnd);
        int sp2 = lastIndexOf(head, (byte) ' ', 0, requestLineEnd);
        if (sp1 <= 0 || sp2 <= sp1) {
            throw new BadRequestException(400, "malformed request line");
        }
        for (int i = 0; i < sp1; i++) {
            if (!isTokenChar(head[i])) {
                throw new BadRequestException(400, "malformed method");
            }
        }
        String method = ScopeFactory.STRINGS.dedup(head, 0, sp1, false);
        String version = StringCache.string(head, sp2 + 1, requestLineEnd, false);
        if (version.equals("HTTP/2.0") || version.equals("HTTP/2")) {
            throw new BadRequestException(505, "HTTP/2 is not supported on this port");
        }
        if (!version.startsWith("HTTP/1.")) {
            throw new BadRequestException(version.startsWith("HTTP/") ? 505 : 400, "unsupported protocol " + version);
        }
        String httpVersion = version.endsWith("1.1") ? "1.1" : version.endsWith("1.0") ? "1.0" : null;
        if (httpVersion == null || version.length() != 8) {
            throw new BadRequestException(505, "unsupported HTTP version " + version);
        }
        int targetLength = sp2 - sp1 - 1;
        if (targetLength > MAX_TARGET) {
            throw new BadRequestException(414, "request target longer than " + MAX_TARGET);
        }
        boolean asterisk = targetLength == 1 && head[sp1 + 1] == '*' && sp1 == 7 && startsWith(head, "OPTIONS");
        if (targetLength == 0 || (head[sp1 + 1] != '/' && !asterisk)) {
            throw new BadRequestException(400, "request target must start with /");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = head[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequestException(400, "invalid byte in request target");
            }
        }
        String target = StringCache.string(head, sp1 + 1, sp2, false);

        int lines = 0;
        for (int i = lineEnd; i < head.length; i = lineEnd(head, i + 1)) {
            lines++;
        }
        if (lines > MAX_FIELDS) {
            throw new BadRequestException(431, "more than " + MAX_FIELDS + " header fields");
        }
        List<Headers.Field> fields = new ArrayList<>(lines);
        for (int start = lineEnd + 1; start <= head.length; start = lineEnd + 1) {
            lineEnd = lineEnd(head, start);
            int end = withoutCr(head, start, lineEnd);
            if (end == start) {
                continue;
            }
            if (head[start] == ' ' || head[start] == '\t') {
                throw new BadRequestException(400, "obsolete header line folding");
            }
            int colon = indexOf(head, (byte) ':', start, end);
            if (colon <= start) {
                throw new BadRequestException(400, "malformed header field");
            }
            for (int i = start; i < colon; i++) {
                if (!isTokenChar(head[i])) {
                    throw new BadRequestException(400, "invalid character in header name");
                }
            }
            String name = ScopeFactory.STRINGS.dedup(head, start, colon, true);
            int valueStart = colon + 1;
            int valueEnd = end;
            while (valueStart < valueEnd && (head[valueStart] == ' ' || head[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (head[valueEnd - 1] == ' ' || head[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!isFieldValueChar((char) (head[i] & 0xff))) {
                    throw new BadRequestException(400, "invalid character in header " + name);
                }
            }
            String value = REPEATING.contains(name)
                    ? ScopeFactory.STRINGS.dedup(head, valueStart, valueEnd, false)
                    : StringCache.string(head, valueStart, valueEnd, false);
            fields.add(new Headers.Field(name, value));
        }
        return new RequestHead(method, target, httpVersion, Headers.of(fields));
    }

    /** @return the index of the next LF at or after {@code from}, or the end of the head */
    private static int lineEnd(byte[] head, int from) {
        int i = from;
        while (i < head.length && head[i] != '\n') {
            i++;
        }
        return i;
    }

    /** @return {@code end}, less one if the line ends with CR (CRLF line ends) */
    private static int withoutCr(byte[] head, int start, int end) {
        return end > start && head[end - 1] == '\r' ? end - 1 : end;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 tchar. */
    static boolean isTokenChar(byte b) {
        if (b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /** Visible ASCII, space, tab, and obs-text except the smuggling byte 0x85 (NEL). */
    static boolean isFieldValueChar(char c) {
        if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
            return true;
        }
        return c >= 0x80 && c <= 0xff && c != 0x85;
    }
}

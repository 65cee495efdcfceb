package io.channels4j.server;

import io.channels4j.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses an HTTP/1.x request head from bytes, strictly: request line
 * {@code METHOD SP target SP HTTP/1.x}, header fields {@code name: value}, CRLF line ends (a bare
 * LF is accepted as RFC 9112 allows). Caps the head's size, the target's length and the number of
 * fields. Rejects control bytes in names and values, including the header-smuggling bytes
 * {@code \x0b \x0c \x1c-\x1e \x85} of Daphne's CVE-2026-44546, obsolete line folding, and
 * HTTP/2 prefaces. Stateless and thread-safe.
 */
final class RequestHeadParser {

    /** Compiled once: {@code String.split} with this pattern compiled it again for every request. */
    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");

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
            return parseHead(new String(head, StandardCharsets.ISO_8859_1));
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

    private static RequestHead parseHead(String head) throws BadRequestException {
        String[] lines = LINE_BREAK.split(head, -1);
        if (lines.length > 0 && lines[lines.length - 1].endsWith("\r")) {
            lines[lines.length - 1] = lines[lines.length - 1].substring(0, lines[lines.length - 1].length() - 1);
        }
        String requestLine = lines[0];
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1) {
            throw new BadRequestException(400, "malformed request line");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar((byte) method.charAt(i))) {
                throw new BadRequestException(400, "malformed method");
            }
        }
        if (version.equals("HTTP/2.0") || version.equals("HTTP/2")) {
            throw new BadRequestException(505, "HTTP/2 is not supported on this port");
        }
        if (!version.startsWith("HTTP/1.")) {
            throw new BadRequestException(version.startsWith("HTTP/") ? 505 : 400, "unsupported protocol " + version);
        }
        String httpVersion = version.substring(5);
        if (!httpVersion.equals("1.1") && !httpVersion.equals("1.0")) {
            throw new BadRequestException(505, "unsupported HTTP version " + version);
        }
        if (target.length() > MAX_TARGET) {
            throw new BadRequestException(414, "request target longer than " + MAX_TARGET);
        }
        if (target.isEmpty() || (target.charAt(0) != '/' && !(target.equals("*") && method.equals("OPTIONS")))) {
            throw new BadRequestException(400, "request target must start with /");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequestException(400, "invalid byte in request target");
            }
        }
        if (lines.length - 1 > MAX_FIELDS) {
            throw new BadRequestException(431, "more than " + MAX_FIELDS + " header fields");
        }
        List<Headers.Field> fields = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequestException(400, "obsolete header line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequestException(400, "malformed header field");
            }
            String name = line.substring(0, colon);
            for (int j = 0; j < name.length(); j++) {
                if (!isTokenChar((byte) name.charAt(j))) {
                    throw new BadRequestException(400, "invalid character in header name");
                }
            }
            String value = trimSpaceAndTab(line.substring(colon + 1));
            for (int j = 0; j < value.length(); j++) {
                if (!isFieldValueChar(value.charAt(j))) {
                    throw new BadRequestException(400, "invalid character in header " + name);
                }
            }
            fields.add(new Headers.Field(name, value));
        }
        return new RequestHead(method, target, httpVersion, Headers.of(fields));
    }

    /** Trims only SP and HTAB (RFC 9110 OWS): other control bytes must stay, to be rejected. */
    private static String trimSpaceAndTab(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
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

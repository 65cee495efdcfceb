package io.channels4j.server;

import io.channels4j.Headers;
import io.channels4j.HostPort;
import io.channels4j.Scope;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.java_websocket.WebSocketImpl;

/**
 * Builds the scope of a new connection as Daphne does — lower-cased header names, names holding
 * {@code _} dropped (CVE-2015-0219), a percent-decoded UTF-8 path, the raw path and query — plus
 * a path check Daphne lacks ({@link #safePath}: no dot segments, no control characters), plus
 * {@code scheme}, trusted proxy headers and the root path; then creates the WebSocket or HTTP
 * connection for it. Stateless.
 */
final class ScopeFactory {

    /**
     * Header names, the values of headers that repeat across clients ({@link RequestHeadParser}
     * puts both here) and addresses repeat across connections; the scope keeps one instance of
     * each (see {@link StringCache}). Paths, queries and other values stay out: they may carry
     * tokens, which a cache slot would keep after the connection ends.
     */
    static final StringCache STRINGS = new StringCache(1024);

    private ScopeFactory() {
    }

    /**
     * Creates the connection for a request head, or answers it directly (413, 411, 400).
     *
     * @return the connection, or null when the request was already answered
     * @throws BadRequestException for a request that cannot be served
     */
    static ServerConnection connect(Engine engine, WebSocketImpl socket, ServerDraft draft, RequestHead head)
            throws BadRequestException {
        ServerSettings settings = engine.settings();
        boolean websocket = head.isWebsocketUpgrade();
        if (websocket) {
            String version = head.headers().get("sec-websocket-version");
            String key = head.headers().get("sec-websocket-key");
            if (!"GET".equals(head.method()) || key == null || key.isBlank()) {
                throw new BadRequestException(400, "invalid WebSocket handshake");
            }
            if (!"13".equals(version == null ? null : version.trim())) {
                // RFC 6455 §4.2.2: say which version this server speaks
                engine.reject(socket, 426, "unsupported WebSocket version", false, "Sec-WebSocket-Version", "13");
                return null;
            }
            Scope scope = scope(settings, socket, head, Scope.WEBSOCKET);
            return new WebsocketConnection(engine, socket, draft, scope, key.trim());
        }
        long contentLength = 0;
        if (head.headers().contains("transfer-encoding")) {
            engine.rejectLingering(socket, 411, "chunked request bodies are not supported; send Content-Length", false);
            return null;
        }
        List<String> lengths = head.headers().getAll("content-length");
        if (!lengths.isEmpty()) {
            String value = lengths.get(0).trim();
            for (String other : lengths) {
                if (!other.trim().equals(value)) {
                    throw new BadRequestException(400, "conflicting Content-Length headers");
                }
            }
            try {
                contentLength = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new BadRequestException(400, "invalid Content-Length");
            }
            if (contentLength < 0 || !value.chars().allMatch(Character::isDigit)) {
                throw new BadRequestException(400, "invalid Content-Length");
            }
        }
        if (contentLength > settings.maxRequestBodySize()) {
            engine.rejectLingering(socket, 413, "request body larger than " + settings.maxRequestBodySize() + " bytes",
                    "HEAD".equals(head.method()));
            return null;
        }
        Scope scope = scope(settings, socket, head, Scope.HTTP);
        return new HttpConnection(engine, socket, draft, scope, contentLength);
    }

    static Scope scope(ServerSettings settings, WebSocketImpl socket, RequestHead head, String type)
            throws BadRequestException {
        Headers headers = scopeHeaders(head.headers());
        HostPort client = cachedHost(Engine.hostPort(socket.getRemoteSocketAddress()));
        HostPort server = cachedHost(Engine.hostPort(socket.getLocalSocketAddress()));
        boolean secure = settings.tls();
        if (settings.proxyHeaders() && client != null && trusted(settings, socket.getRemoteSocketAddress())) {
            String forwardedFor = headers.get("x-forwarded-for");
            if (forwardedFor != null && !forwardedFor.isBlank()) {
                String first = forwardedFor.split(",")[0].trim();
                int port = 0;
                String forwardedPort = headers.get("x-forwarded-port");
                if (forwardedPort != null) {
                    try {
                        port = Integer.parseInt(forwardedPort.trim());
                    } catch (NumberFormatException ignored) {
                        port = 0;
                    }
                }
                client = new HostPort(STRINGS.dedup(first), port >= 0 && port <= 65535 ? port : 0);
            }
            String proto = headers.get("x-forwarded-proto");
            if (proto != null) {
                secure = proto.trim().equalsIgnoreCase("https") || proto.trim().equalsIgnoreCase("wss");
            }
        }
        String scheme = Scope.WEBSOCKET.equals(type) ? (secure ? "wss" : "ws") : (secure ? "https" : "http");
        Scope.Builder builder = Scope.builder(type)
                .path(safePath(decodePath(head.rawPath())))
                .rawPath(head.rawPath())
                .queryString(head.queryString())
                .rootPath(settings.rootPath())
                .scheme(scheme)
                .httpVersion(head.httpVersion())
                .headers(headers)
                .client(client)
                .server(server);
        if (Scope.WEBSOCKET.equals(type)) {
            builder.subprotocols(WebsocketConnection.parseSubprotocols(headers.getAll("sec-websocket-protocol")));
        } else {
            builder.method(head.method().toUpperCase(Locale.ROOT));
        }
        return builder.build();
    }

    private static boolean trusted(ServerSettings settings, InetSocketAddress peer) {
        String address = peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress();
        for (String trusted : settings.trustedProxies()) {
            if (trusted.equals("*") || trusted.equals(address)
                    || (trusted.equals("::1") && address.equals("0:0:0:0:0:0:0:1"))) {
                return true;
            }
        }
        return false;
    }

    private static HostPort cachedHost(HostPort address) {
        return address == null ? null : new HostPort(STRINGS.dedup(address.host()), address.port());
    }

    /**
     * The scope's headers: the parsed ones (names already lower-cased and shared, and the values
     * of repeating headers shared, by {@link RequestHeadParser}) without the names that hold
     * {@code _}, as Daphne drops them. With none to drop, the parsed headers themselves, no copy.
     */
    static Headers scopeHeaders(Headers parsed) {
        List<Headers.Field> given = parsed.fields();
        boolean underscored = false;
        for (Headers.Field field : given) {
            underscored |= field.name().indexOf('_') >= 0;
        }
        if (!underscored) {
            return parsed;
        }
        List<Headers.Field> kept = new ArrayList<>(given.size());
        for (Headers.Field field : given) {
            if (field.name().indexOf('_') < 0) {
                kept.add(field);
            }
        }
        return Headers.of(kept);
    }

    /**
     * Refuses a decoded path that could climb out of a directory or smuggle bytes into whatever
     * the application does with it: a {@code .} or {@code ..} segment (between {@code /} or
     * {@code \}, however it was encoded: {@code /../}, {@code /%2e%2e/}, {@code ..%2f}) or a control
     * character ({@code %00}, {@code %0a}, ...). Browsers never send these (they resolve dot
     * segments before sending), so the request is answered 400 rather than rewritten: the scope
     * path a consumer sees is always free of them. Query strings are left alone.
     *
     * @param path the percent-decoded path
     * @return the path
     * @throws BadRequestException 400 naming what is wrong, never the path itself
     */
    static String safePath(String path) throws BadRequestException {
        int segmentStart = 0;
        for (int i = 0; i <= path.length(); i++) {
            char c = i < path.length() ? path.charAt(i) : '/';
            if (c < 0x20 || c == 0x7f) {
                throw new BadRequestException(400, "control character in the path");
            }
            if (c == '/' || c == '\\') {
                int length = i - segmentStart;
                if ((length == 1 || length == 2) && path.startsWith("..".substring(0, length), segmentStart)) {
                    throw new BadRequestException(400, "dot segment in the path");
                }
                segmentStart = i + 1;
            }
        }
        return path;
    }

    /** Percent-decodes a path as UTF-8; a path that does not decode to valid UTF-8 is a 400. */
    static String decodePath(String raw) throws BadRequestException {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write((hi << 4) | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(c);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException(400, "path is not valid UTF-8");
        }
    }
}

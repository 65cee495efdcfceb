package io.channels4j.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately dumb TCP client for poking the server with bytes no real client would send:
 * raw request heads, masked (or unmasked) WebSocket frames, and readers for HTTP responses and
 * server frames. Every read is bounded by {@code SO_TIMEOUT}; loopback only.
 */
final class RawSocket implements AutoCloseable {

    static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_HEAD = 64 * 1024;

    /** An HTTP response head, plus its body when it has a {@code Content-Length}. */
    record Response(String statusLine, Map<String, List<String>> headers, byte[] body) {

        int status() {
            return Integer.parseInt(statusLine.split(" ", 3)[1]);
        }

        /** @return the first value of a header (name case-insensitive), or null */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A frame as received from the server. */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

        /** @return the close code of a close frame, 1005 if it has none */
        int closeCode() {
            if (opcode != CLOSE) {
                throw new AssertionError("not a close frame: " + this);
            }
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String shown = payload.length <= 64 ? new String(payload, StandardCharsets.ISO_8859_1)
                    : payload.length + " bytes";
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=0x" + Integer.toHexString(opcode) + ", masked="
                    + masked + ", payload=" + shown + "]";
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port with a 5 s read timeout. */
    static RawSocket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects to 127.0.0.1:port with a 5 s read timeout and, for a client that is not going to
     * read, a small receive buffer (set before connecting, so the window is small from the start).
     *
     * @param receiveBufferSize the socket's receive buffer in bytes, or 0 for the system's default
     */
    static RawSocket connect(int port, int receiveBufferSize) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize);
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            return new RawSocket(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** @return the client's port, as the server sees it in the scope */
    int localPort() {
        return socket.getLocalPort();
    }

    // ------------------------------------------------------------------ writing

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a string as ISO-8859-1, so {@code \u0085} goes out as the single byte 0x85. */
    void writeLatin1(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** @return a fresh random {@code Sec-WebSocket-Key} */
    static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** @return the {@code Sec-WebSocket-Accept} RFC 6455 requires for a key */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return an upgrade request head for a path, with extra header lines (each ending CRLF) */
    static String upgradeRequest(String path, String key, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    /**
     * Sends an upgrade request and reads the answer's head (not the body).
     *
     * @return the response; its body is empty
     */
    Response upgrade(String path, String key, String extraHeaders) throws IOException {
        writeLatin1(upgradeRequest(path, key, extraHeaders));
        return readHead();
    }

    /**
     * Completes a WebSocket handshake and checks the 101 and its {@code Sec-WebSocket-Accept}.
     *
     * @throws AssertionError if the server does not switch protocols correctly
     */
    Response handshake(String path) throws IOException {
        String key = newKey();
        Response response = upgrade(path, key, "");
        if (response.status() != 101) {
            throw new AssertionError("expected 101 for " + path + ", got " + response.statusLine());
        }
        String accept = response.header("Sec-WebSocket-Accept");
        if (!acceptFor(key).equals(accept)) {
            throw new AssertionError("Sec-WebSocket-Accept " + accept + " does not match key " + key);
        }
        return response;
    }

    /** Writes one frame, masked with a random key as a client must. */
    void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, 0, opcode, payload, true);
    }

    /**
     * Writes one frame, however wrong.
     *
     * @param rsv    the three RSV bits, 0..7
     * @param masked false to send the payload unmasked (a protocol violation from a client)
     */
    void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        write(encodeFrame(fin, rsv, opcode, payload, masked));
    }

    static byte[] encodeFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0x0f));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift) & 0xff);
            }
        }
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            byte[] body = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                body[i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            frame.writeBytes(body);
        } else {
            frame.writeBytes(payload);
        }
        return frame.toByteArray();
    }

    void sendText(String text) throws IOException {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a masked close frame with a code. */
    void sendClose(int code) throws IOException {
        sendFrame(true, CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    // ------------------------------------------------------------------ reading

    /** Reads an HTTP response head (up to the blank line); the body is left unread. */
    Response readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + head.size() + " bytes of a response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("response head larger than " + MAX_HEAD);
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.substring(0, text.length() - 4).split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header line: " + lines[i]);
            }
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new Response(lines[0], headers, new byte[0]);
    }

    /** Reads a whole HTTP response: head, then a {@code Content-Length} body (or none). */
    Response readResponse() throws IOException {
        Response head = readHead();
        String length = head.header("Content-Length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (length != null && body.length != Integer.parseInt(length)) {
            throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
        }
        return new Response(head.statusLine(), head.headers(), body);
    }

    /** Reads one frame. */
    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        if (length > 16L * 1024 * 1024) {
            throw new IOException("frame of " + length + " bytes: not reading that");
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] mask = masked ? readExactly(4) : null;
        byte[] payload = readExactly((int) length);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 7, b0 & 0x0f, masked, payload);
    }

    /** Reads frames, skipping the server's pings (its keep-alive), until another one arrives. */
    Frame readFrameSkippingPings() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() != PING) {
                return frame;
            }
        }
    }

    /**
     * Waits for the server to close the connection, discarding whatever arrives first.
     *
     * @return the bytes received before the end of stream (or a reset), or null if the socket was
     *         still open when the time ran out
     */
    byte[] awaitClosedByPeer(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int previousTimeout = socket.getSoTimeout();
        try {
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() >= deadline) {
                    return null;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    return null;
                } catch (SocketException e) { // connection reset: closed as well
                    return received.toByteArray();
                }
                if (n < 0) {
                    return received.toByteArray();
                }
                received.write(buffer, 0, n);
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previousTimeout);
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed in the middle of a frame");
        }
        return b;
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("connection closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

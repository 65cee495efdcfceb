package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.channels4j.routing.Route.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded random inputs against the request-head parser and the frame decoder, over loopback.
 * The seed is fixed (override with {@code -Dfuzz.seed=N}) and printed in every failure message.
 *
 * <p>What is accepted for an HTTP input (a mutated request head, then filler bytes so a declared
 * body is always complete): within connectTimeout + 2 s the server either hangs up without a word,
 * or answers with a well-formed {@code HTTP/1.1 NNN Reason} status line and hangs up (a {@code 101}
 * is followed by a close frame, as the filler is no valid frame). Statuses accepted: 101, 200 (the
 * mutation left a valid request), 4xx, and 505 for an unsupported version; any other 5xx is a
 * failure, as the application never fails. A reset instead of an orderly close is accepted (the
 * server may hang up with filler bytes unread) and counted.
 *
 * <p>For a WebSocket frame sequence (after a valid handshake, or for every fourth sequence in the
 * same write as the upgrade request, then a marker ping): the server
 * echoes, answers pongs, or sends a close frame with a code a server may send (1000-1003,
 * 1007-1014, or an application code 3000-4999 echoed from the client) and hangs up; it never
 * hangs and never sends masked, fragmented or invalid UTF-8 frames.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParserFuzzIT {

    static final long SEED = Long.getLong("fuzz.seed", 0x5eed_c4a7_2026L);
    static final int HTTP_INPUTS = Integer.getInteger("fuzz.http", 2000);
    static final int WS_SEQUENCES = Integer.getInteger("fuzz.ws", 2000);
    static final int PARALLEL = 24;
    static final int MAX_MESSAGE = 64 * 1024;
    static final int MAX_BODY = 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration BOUND = CONNECT_TIMEOUT.plusSeconds(2);
    static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 ([1-5]\\d\\d) [\\x20-\\x7e]*\r\n");

    /** Echoes text and bytes. */
    public static class Echo extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(text);
        }

        @Override
        public void receive(byte[] bytes) {
            send(bytes);
        }
    }

    static Application application() {
        Application http = (scope, receive, send) -> {
            long size = 0;
            while (true) {
                Message event = receive.receive();
                if (Events.HTTP_DISCONNECT.equals(event.type())) {
                    return;
                }
                byte[] body = event.getBytes("body");
                size += body == null ? 0 : body.length;
                if (!event.getBoolean("more_body", false)) {
                    break;
                }
            }
            send.send(Events.httpResponseStart(200, Headers.of("content-type", "text/plain")));
            send.send(Events.httpResponseBody(("ok " + size).getBytes(StandardCharsets.US_ASCII), false));
        };
        return ProtocolTypeRouter.of(Map.of(
                "http", http,
                "websocket", new URLRouter(List.of(path("ws/echo/", Consumer.asApplication(Echo::new, new ChannelLayers()))))));
    }

    @RegisterExtension
    static LiveServerExtension server = LiveServerExtension.of(ParserFuzzIT::application, b -> b
            .maxMessageSize(MAX_MESSAGE)
            .maxRequestBodySize(MAX_BODY)
            .connectTimeout(CONNECT_TIMEOUT));

    static int baselineThreads;

    @BeforeAll
    static void countThreads() {
        baselineThreads = serverThreads();
    }

    // ================================================================== HTTP

    static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE",
        "PRI", "get", "G\u0000T", "", "GET GET", "X".repeat(300), "M\u00e9THOD", "{}"};
    static final String[] TARGETS = {"/", "/ws/echo/", "*", "http://127.0.0.1/", "//", "/%00", "/..%2f..%2fetc",
        "/a b", "/\u00ff", "", "?x", "/" + "a".repeat(9000), "/q?x=%zz&y", "/\t", "/#frag", "/%", "/\u0085"};
    static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/2", "HTTP/0.9", "HTTP/1.2", "HTTP/1",
        "http/1.1", "HTTP/11", "", "HTTP/1.1 x", "HTTP/9.9", "HTTP/1.1\u0000", "HTTPS/1.1"};
    static final String[] CONTENT_LENGTHS = {"0", "5", "-1", "+5", " 5", "5, 5", "0x10", "1e3", "", "4097",
        "99999999999999999999", "18446744073709551616", "9223372036854775807", "-9223372036854775808", "1024",
        "1025", "\u00b9", "\u0665"};
    static final byte[] INTERESTING = {0, 1, 8, 9, 10, 11, 12, 13, 27, 28, 31, ' ', ':', '/', '%', 0x7f, (byte) 0x80,
        (byte) 0x85, (byte) 0xa0, (byte) 0xc3, (byte) 0xff};

    /** One generated HTTP input. */
    record HttpInput(int index, byte[] bytes) {
        @Override
        public String toString() {
            return "http input #" + index + " (" + bytes.length + " bytes): " + escape(bytes, 400);
        }
    }

    static List<HttpInput> httpInputs(Random random) {
        List<HttpInput> inputs = new ArrayList<>(HTTP_INPUTS);
        for (int i = 0; i < HTTP_INPUTS; i++) {
            inputs.add(new HttpInput(i, httpInput(random)));
        }
        return inputs;
    }

    static byte[] httpInput(Random random) {
        String method = random.nextInt(4) == 0 ? pick(random, METHODS) : pick(random, new String[] {"GET", "POST"});
        String target = random.nextInt(4) == 0 ? pick(random, TARGETS) : pick(random, new String[] {"/", "/ws/echo/", "/x?a=1"});
        String version = random.nextInt(5) == 0 ? pick(random, VERSIONS) : "HTTP/1.1";
        List<String> headers = new ArrayList<>();
        headers.add("Host: 127.0.0.1");
        if (random.nextInt(3) == 0) {
            headers.add("Upgrade: websocket");
            headers.add("Connection: Upgrade");
            headers.add("Sec-WebSocket-Key: " + RawSocket.newKey());
            headers.add("Sec-WebSocket-Version: " + (random.nextInt(6) == 0 ? pick(random, new String[] {"8", "", "13, 13", "1\u000b3"}) : "13"));
        }
        String body = "";
        if (random.nextInt(3) == 0) {
            String length = random.nextInt(3) == 0 ? pick(random, CONTENT_LENGTHS) : "5";
            headers.add("Content-Length: " + length);
            if (random.nextInt(4) == 0) {
                headers.add("Content-Length: " + pick(random, CONTENT_LENGTHS)); // duplicate, maybe conflicting
            }
            body = "hello";
        }
        if (random.nextInt(15) == 0) {
            headers.add("Transfer-Encoding: chunked");
        }
        if (random.nextInt(30) == 0) {
            for (int i = 0; i < 120; i++) {
                headers.add("X-Many-" + i + ": v");
            }
        }
        if (random.nextInt(40) == 0) {
            headers.add("X-Huge: " + "h".repeat(17 * 1024));
        }
        if (random.nextInt(8) == 0 && headers.size() > 1) {
            headers.add(headers.get(random.nextInt(headers.size()))); // a duplicated line
        }
        if (random.nextInt(6) == 0) {
            headers.add(pick(random, new String[] {"X-Test : a", ": a", "X-Broken", " folded", "X-Test: a\u0000b",
                "X_Underscore: a", "X-Test: \u000bvalue", "X-Test: value\u001c", "Content-Length\t: 5", "X-T\u0085: a"}));
        }
        String eol = random.nextInt(10) == 0 ? "\n" : "\r\n";
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(' ').append(version).append(eol);
        for (String header : headers) {
            head.append(header).append(eol);
        }
        head.append(eol).append(body);
        byte[] bytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        int mutations = random.nextInt(4); // 0..3 byte-level mutations
        for (int m = 0; m < mutations; m++) {
            bytes = mutate(random, bytes);
        }
        if (random.nextInt(12) == 0) { // a truncated head: the server must give up after the connect timeout
            bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        }
        return bytes;
    }

    static byte[] mutate(Random random, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 8);
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        switch (random.nextInt(3)) {
            case 0 -> { // insert
                out.write(bytes, 0, at);
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    out.write(randomByte(random));
                }
                out.write(bytes, at, bytes.length - at);
            }
            case 1 -> { // delete
                int n = Math.min(bytes.length - at, 1 + random.nextInt(4));
                out.write(bytes, 0, at);
                out.write(bytes, at + n, bytes.length - at - n);
            }
            default -> { // replace
                byte[] copy = bytes.clone();
                if (copy.length > 0) {
                    copy[at] = randomByte(random);
                }
                return copy;
            }
        }
        return out.toByteArray();
    }

    static byte randomByte(Random random) {
        return random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
    }

    @Test
    @Order(1)
    void httpHeads_areAnsweredAndClosed_orClosed_withinTheBound() throws Exception {
        List<HttpInput> inputs = httpInputs(new Random(SEED));
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> outcomes = new java.util.concurrent.ConcurrentSkipListMap<>();
        runAll("fuzz-http-", inputs, input -> {
            String outcome = sendHttp(input);
            outcomes.computeIfAbsent(outcome.startsWith("FAIL") ? "FAIL" : outcome, k -> new AtomicInteger()).incrementAndGet();
            if (outcome.startsWith("FAIL")) {
                failures.add(outcome + " for " + input);
            }
        }, failures);
        assertThat(failures.size()).as("seed %d (rerun with -Dfuzz.seed=%d); outcomes %s; first failures:%n%s", SEED,
                SEED, outcomes, String.join("\n", failures.stream().limit(10).toList())).isZero();
        assertThat(outcomes).as("outcomes %s", outcomes).containsKeys("200", "400");
    }

    /** @return the outcome: a status, "closed", "reset", or "FAIL: why" */
    static String sendHttp(HttpInput input) throws IOException {
        byte[] bytes = input.bytes();
        boolean completeHead = indexOf(bytes, "\n\r\n") >= 0 || indexOf(bytes, "\n\n") >= 0;
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            long start = System.nanoTime();
            try {
                raw.write(bytes);
                if (completeHead) {
                    raw.write("z".repeat(MAX_BODY).getBytes(StandardCharsets.US_ASCII)); // completes any declared body
                }
            } catch (SocketException e) {
                // the server hung up while we wrote: read what it said
            }
            Received got = readUntilClosed(raw, BOUND);
            byte[] received = got.bytes();
            if (!got.closed()) {
                // bytes after an upgrade head are WebSocket frames (see earlyFrames_...): never left unanswered
                return "FAIL: still open after " + BOUND + ", received " + escape(received, 200);
            }
            long took = System.nanoTime() - start;
            if (took > BOUND.toNanos()) {
                return "FAIL: took " + Duration.ofNanos(took);
            }
            if (received.length == 0) {
                return "closed";
            }
            String text = new String(received, StandardCharsets.ISO_8859_1);
            Matcher status = STATUS_LINE.matcher(text);
            if (!status.lookingAt()) {
                return "FAIL: not a status line: " + escape(received, 200);
            }
            int code = Integer.parseInt(status.group(1));
            if (code >= 500 && code != 505) {
                return "FAIL: " + code + " for an input the application never failed on: " + escape(received, 300);
            }
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return "FAIL: incomplete response head: " + escape(received, 300);
            }
            if (code == 101) {
                return checkCloseAfterUpgrade(received, headEnd + 4);
            }
            if (!text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close")) {
                return "FAIL: " + code + " without Connection: close";
            }
            return String.valueOf(code);
        }
    }

    /** What a socket received, and whether the peer closed it (end of stream or reset). */
    record Received(byte[] bytes, boolean closed) {
    }

    static Received readUntilClosed(RawSocket raw, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new Received(received.toByteArray(), false);
            }
            raw.socket.setSoTimeout((int) left);
            int n;
            try {
                n = raw.socket.getInputStream().read(buffer);
            } catch (SocketTimeoutException e) {
                return new Received(received.toByteArray(), false);
            } catch (SocketException e) {
                return new Received(received.toByteArray(), true);
            }
            if (n < 0) {
                return new Received(received.toByteArray(), true);
            }
            received.write(buffer, 0, n);
        }
    }

    /** After a 101 the filler is no valid frame: the server must close with a valid code. */
    static String checkCloseAfterUpgrade(byte[] received, int from) {
        ByteBuffer frames = ByteBuffer.wrap(received, from, received.length - from);
        while (frames.remaining() >= 2) {
            int b0 = frames.get() & 0xff;
            int b1 = frames.get() & 0xff;
            if ((b1 & 0x80) != 0) {
                return "FAIL: masked server frame";
            }
            long length = b1 & 0x7f;
            if (length == 126) {
                length = frames.getShort() & 0xffff;
            } else if (length == 127) {
                length = frames.getLong();
            }
            if (length > frames.remaining()) {
                return "FAIL: truncated server frame";
            }
            byte[] payload = new byte[(int) length];
            frames.get(payload);
            if ((b0 & 0x0f) == RawSocket.CLOSE) {
                String why = closePayloadProblem(payload);
                return why == null ? "101+close" : "FAIL: " + why;
            }
        }
        return "FAIL: 101 then no close frame";
    }

    @Test
    void incompleteBody_isGivenUpOnWithinTheBound() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc");
            assertThat(raw.awaitClosedByPeer(BOUND)).as("closed within %s", BOUND).isNotNull();
        }
    }

    // ================================================================== WebSocket

    /** One generated frame sequence. */
    record FrameSequence(int index, List<byte[]> frames, String description) {
        @Override
        public String toString() {
            return "ws sequence #" + index + ": " + description;
        }
    }

    static List<FrameSequence> frameSequences(Random random) {
        List<FrameSequence> sequences = new ArrayList<>(WS_SEQUENCES);
        for (int i = 0; i < WS_SEQUENCES; i++) {
            int n = 1 + random.nextInt(5);
            List<byte[]> frames = new ArrayList<>(n);
            StringBuilder description = new StringBuilder();
            for (int f = 0; f < n; f++) {
                frames.add(frame(random, description));
            }
            sequences.add(new FrameSequence(i, frames, description.toString()));
        }
        return sequences;
    }

    static final int[] OPCODES = {RawSocket.TEXT, RawSocket.TEXT, RawSocket.TEXT, RawSocket.BINARY, RawSocket.BINARY,
        RawSocket.CONTINUATION, RawSocket.CONTINUATION, RawSocket.PING, RawSocket.PONG, RawSocket.CLOSE, 3, 7, 0xb, 0xf};

    static byte[] frame(Random random, StringBuilder description) {
        int opcode = OPCODES[random.nextInt(OPCODES.length)];
        boolean fin = random.nextInt(5) != 0;
        int rsv = random.nextInt(15) == 0 ? 1 + random.nextInt(7) : 0;
        boolean masked = random.nextInt(15) != 0;
        byte[] payload = payload(random, opcode);
        int kind = random.nextInt(30);
        description.append(String.format("[fin=%s rsv=%d op=%x masked=%s len=%d%s %s] ", fin, rsv, opcode, masked,
                payload.length, kind == 0 ? " huge-declared" : kind == 1 ? " non-minimal" : "",
                escape(payload, 40)));
        if (kind == 0) { // a length header far over the maximum, with no payload behind it
            ByteBuffer header = ByteBuffer.allocate(14);
            header.put((byte) ((fin ? 0x80 : 0) | rsv << 4 | opcode));
            header.put((byte) ((masked ? 0x80 : 0) | 127));
            header.putLong(random.nextBoolean() ? Long.MAX_VALUE : random.nextBoolean() ? -1L : MAX_MESSAGE + 1L
                    + random.nextInt(1 << 20));
            if (masked) {
                header.putInt(random.nextInt());
            }
            return java.util.Arrays.copyOf(header.array(), header.position());
        }
        if (kind == 1 && payload.length <= 125) { // the 127 form for a short payload
            byte[] proper = RawSocket.encodeFrame(fin, rsv, opcode, payload, masked);
            ByteBuffer frame = ByteBuffer.allocate(proper.length + 8);
            frame.put(proper[0]).put((byte) ((masked ? 0x80 : 0) | 127)).putLong(payload.length);
            frame.put(proper, 2, proper.length - 2);
            return frame.array();
        }
        return RawSocket.encodeFrame(fin, rsv, opcode, payload, masked);
    }

    static byte[] payload(Random random, int opcode) {
        if (opcode == RawSocket.CLOSE) {
            return switch (random.nextInt(6)) {
                case 0 -> new byte[0];
                case 1 -> new byte[] {3};
                case 2 -> closePayload(pick(random, new int[] {999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}), "x");
                case 3 -> closePayload(1000, "x".repeat(130));
                case 4 -> {
                    if (random.nextBoolean()) {
                        yield closePayload(1000, "\u00e9");
                    }
                    byte[] p = closePayload(1000, "ab");
                    p[3] = (byte) 0xff; // invalid UTF-8 reason: see closeWithAnInvalidUtf8Reason_closes1007
                    yield p;
                }
                default -> closePayload(pick(random, new int[] {1000, 1001, 1003, 3000, 4999}), "bye");
            };
        }
        int length = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1, 2 -> 126 + random.nextInt(200); // the 16-bit length form
            case 3 -> random.nextBoolean() ? MAX_MESSAGE : MAX_MESSAGE + 1 + random.nextInt(100); // the 64-bit form
            case 4 -> 65535;
            default -> 1 + random.nextInt(125);
        };
        if ((opcode == RawSocket.PING || opcode == RawSocket.PONG) && random.nextInt(3) != 0) {
            length = Math.min(length, 125);
        }
        byte[] payload = new byte[length];
        if (opcode == RawSocket.TEXT || opcode == RawSocket.CONTINUATION) {
            switch (random.nextInt(4)) {
                case 0 -> random.nextBytes(payload); // almost surely invalid UTF-8
                case 1 -> { // valid UTF-8, possibly cut inside a character at the end
                    byte[] snowmen = "\u2603\u00e9a".repeat(length / 6 + 1).getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(snowmen, 0, payload, 0, length);
                }
                default -> java.util.Arrays.fill(payload, (byte) 'a');
            }
        } else {
            random.nextBytes(payload);
        }
        return payload;
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    @Test
    @Order(2)
    void frameSequences_areEchoedPongedOrClosedWithAValidCode() throws Exception {
        List<FrameSequence> sequences = frameSequences(new Random(SEED ^ 0x77));
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> outcomes = new java.util.concurrent.ConcurrentSkipListMap<>();
        runAll("fuzz-ws-", sequences, sequence -> {
            String outcome = sendFrames(sequence);
            outcomes.computeIfAbsent(outcome.startsWith("FAIL") ? "FAIL" : outcome, k -> new AtomicInteger()).incrementAndGet();
            if (outcome.startsWith("FAIL")) {
                failures.add(outcome + " for " + sequence);
            }
        }, failures);
        assertThat(failures.size()).as("seed %d (rerun with -Dfuzz.seed=%d); outcomes %s; first failures:%n%s", SEED,
                SEED, outcomes, String.join("\n", failures.stream().limit(10).toList())).isZero();
        assertThat(outcomes).as("outcomes %s", outcomes).containsKeys("alive", "close 1002");
    }

    /** @return "alive", "close NNNN", "reset", or "FAIL: why" */
    static String sendFrames(FrameSequence sequence) throws IOException {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            // every fourth sequence goes out with the upgrade head, in one write (see earlyFrames_...)
            boolean early = sequence.index() % 4 == 0;
            String key = RawSocket.newKey();
            if (!early) {
                raw.handshake("/ws/echo/");
            }
            raw.socket.setSoTimeout((int) BOUND.toMillis());
            byte[] marker = ("marker-" + sequence.index()).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            if (early) {
                all.writeBytes(RawSocket.upgradeRequest("/ws/echo/", key, "").getBytes(StandardCharsets.ISO_8859_1));
            }
            for (byte[] frame : sequence.frames()) {
                all.writeBytes(frame);
            }
            all.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.PING, marker, true));
            try {
                raw.write(all.toByteArray());
            } catch (SocketException e) {
                // the server failed the connection early: read its close frame
            }
            if (early) {
                RawSocket.Response head = raw.readHead();
                if (head.status() != 101 || !RawSocket.acceptFor(key).equals(head.header("Sec-WebSocket-Accept"))) {
                    return "FAIL: early frames, then " + head.statusLine();
                }
            }
            boolean closeSent = false;
            long deadline = System.nanoTime() + BOUND.toNanos() * 2;
            while (System.nanoTime() < deadline) {
                RawSocket.Frame frame;
                try {
                    frame = raw.readFrame();
                } catch (SocketTimeoutException e) {
                    return "FAIL: no frame and no close within " + BOUND;
                } catch (EOFException e) {
                    return "FAIL: closed without a close frame: " + e.getMessage();
                } catch (SocketException e) {
                    return "reset"; // the server hung up with our bytes unread: its close frame may be lost
                }
                if (frame.masked() || frame.rsv() != 0) {
                    return "FAIL: bad server frame " + frame;
                }
                switch (frame.opcode()) {
                    case RawSocket.TEXT -> {
                        if (!frame.fin() || !validUtf8(frame.payload())) {
                            return "FAIL: bad text echo " + frame;
                        }
                    }
                    case RawSocket.BINARY -> {
                        if (!frame.fin()) {
                            return "FAIL: fragmented echo " + frame;
                        }
                    }
                    case RawSocket.PING -> {
                        // keep-alive
                    }
                    case RawSocket.PONG -> {
                        if (java.util.Arrays.equals(frame.payload(), marker) && !closeSent) {
                            closeSent = true; // alive after the sequence: close it properly
                            raw.sendClose(1000);
                        }
                    }
                    case RawSocket.CLOSE -> {
                        String why = closePayloadProblem(frame.payload());
                        if (why != null) {
                            return "FAIL: " + why;
                        }
                        try {
                            if (!closeSent) {
                                raw.sendClose(1000);
                            }
                        } catch (SocketException e) {
                            // already gone
                        }
                        byte[] rest = raw.awaitClosedByPeer(BOUND);
                        if (rest == null) {
                            return "FAIL: open " + BOUND + " after the close frame";
                        }
                        return closeSent ? "alive" : "close " + frame.closeCode();
                    }
                    default -> {
                        return "FAIL: unknown server opcode " + frame;
                    }
                }
            }
            return "FAIL: no end within " + BOUND.multipliedBy(2);
        }
    }

    /** @return why a server close payload is invalid, or null */
    static String closePayloadProblem(byte[] payload) {
        if (payload.length == 1 || payload.length > 125) {
            return "close payload of " + payload.length + " bytes";
        }
        if (payload.length == 0) {
            return null;
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        boolean valid = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!valid) {
            return "close code " + code + " a server must not send";
        }
        if (!validUtf8(java.util.Arrays.copyOfRange(payload, 2, payload.length))) {
            return "close reason not UTF-8";
        }
        return null;
    }

    // ================================================================== the fuzzer's findings, pinned

    @Test
    void closeWithAnInvalidUtf8Reason_closes1007() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
            raw.socket.setSoTimeout((int) BOUND.toMillis());
            raw.sendFrame(true, RawSocket.CLOSE, new byte[] {0x03, (byte) 0xe8, 'a', (byte) 0xff});
            RawSocket.Frame close = raw.readFrameSkippingPings();
            assertThat(close.opcode()).isEqualTo(RawSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(raw.awaitClosedByPeer(BOUND)).isNotNull();
        }
    }

    @Test
    void closeWithAReasonCutInsideACharacter_closes1007() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
            raw.socket.setSoTimeout((int) BOUND.toMillis());
            byte[] snowman = "\u2603".getBytes(StandardCharsets.UTF_8);
            raw.sendFrame(true, RawSocket.CLOSE, new byte[] {0x03, (byte) 0xe8, snowman[0], snowman[1]});
            RawSocket.Frame close = raw.readFrameSkippingPings();
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(raw.awaitClosedByPeer(BOUND)).isNotNull();
        }
    }

    @Test
    void closeWithAValidUnicodeReason_isEchoed() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
            raw.socket.setSoTimeout((int) BOUND.toMillis());
            raw.write(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE, closePayload(4001, "bye \u2603"), true));
            RawSocket.Frame close = raw.readFrameSkippingPings();
            assertThat(close.closeCode()).isEqualTo(4001);
            assertThat(raw.awaitClosedByPeer(BOUND)).isNotNull();
        }
    }

    @Test
    void closeThenGarbage_isAnsweredWithACloseFrame() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (RawSocket raw = RawSocket.connect(server.server().port())) {
                raw.handshake("/ws/echo/");
                raw.socket.setSoTimeout((int) BOUND.toMillis());
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                frames.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE, new byte[0], true));
                frames.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE, new byte[] {3}, true));
                raw.write(frames.toByteArray());
                RawSocket.Frame close = raw.readFrameSkippingPings();
                assertThat(close.opcode()).as("attempt %d", i).isEqualTo(RawSocket.CLOSE);
                assertThat(close.closeCode()).as("attempt %d: the first close wins", i).isEqualTo(1000);
                assertThat(raw.awaitClosedByPeer(BOUND)).isNotNull();
            }
        }
    }

    @Test
    void framesAfterAClose_inTheSameWrite_areIgnored() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
            raw.socket.setSoTimeout((int) BOUND.toMillis());
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.CLOSE, closePayload(1000, ""), true));
            frames.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.TEXT, "after".getBytes(StandardCharsets.UTF_8), true));
            frames.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.TEXT, "unmasked".getBytes(StandardCharsets.UTF_8), false));
            frames.writeBytes(new byte[] {(byte) 0x83, (byte) 0x80, 1, 2, 3, 4}); // unknown opcode
            raw.write(frames.toByteArray());
            RawSocket.Frame close = raw.readFrameSkippingPings();
            assertThat(close.opcode()).isEqualTo(RawSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(raw.awaitClosedByPeer(BOUND)).as("nothing but the end of the stream after the close").isEmpty();
        }
    }

    @Test
    void earlyFrames_sentWithTheUpgradeHead_areDeliveredInOrderAfterThe101() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RawSocket raw = RawSocket.connect(server.server().port())) {
                String key = RawSocket.newKey();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.writeBytes(RawSocket.upgradeRequest("/ws/echo/", key, "").getBytes(StandardCharsets.ISO_8859_1));
                bytes.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.TEXT, "early".getBytes(StandardCharsets.UTF_8), true));
                bytes.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.PING, "p".getBytes(StandardCharsets.UTF_8), true));
                bytes.writeBytes(RawSocket.encodeFrame(false, 0, RawSocket.TEXT, "sec".getBytes(StandardCharsets.UTF_8), true));
                bytes.writeBytes(RawSocket.encodeFrame(true, 0, RawSocket.CONTINUATION, "ond".getBytes(StandardCharsets.UTF_8), true));
                raw.write(bytes.toByteArray());
                raw.socket.setSoTimeout((int) BOUND.toMillis());
                RawSocket.Response head = raw.readHead();
                assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
                assertThat(head.header("Sec-WebSocket-Accept")).isEqualTo(RawSocket.acceptFor(key));
                RawSocket.Frame first = raw.readFrameSkippingPings();
                RawSocket.Frame second = raw.readFrameSkippingPings();
                RawSocket.Frame third = raw.readFrameSkippingPings();
                // the pong is the library's answer on this thread, the echoes the consumer's: both orders are fine
                List<String> seen = List.of(describe(first), describe(second), describe(third));
                assertThat(seen).as("attempt %d", i).containsExactlyInAnyOrder("text early", "pong p", "text second");
                assertThat(seen.indexOf("text early")).as("attempt %d: echoes in order", i)
                        .isLessThan(seen.indexOf("text second"));
            }
        }
    }

    private static String describe(RawSocket.Frame frame) {
        return (frame.opcode() == RawSocket.TEXT ? "text " : frame.opcode() == RawSocket.PONG ? "pong " : frame + " ")
                + new String(frame.payload(), StandardCharsets.UTF_8);
    }

    // ================================================================== and after all that

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheFuzzing_theServerStillEchoes_andHoldsNoExtraThreads() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().openConnections() == 0);
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.handshake("/ws/echo/");
            raw.sendText("still alive \u00e9");
            RawSocket.Frame echo = raw.readFrameSkippingPings();
            assertThat(echo.opcode()).isEqualTo(RawSocket.TEXT);
            assertThat(echo.text()).isEqualTo("still alive \u00e9");
            raw.sendClose(1000);
            assertThat(raw.readFrameSkippingPings().closeCode()).isEqualTo(1000);
        }
        try (RawSocket raw = RawSocket.connect(server.server().port())) {
            raw.writeLatin1("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawSocket.Response response = raw.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(response.bodyText()).isEqualTo("ok 0");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverThreads())
                .as("platform threads named channels4j-* (%d before the fuzzing)", baselineThreads)
                .isLessThanOrEqualTo(baselineThreads + 2));
    }

    // ================================================================== helpers

    interface Check<T> {
        void run(T input) throws Exception;
    }

    /** Runs the checks on named platform threads; a check that throws is a failure too. */
    static <T> void runAll(String threadPrefix, List<T> inputs, Check<T> check, Queue<String> failures)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofPlatform().name(threadPrefix, 0).factory());
        try {
            List<Future<?>> futures = new ArrayList<>(inputs.size());
            for (T input : inputs) {
                futures.add(pool.submit(() -> {
                    try {
                        check.run(input);
                    } catch (Exception | AssertionError e) {
                        failures.add("FAIL: " + e + " for " + input);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    static int serverThreads() {
        int n = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("channels4j-")) {
                n++;
            }
        }
        return n;
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static int indexOf(byte[] bytes, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= bytes.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (bytes[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String escape(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return bytes.length > max ? sb + "...(" + bytes.length + " bytes)" : sb.toString();
    }

    static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    static int pick(Random random, int[] options) {
        return options[random.nextInt(options.length)];
    }
}

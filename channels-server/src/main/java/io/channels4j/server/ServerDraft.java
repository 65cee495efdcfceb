package io.channels4j.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.CloseHandshakeType;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.handshake.HandshakeBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's only draft: an HTTP/1.1 front end that hands WebSocket upgrades to RFC 6455 framing
 * once the application accepts (DESIGN.md §6, notes/java-websocket-engine.md).
 *
 * <p>Java-WebSocket asks its drafts to parse the request head; this one parses any request
 * itself ({@link RequestHeadParser}), reports every head as a matched handshake so the library
 * "opens" the connection without writing anything, and leaves the answer to the server: an HTTP
 * response, a 101 after {@code websocket.accept}, a 403 after a rejection. Until the 101 is sent
 * the draft is in HTTP mode (request body bytes go to the connection; no close handshake);
 * afterwards it is a plain {@link Draft_6455} with the server's frame size limit, behind an
 * {@link InboundFrameGuard} for what the library does not check. Frames a client sends before the
 * application accepted are decoded and held, then delivered after the 101
 * ({@link #switchToWebsocket}).
 *
 * <p>One instance per connection ({@link #copyInstance()}). Called on the connection's decoder
 * thread, except {@link #createBinaryFrame} and {@link #createFrames}, which run on the sending
 * thread, and {@link #switchToWebsocket}, on the application's; the mode is volatile.
 */
final class ServerDraft extends Draft_6455 {

    private static final Logger log = LoggerFactory.getLogger(ServerDraft.class);

    enum Mode { HEAD, HTTP, WEBSOCKET_PENDING, WEBSOCKET }

    private final int maxHeadSize;
    private final int maxMessageSize;
    private volatile Mode mode = Mode.HEAD;
    private RequestHead head;
    private BadRequestException headError;
    private volatile ServerConnection connection;
    private volatile long lastInboundNanos = System.nanoTime();
    private final InboundFrameGuard guard;
    /**
     * Guards the switch from {@link Mode#WEBSOCKET_PENDING} to {@link Mode#WEBSOCKET} against the
     * decoder holding frames meanwhile; never held while calling the library's listener.
     */
    private final Object pendingLock = new Object();
    /** Frames decoded before the application accepted, delivered after the 101; null after it. */
    private List<Framedata> held = new ArrayList<>();
    private long heldBytes;
    /** A close frame or a protocol error was processed: later frames are ignored. */
    private volatile boolean inputEnded;

    ServerDraft(int maxHeadSize, int maxMessageSize) {
        super(Collections.emptyList(), maxMessageSize);
        this.maxHeadSize = maxHeadSize;
        this.maxMessageSize = maxMessageSize;
        this.guard = new InboundFrameGuard(maxMessageSize);
    }

    /** @return the parsed head; null if it was malformed ({@link #headError()}) or once attached */
    RequestHead head() {
        return head;
    }

    /** @return why the head was rejected, or null */
    BadRequestException headError() {
        return headError;
    }

    void attach(ServerConnection connection, Mode newMode) {
        this.connection = connection;
        this.mode = newMode;
        this.head = null; // the scope holds what the application needs; the raw head would live as long as the socket
    }

    /**
     * Ends the pending mode once the 101 is queued: frames that arrived with or after the upgrade
     * request, before the application accepted, are processed now, in order, on the calling
     * (application) thread; later frames wait for this to finish. RFC 6455 §4.1 has a client wait
     * for the 101 before sending, but one that does not must not lose its frames.
     *
     * @param socket the connection
     */
    void switchToWebsocket(WebSocketImpl socket) {
        synchronized (pendingLock) {
            mode = Mode.WEBSOCKET;
            List<Framedata> frames = held;
            held = null;
            for (Framedata frame : frames) {
                try {
                    processFrame(socket, frame);
                } catch (RuntimeException e) {
                    log.debug("early frames from {} not delivered: {}", socket.getRemoteSocketAddress(), e.toString());
                    return; // the socket closed meanwhile
                }
            }
        }
    }

    Mode mode() {
        return mode;
    }

    long lastInboundNanos() {
        return lastInboundNanos;
    }

    // ------------------------------------------------------------------ handshake: any request

    @Override
    public Handshakedata translateHandshake(ByteBuffer buffer) throws InvalidHandshakeException {
        lastInboundNanos = System.nanoTime();
        RequestHead parsed;
        try {
            parsed = RequestHeadParser.parse(buffer, maxHeadSize);
        } catch (BadRequestException e) {
            headError = e;
            buffer.position(buffer.limit());
            return placeholder("/");
        }
        if (parsed == null) {
            throw new IncompleteHandshakeException(Math.min(maxHeadSize + 4, buffer.remaining() * 2 + 512));
        }
        head = parsed;
        return placeholder(parsed.target());
    }

    private static ClientHandshake placeholder(String target) {
        HandshakeImpl1Client handshake = new HandshakeImpl1Client();
        handshake.setResourceDescriptor(target);
        return handshake;
    }

    @Override
    public HandshakeState acceptHandshakeAsServer(ClientHandshake handshakedata) {
        return HandshakeState.MATCHED;
    }

    @Override
    public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
                                                                 ServerHandshakeBuilder response) {
        return response;
    }

    @Override
    public List<ByteBuffer> createHandshake(Handshakedata handshakedata, boolean withcontent) {
        return Collections.emptyList(); // the server writes its own answer
    }

    // ------------------------------------------------------------------ frames

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        lastInboundNanos = System.nanoTime();
        Mode current = mode;
        if (current == Mode.WEBSOCKET) {
            return websocketFrames(buffer);
        }
        if (current == Mode.WEBSOCKET_PENDING) {
            synchronized (pendingLock) {
                if (mode == Mode.WEBSOCKET_PENDING) {
                    hold(websocketFrames(buffer));
                    return Collections.emptyList();
                }
            }
            return websocketFrames(buffer);
        }
        ServerConnection target = connection;
        if (target != null && buffer.hasRemaining()) {
            target.onRequestBytes(buffer);
        }
        buffer.position(buffer.limit());
        return Collections.emptyList();
    }

    /**
     * Decodes what the {@link InboundFrameGuard} lets through; consumes the whole buffer. Errors
     * become a {@link FailureFrame} after the frames that came before them.
     */
    private List<Framedata> websocketFrames(ByteBuffer buffer) {
        InboundFrameGuard.Verdict verdict = guard.scan(buffer);
        List<Framedata> frames = new ArrayList<>();
        try {
            if (verdict.decodeUpTo() > buffer.position()) {
                ByteBuffer part = buffer.duplicate();
                part.limit(verdict.decodeUpTo());
                frames.addAll(super.translateFrame(part));
            }
            if (verdict.closeFrame() != null) {
                frames.addAll(super.translateFrame(ByteBuffer.wrap(verdict.closeFrame())));
            }
            if (verdict.failure() != null) {
                frames.add(new FailureFrame(verdict.failure()));
            }
        } catch (InvalidDataException e) {
            guard.end();
            frames.add(new FailureFrame(e));
        }
        buffer.position(buffer.limit());
        return frames;
    }

    /** @return whether the frames held until the accept end in a failure (for tests) */
    boolean holdsFailure() {
        synchronized (pendingLock) {
            return held != null && !held.isEmpty() && held.get(held.size() - 1) instanceof FailureFrame;
        }
    }

    /** Keeps frames until the application accepts; bounded by the max message size. */
    private void hold(List<Framedata> frames) {
        for (Framedata frame : frames) {
            heldBytes += frame.getPayloadData().remaining() + InboundFrameGuard.MIN_FRAGMENT_COST;
            if (heldBytes > maxMessageSize) {
                held.clear();
                guard.end();
                held.add(new FailureFrame(new LimitExceededException("more than " + maxMessageSize
                        + " bytes sent before the handshake completed", maxMessageSize)));
                return;
            }
            held.add(frame);
        }
    }

    @Override
    public void processFrame(WebSocketImpl webSocketImpl, Framedata frame) {
        if (inputEnded) {
            return; // after a close frame or a protocol error nothing more is processed (RFC 6455 §5.5.1)
        }
        if (frame instanceof FailureFrame failure) {
            fail(webSocketImpl, failure.error());
            return;
        }
        if (frame instanceof CloseFrame close) {
            inputEnded = true;
            if (connection instanceof WebsocketConnection ws) {
                // Remember the peer's code before the library answers: if the peer drops TCP as soon as
                // it reads the answer, the library may report the close as 1006 (abnormal) instead.
                ws.peerClosed(close.getCloseCode());
            }
        }
        try {
            super.processFrame(webSocketImpl, frame);
        } catch (InvalidDataException e) {
            fail(webSocketImpl, e);
        }
    }

    /**
     * Fails the connection with the error's close code. Done here rather than by throwing to the
     * library, which would log every client's protocol error at ERROR with a stack trace.
     */
    private void fail(WebSocketImpl webSocketImpl, InvalidDataException error) {
        inputEnded = true;
        log.debug("failing the WebSocket from {}: {} {}", webSocketImpl.getRemoteSocketAddress(),
                error.getCloseCode(), error.getMessage());
        webSocketImpl.close(error);
    }

    @Override
    public ByteBuffer createBinaryFrame(Framedata framedata) {
        if (framedata instanceof RawFrame raw) {
            return raw.bytes();
        }
        return super.createBinaryFrame(framedata);
    }

    @Override
    public List<Framedata> createFrames(ByteBuffer binary, boolean mask) {
        requireWebsocket();
        return super.createFrames(binary, mask);
    }

    @Override
    public List<Framedata> createFrames(String text, boolean mask) {
        TextFrame frame = textFrame(text.getBytes(StandardCharsets.UTF_8));
        frame.setTransferemasked(mask);
        return List.of(frame);
    }

    /**
     * A final, unmasked text frame around text the caller has already encoded. The library's
     * {@code createFrames(String)} re-validates the UTF-8 it just encoded (8 % of the server's
     * CPU in a fan-out profile): a Java String always encodes to valid UTF-8 (an unpaired
     * surrogate becomes '?'), so encoding once is enough. No RSV bits.
     *
     * @param utf8 the text's UTF-8 bytes (not copied)
     * @return the frame
     * @throws IllegalStateException before the handshake completed
     */
    TextFrame textFrame(byte[] utf8) {
        requireWebsocket();
        TextFrame frame = new TextFrame();
        frame.setPayload(ByteBuffer.wrap(utf8));
        frame.setTransferemasked(false);
        return frame;
    }

    private void requireWebsocket() {
        if (mode != Mode.WEBSOCKET) {
            throw new IllegalStateException("WebSocket frames before the handshake completed");
        }
    }

    @Override
    public CloseHandshakeType getCloseHandshakeType() {
        return mode == Mode.WEBSOCKET ? CloseHandshakeType.TWOWAY : CloseHandshakeType.NONE;
    }

    @Override
    public Draft copyInstance() {
        return new ServerDraft(maxHeadSize, maxMessageSize);
    }

    @Override
    public String toString() {
        return "ServerDraft[" + mode + "]";
    }
}

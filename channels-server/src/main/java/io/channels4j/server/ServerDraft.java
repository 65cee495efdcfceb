package io.channels4j.server;

import java.nio.ByteBuffer;
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
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.handshake.HandshakeBuilder;

/**
 * The server's only draft: an HTTP/1.1 front end that hands WebSocket upgrades to RFC 6455 framing
 * once the application accepts (DESIGN.md §6, notes/java-websocket-engine.md).
 *
 * <p>Java-WebSocket asks its drafts to parse the request head; this one parses any request
 * itself ({@link RequestHeadParser}), reports every head as a matched handshake so the library
 * "opens" the connection without writing anything, and leaves the answer to the server: an HTTP
 * response, a 101 after {@code websocket.accept}, a 403 after a rejection. Until the 101 is sent
 * the draft is in HTTP mode (request body bytes go to the connection; no close handshake);
 * afterwards it is a plain {@link Draft_6455} with the server's frame size limit.
 *
 * <p>One instance per connection ({@link #copyInstance()}). Called on the connection's decoder
 * thread, except {@link #createBinaryFrame} and {@link #createFrames}, which run on the sending
 * thread; the mode is volatile.
 */
final class ServerDraft extends Draft_6455 {

    enum Mode { HEAD, HTTP, WEBSOCKET_PENDING, WEBSOCKET }

    private final int maxHeadSize;
    private final int maxMessageSize;
    private volatile Mode mode = Mode.HEAD;
    private RequestHead head;
    private BadRequestException headError;
    private volatile ServerConnection connection;
    private volatile long lastInboundNanos = System.nanoTime();
    /** Frame-boundary tracking for the mask check: header bytes seen, bytes of the frame left. */
    private final byte[] frameHeader = new byte[14];
    private int frameHeaderLength;
    private int frameHeaderNeeded = 2;
    private long frameBytesLeft;

    ServerDraft(int maxHeadSize, int maxMessageSize) {
        super(Collections.emptyList(), maxMessageSize);
        this.maxHeadSize = maxHeadSize;
        this.maxMessageSize = maxMessageSize;
    }

    /** @return the parsed head, or null if it was malformed ({@link #headError()}) */
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
    }

    void switchToWebsocket() {
        mode = Mode.WEBSOCKET;
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
            requireMaskedFrames(buffer);
            return super.translateFrame(buffer);
        }
        ServerConnection target = connection;
        if (target != null && buffer.hasRemaining()) {
            target.onRequestBytes(buffer);
        }
        buffer.position(buffer.limit());
        return Collections.emptyList();
    }

    /**
     * RFC 6455 §5.1: a server must close the connection on an unmasked client frame; the library
     * does not check. Follows frame boundaries across reads without consuming anything.
     */
    private void requireMaskedFrames(ByteBuffer buffer) throws InvalidDataException {
        int i = buffer.position();
        int limit = buffer.limit();
        while (i < limit) {
            if (frameBytesLeft > 0) {
                long step = Math.min(frameBytesLeft, limit - i);
                i += (int) step;
                frameBytesLeft -= step;
                continue;
            }
            frameHeader[frameHeaderLength++] = buffer.get(i++);
            if (frameHeaderLength == 2) {
                if ((frameHeader[1] & 0x80) == 0) {
                    throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "client frames must be masked");
                }
                int length7 = frameHeader[1] & 0x7f;
                frameHeaderNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
            }
            if (frameHeaderLength >= 2 && frameHeaderLength == frameHeaderNeeded) {
                int length7 = frameHeader[1] & 0x7f;
                long payload = length7;
                if (length7 == 126) {
                    payload = ((frameHeader[2] & 0xffL) << 8) | (frameHeader[3] & 0xffL);
                } else if (length7 == 127) {
                    payload = 0;
                    for (int b = 2; b < 10; b++) {
                        payload = (payload << 8) | (frameHeader[b] & 0xffL);
                    }
                }
                frameBytesLeft = payload;
                frameHeaderLength = 0;
                frameHeaderNeeded = 2;
            }
        }
    }

    @Override
    public void processFrame(WebSocketImpl webSocketImpl, Framedata frame) throws InvalidDataException {
        if (frame instanceof CloseFrame close && connection instanceof WebsocketConnection ws) {
            // Remember the peer's code before the library answers: if the peer drops TCP as soon as
            // it reads the answer, the library may report the close as 1006 (abnormal) instead.
            ws.peerClosed(close.getCloseCode());
        }
        super.processFrame(webSocketImpl, frame);
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
        requireWebsocket();
        return super.createFrames(text, mask);
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

package io.channels4j.server;

import java.nio.ByteBuffer;

import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.Framedata;

/**
 * Bytes written to the socket as they are (HTTP responses, the 101 handshake), through
 * {@code WebSocketImpl.sendFrame}; {@link ServerDraft#createBinaryFrame} passes them through
 * unframed, in any mode.
 */
final class RawFrame implements Framedata {

    private final ByteBuffer bytes;

    RawFrame(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    ByteBuffer bytes() {
        return bytes;
    }

    @Override
    public boolean isFin() {
        return true;
    }

    @Override
    public boolean isRSV1() {
        return false;
    }

    @Override
    public boolean isRSV2() {
        return false;
    }

    @Override
    public boolean isRSV3() {
        return false;
    }

    @Override
    public boolean getTransfereMasked() {
        return false;
    }

    @Override
    public Opcode getOpcode() {
        return Opcode.BINARY;
    }

    @Override
    public ByteBuffer getPayloadData() {
        return bytes.duplicate();
    }

    @Override
    public void append(Framedata nextframe) {
        throw new UnsupportedOperationException("raw bytes are not fragmented");
    }
}

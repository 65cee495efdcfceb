package io.channels4j.server;

import java.nio.ByteBuffer;

import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;

/**
 * Not a frame: a protocol error found while decoding (by {@link InboundFrameGuard} or the
 * library), placed in the decoded frame list after the frames that arrived before it. When
 * {@link ServerDraft#processFrame} reaches it, it throws, and the library fails the connection
 * with the error's close code. So the frames before an error are still delivered, in order.
 */
final class FailureFrame implements Framedata {

    private final int code;
    private final String message;
    /** The limit of a {@link LimitExceededException}, or 0. */
    private final int limit;

    FailureFrame(InvalidDataException error) {
        this.code = error.getCloseCode();
        this.message = error.getMessage();
        this.limit = error instanceof LimitExceededException exceeded ? exceeded.getLimit() : 0;
    }

    /**
     * @return a fresh exception for the library to fail the connection with (a size error as a
     *         {@link LimitExceededException}, which the library closes with 1009 without logging it)
     */
    InvalidDataException error() {
        return code == CloseFrame.TOOBIG ? new LimitExceededException(message, limit)
                : new InvalidDataException(code, message);
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
        return Opcode.CLOSING;
    }

    @Override
    public ByteBuffer getPayloadData() {
        return ByteBuffer.allocate(0);
    }

    @Override
    public void append(Framedata nextframe) {
        throw new UnsupportedOperationException("a failure is not fragmented");
    }

    @Override
    public String toString() {
        return "FailureFrame[" + code + " " + message + "]";
    }
}

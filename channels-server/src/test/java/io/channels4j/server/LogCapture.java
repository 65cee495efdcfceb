package io.channels4j.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Tees {@code System.err}, where slf4j-simple writes every log line (it looks the stream up on
 * each line unless told to cache it), into a buffer while open. Output still reaches the original
 * stream. Tests in a module run one after another, so the capture sees only its own test's server
 * (and any stragglers of the one before: match on something unique).
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        this.original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** @return a capture that runs until {@link #close()} */
    static LogCapture start() {
        return new LogCapture();
    }

    /** @return everything written so far */
    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** @return the lines written so far that contain the text */
    List<String> linesContaining(String text) {
        return Arrays.stream(text().split("\\R")).filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}

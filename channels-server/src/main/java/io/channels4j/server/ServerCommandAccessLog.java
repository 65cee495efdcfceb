package io.channels4j.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The {@code --access-log} sink of {@link ServerCommand}: appends each line to a file, or prints it
 * to standard output, and flushes it at once. Server threads call {@link #accept}; every method is
 * synchronized. Lines that arrive after {@link #close()} are dropped.
 */
final class ServerCommandAccessLog implements Consumer<String>, AutoCloseable {

    private final BufferedWriter file;
    private final PrintStream stream;
    private final PrintStream err;
    private boolean failed;
    private boolean closed;

    private ServerCommandAccessLog(BufferedWriter file, PrintStream stream, PrintStream err) {
        this.file = file;
        this.stream = stream;
        this.err = err;
    }

    /**
     * Opens the access log named by {@code --access-log}.
     *
     * @param target {@code -} for {@code out}, a file to append to (created if missing), or null
     * @param out    standard output
     * @param err    where a failed write is reported (once)
     * @return the sink, or null when {@code target} is null
     * @throws ServerCommandLine.UsageException if the file cannot be opened
     */
    static ServerCommandAccessLog open(String target, PrintStream out, PrintStream err)
            throws ServerCommandLine.UsageException {
        if (target == null) {
            return null;
        }
        if (target.equals("-")) {
            return new ServerCommandAccessLog(null, out, err);
        }
        try {
            BufferedWriter writer = Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return new ServerCommandAccessLog(writer, null, err);
        } catch (IOException | RuntimeException e) {
            throw new ServerCommandLine.UsageException("invalid value '" + target + "' for --access-log: cannot open"
                    + " it for appending (" + e + ")", e);
        }
    }

    @Override
    public synchronized void accept(String line) {
        if (closed) {
            return;
        }
        if (file == null) {
            stream.println(line);
            stream.flush();
            return;
        }
        try {
            file.write(line);
            file.newLine();
            file.flush();
        } catch (IOException e) {
            if (!failed) {
                failed = true;
                err.println("ChannelsServer: cannot write the access log: " + e);
            }
        }
    }

    /** Closes the file (every line is already flushed); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                err.println("ChannelsServer: cannot close the access log: " + e);
            }
        }
    }
}

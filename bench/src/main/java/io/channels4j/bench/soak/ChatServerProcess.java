package io.channels4j.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example chat server ({@code io.channels4j.examples.chat.ChatServer}) in a JVM of its own, so
 * its RSS and threads are measured alone: {@code java <jvm options> -cp <class path> ChatServer
 * --port <free> --bind 127.0.0.1 --layer <url> --allowed-hosts 127.0.0.1}, output in a log file.
 * {@link #close()} stops it as Ctrl-C would (SIGTERM), then SIGKILL after 15 s. Methods are
 * synchronized; close is safe in any state.
 */
final class ChatServerProcess implements AutoCloseable {

    static final String MAIN_CLASS = "io.channels4j.examples.chat.ChatServer";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private ChatServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the server on a free port and waits until it accepts connections.
     *
     * @param classpath  its class path
     * @param jvmOptions its JVM options
     * @param layerUrl   its {@code --layer}
     * @param dir        where its log goes
     * @return the running server
     * @throws InterruptedException when interrupted while waiting
     */
    static ChatServerProcess start(String classpath, List<String> jvmOptions, String layerUrl, Path dir)
            throws InterruptedException {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = LoopbackPorts.free();
            Path log = dir.resolve("chat-server-" + attempt + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classpath, MAIN_CLASS, "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--layer", layerUrl, "--allowed-hosts", "127.0.0.1"));
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the chat server: " + String.join(" ", command), e);
            }
            ChatServerProcess server = new ChatServerProcess(process, port, log);
            boolean up = Poll.until(START_TIMEOUT, Duration.ofMillis(50),
                    () -> !process.isAlive() || LoopbackPorts.accepts(port));
            if (up && process.isAlive()) {
                return server;
            }
            server.close();
            // a port taken between probing and binding makes it exit; anything else fails again
            last = new IllegalStateException("the chat server did not start on port " + port + ": "
                    + String.join(" ", command) + "\n" + server.logTail(20));
        }
        throw last;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the Origin a page of this server sends */
    String origin() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @param room a room name ({@code \w+})
     * @return the room's WebSocket URL
     */
    URI roomUri(String room) {
        return URI.create("ws://127.0.0.1:" + port + "/ws/chat/" + room + "/");
    }

    Path log() {
        return log;
    }

    /**
     * @param lines how many
     * @return the last lines of the server's output
     */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Counts the lines of the server's output that contain a text.
     *
     * @param text what to look for, e.g. {@code Exception}
     * @return how many lines
     */
    long logLinesContaining(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** SIGTERM (the server closes its sockets and leaves its groups), SIGKILL after 15 s. */
    @Override
    public synchronized void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

package io.channels4j.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} owned by the soak: its own free loopback port, no persistence
 * ({@code --save "" --appendonly no}), logs in the work directory. {@link #kill()} is a SIGKILL, a
 * crash; {@link #restart()} starts it again, empty, on the same port. Methods are synchronized;
 * {@link #close()} stops it and is safe in any state.
 */
final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final String command;
    private final Path dir;
    private int port;
    private int starts;
    private Process process;

    private RedisServerProcess(String command, Path dir) {
        this.command = command;
        this.dir = dir;
    }

    /**
     * Starts Redis on a free loopback port and waits until it answers PING.
     *
     * @param command the redis-server executable
     * @param dir     where its log goes
     * @return the running server
     * @throws InterruptedException when interrupted while waiting
     */
    static RedisServerProcess start(String command, Path dir) throws InterruptedException {
        RedisServerProcess redis = new RedisServerProcess(command, dir);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            redis.port = LoopbackPorts.free();
            try {
                redis.launch();
                return redis;
            } catch (IllegalStateException e) {
                // another process may have taken the port between probing and binding
                last = e;
                redis.kill();
            }
        }
        throw last;
    }

    synchronized int port() {
        return port;
    }

    /** @return the layer URL, {@code redis://127.0.0.1:<port>/0} */
    synchronized String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** SIGKILL, then waits until the process is gone; idempotent. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Starts it again on the same port (empty: nothing was persisted) and waits for PING.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    synchronized void restart() throws InterruptedException {
        kill();
        launch();
    }

    private void launch() throws InterruptedException {
        starts++;
        Path log = dir.resolve("redis-" + port + "-" + starts + ".log");
        List<String> args = List.of(command, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString());
        try {
            process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", args), e);
        }
        Process started = process;
        boolean up = Poll.until(START_TIMEOUT, Duration.ofMillis(20), () -> !started.isAlive() || pings(port));
        if (!up || !started.isAlive()) {
            throw new IllegalStateException(String.join(" ", args) + " did not answer PING within "
                    + START_TIMEOUT.toSeconds() + " s (see " + log + ")");
        }
    }

    /** @return whether Redis on the port answers PING within half a second */
    static boolean pings(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops it (SIGTERM, then SIGKILL); safe in any state. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        process = null;
    }

    @Override
    public String toString() {
        return "redis@127.0.0.1:" + port;
    }
}

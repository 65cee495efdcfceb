package io.channels4j.examples.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import redis.clients.jedis.Jedis;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} owned by one test: its own free loopback port and temp dir, no
 * persistence ({@code --save "" --appendonly no}), so a restart loses every key, as the CI Redis
 * would. {@link #kill()} is a SIGKILL (a crash); {@link #restart()} starts it again on the same
 * port and waits until it answers PING; {@link #close()} kills it and deletes the temp dir.
 */
final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private Process process;
    private int starts;

    private RedisServerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts one on a free loopback port. */
    static RedisServerProcess start() {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            RedisServerProcess redis = new RedisServerProcess(Files.createTempDirectory("channels4j-redis-"), port);
            redis.restart();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>/0} */
    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Starts the process on {@link #port()} (again) and waits until it answers PING. */
    synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        List<String> command = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString());
        try {
            starts++;
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis-" + starts + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command + " (is redis-server installed?)", e);
        }
        Process started = process;
        await("redis-server on port " + port + " answers PING").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new AssertionError("redis-server exited with " + started.exitValue() + ": "
                                + Files.readString(dir.resolve("redis-" + starts + ".log")));
                    }
                    try (Jedis jedis = new Jedis("127.0.0.1", port, 200)) {
                        return "PONG".equals(jedis.ping());
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
    }

    /** SIGKILL, as a crash; returns once the process is gone. Idempotent. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server on port " + port + " survived SIGKILL for 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        process = null;
    }

    /** Kills it and deletes the temp dir; safe in any state. */
    @Override
    public synchronized void close() {
        try {
            kill();
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException ignored) {
                // best effort: it is under the system temp dir
            }
        }
    }

    @Override
    public String toString() {
        return "redis-server@127.0.0.1:" + port;
    }
}

package io.channels4j.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

import redis.clients.jedis.Jedis;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} (or {@code redis-server --sentinel}) owned by one test: its own free
 * loopback port and temp dir, no persistence. {@link #start()} waits until PING answers;
 * {@link #stop()} shuts it down (SHUTDOWN NOSAVE, then SIGTERM/SIGKILL); {@link #kill()} is a
 * SIGKILL; {@link #restart()} starts it again on the same port; {@link #freeze()} /
 * {@link #resume()} SIGSTOP/SIGCONT it (a Redis that accepts connections but never answers).
 * {@link #close()} stops it and deletes the temp dir; it is safe to call in any state.
 */
final class RedisProcess implements AutoCloseable {

    private static final String SERVER = "redis-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final String sentinelConf;
    private final String password;
    /** More redis-server arguments (TLS), or empty. */
    private final List<String> extraArgs;
    private int tlsPort = -1;
    private int port;
    private Process process;
    private boolean frozen;
    private int starts;

    private RedisProcess(Path dir, String sentinelConf) {
        this(dir, sentinelConf, null);
    }

    private RedisProcess(Path dir, String sentinelConf, String password) {
        this(dir, sentinelConf, password, List.of());
    }

    private RedisProcess(Path dir, String sentinelConf, String password, List<String> extraArgs) {
        this.dir = dir;
        this.sentinelConf = sentinelConf;
        this.password = password;
        this.extraArgs = extraArgs;
    }

    /**
     * Starts a non-persistent Redis that also serves TLS on a second free loopback port
     * ({@link #tlsPort()}; clients are not asked for certificates). The plain port stays for
     * {@link #client()} and the lifecycle methods.
     *
     * @param certificate the server's certificate chain, PEM
     * @param key         its private key, PEM
     * @return the running server
     */
    static RedisProcess tlsServer(Path certificate, Path key) {
        int tls = freePort();
        RedisProcess redis = new RedisProcess(tempDir("redis-tls"), null, null, List.of("--tls-port",
                String.valueOf(tls), "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                "--tls-auth-clients", "no"));
        redis.tlsPort = tls;
        redis.startOnFreePort();
        return redis;
    }

    /** @return the TLS port of a {@link #tlsServer}, else -1 */
    int tlsPort() {
        return tlsPort;
    }

    /**
     * Starts a plain, non-persistent Redis on a free loopback port.
     *
     * @return the running server
     */
    static RedisProcess server() {
        RedisProcess redis = new RedisProcess(tempDir("redis"), null);
        redis.startOnFreePort();
        return redis;
    }

    /**
     * Starts a plain, non-persistent Redis on a free loopback port that requires a password
     * ({@code --requirepass}); {@link #client()} and the lifecycle methods authenticate.
     *
     * @param password the password
     * @return the running server
     */
    static RedisProcess serverWithPassword(String password) {
        RedisProcess redis = new RedisProcess(tempDir("redis"), null, password);
        redis.startOnFreePort();
        return redis;
    }

    /**
     * Starts a Sentinel that monitors a master named {@code masterName} on the loopback.
     *
     * @param masterName the name, e.g. {@code mymaster}
     * @param masterPort the master's port
     * @return the running sentinel
     */
    static RedisProcess sentinel(String masterName, int masterPort) {
        String conf = "bind 127.0.0.1\n"
                + "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1\n"
                + "sentinel down-after-milliseconds " + masterName + " 1000\n";
        RedisProcess redis = new RedisProcess(tempDir("sentinel"), conf);
        redis.startOnFreePort();
        return redis;
    }

    int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>/0} */
    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** @return a fresh direct connection (2 s timeout); the caller closes it */
    Jedis client() {
        return connect(2000);
    }

    private Jedis connect(int timeoutMillis) {
        Jedis jedis = new Jedis("127.0.0.1", port, timeoutMillis);
        if (password != null) {
            jedis.auth(password);
        }
        return jedis;
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void startOnFreePort() {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            port = freePort();
            try {
                start();
                return;
            } catch (AssertionError e) {
                // another process may have taken the port between probing and binding
                last = e;
                kill();
            }
        }
        close();
        throw last;
    }

    /** Starts the process on {@link #port()} and waits until it answers PING. */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("already running on port " + port);
        }
        List<String> command = new ArrayList<>();
        command.add(SERVER);
        try {
            if (sentinelConf == null) {
                command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", dir.toString()));
                if (password != null) {
                    command.addAll(List.of("--requirepass", password));
                }
                command.addAll(extraArgs);
            } else {
                // sentinel rewrites its config file, so it gets a fresh writable one per start
                Path conf = dir.resolve("sentinel-" + port + ".conf");
                Files.writeString(conf, "port " + port + "\ndir " + dir + "\n" + sentinelConf, StandardCharsets.UTF_8);
                command.addAll(List.of(conf.toString(), "--sentinel"));
            }
            starts++;
            Path log = dir.resolve("redis-" + port + "-" + starts + ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
        frozen = false;
        Process started = process;
        try {
            await("redis on port " + port + " answers PING").atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!started.isAlive()) {
                            throw new IllegalStateException("exited with " + started.exitValue());
                        }
                        return pings();
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            throw new AssertionError(String.join(" ", command) + " did not come up: " + e.getMessage()
                    + "\n" + logs(), e);
        }
    }

    private boolean pings() {
        try (Jedis jedis = connect(200)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starts it again on the same port, with no data (nothing was persisted). */
    synchronized void restart() {
        stop();
        start();
    }

    /** Shuts it down cleanly (SHUTDOWN NOSAVE), falling back to SIGTERM and SIGKILL; idempotent. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            if (frozen) {
                resume();
            }
            try (Jedis jedis = connect(1000)) {
                jedis.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().nosave());
            } catch (RuntimeException expected) {
                // the connection drops as the server exits, or it is already gone
            }
            if (!waitFor(Duration.ofSeconds(5))) {
                process.destroy();
                if (!waitFor(Duration.ofSeconds(3))) {
                    process.destroyForcibly();
                    waitFor(Duration.ofSeconds(5));
                }
            }
        }
        process = null;
        frozen = false;
    }

    /** Kills it at once (SIGKILL), as a crash; idempotent. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(5))) {
            throw new AssertionError("redis-server on port " + port + " survived SIGKILL for 5 s");
        }
        process = null;
        frozen = false;
    }

    /** SIGSTOP: connections are still accepted by the kernel, but nothing is ever answered. */
    synchronized void freeze() {
        signal("-STOP");
        frozen = true;
        await("redis on port " + port + " is stopped").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10)).until(() -> "T".equals(state()));
    }

    /** SIGCONT after {@link #freeze()}. */
    synchronized void resume() {
        if (frozen && isRunning()) {
            signal("-CONT");
            frozen = false;
        }
    }

    private void signal(String signal) {
        if (!isRunning()) {
            throw new IllegalStateException("redis on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The process state letter from /proc (R, S, T, ...), or "?" */
    private String state() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the server's output so far (for failure messages) */
    String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                out.append("--- ").append(file.getFileName()).append('\n').append(Files.readString(file));
            }
        } catch (IOException e) {
            out.append("(no logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    /** Stops the process and deletes the temp dir; safe in any state. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteDir();
        }
    }

    private void deleteDir() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // best effort: it is under the system temp dir
        }
    }

    private static Path tempDir(String kind) {
        try {
            return Files.createTempDirectory("channels4j-" + kind + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes layers (or anything) in parallel, on named threads, within 10 s: a layer's close
     * waits for its receive loop's current blocking pop (up to a second).
     *
     * @param closeables what to close
     */
    static void closeAll(java.util.Collection<? extends AutoCloseable> closeables) {
        List<Thread> threads = new ArrayList<>();
        for (AutoCloseable closeable : closeables) {
            threads.add(Thread.ofPlatform().daemon().name("test-close-" + closeable).start(() -> {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (Thread thread : threads) {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return (sentinelConf == null ? "redis" : "sentinel") + "@127.0.0.1:" + port;
    }
}

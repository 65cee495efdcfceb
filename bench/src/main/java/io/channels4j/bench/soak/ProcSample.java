package io.channels4j.bench.soak;

import io.channels4j.bench.load.ProcStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One reading of a process's resident memory, thread count and open file descriptors, from
 * Linux's {@code /proc/<pid>/status} ({@code VmRSS}, {@code Threads}) and {@code /proc/<pid>/fd},
 * with its TCP connections to one remote port (Redis) told apart through {@code /proc/net/tcp}
 * and {@code /proc/net/tcp6}.
 *
 * @param atNanos      {@link System#nanoTime()} when read
 * @param rssKb        resident set size, KiB
 * @param threads      OS threads (platform threads, JVM internal threads, virtual-thread carriers)
 * @param fds          open file descriptors (sockets included)
 * @param redisSockets of which TCP connections to the Redis port
 */
record ProcSample(long atNanos, long rssKb, int threads, int fds, int redisSockets) {

    /** @return open file descriptors other than the connections to Redis */
    int fdsWithoutRedis() {
        return fds - redisSockets;
    }

    /**
     * Reads the figures of a process.
     *
     * @param pid       a process of this user
     * @param redisPort the port whose connections are counted apart
     * @return the sample, or empty when the process is gone or {@code /proc} is not there
     */
    static Optional<ProcSample> read(long pid, int redisPort) {
        long at = System.nanoTime();
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            ProcStats stats = ProcStats.read(pid);
            if (stats == null || stats.rssKb() < 0 || stats.threads() < 0) {
                return Optional.empty();
            }
            long rss = stats.rssKb();
            int threads = stats.threads();
            Set<String> sockets = new HashSet<>();
            int fds = 0;
            try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
                for (Path fd : entries.toList()) {
                    fds++;
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            sockets.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException closedMeanwhile) {
                        // the descriptor was closed between listing and reading it
                    }
                }
            }
            int redis = countConnections(Path.of("/proc/net/tcp"), sockets, redisPort)
                    + countConnections(Path.of("/proc/net/tcp6"), sockets, redisPort);
            return Optional.of(new ProcSample(at, rss, threads, fds, redis));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Counts the lines of a {@code /proc/net/tcp} table for the given socket inodes and remote port. */
    private static int countConnections(Path table, Set<String> inodes, int remotePort) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return 0; // no IPv6, say
        }
        int count = 0;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 10 || !inodes.contains(fields[9])) {
                continue;
            }
            String remote = fields[2];
            int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
            if (port == remotePort) {
                count++;
            }
        }
        return count;
    }
}

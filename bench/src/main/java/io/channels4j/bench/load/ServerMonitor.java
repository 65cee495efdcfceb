package io.channels4j.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server process as seen from {@code /proc}: CPU, RSS and threads before and after a phase,
 * and a wait until its CPU goes quiet (after connecting, the server may still be busy joining
 * groups; after closing, leaving them). With no pid every reading is empty and settling returns at
 * once.
 *
 * <p>Threading: one thread (the run's main thread).
 */
final class ServerMonitor {

    private static final long QUIET_SAMPLE_MILLIS = 200;
    /** At most one 10 ms tick of CPU in a 200 ms sample: below 5% of a core. */
    private static final long QUIET_CPU_MILLIS = 10;

    private final long pid;

    ServerMonitor(long pid) {
        this.pid = pid;
    }

    /** @return the server's figures now, or null without a pid (or once it is gone) */
    ProcStats read() {
        return pid == 0 ? null : ProcStats.read(pid);
    }

    /**
     * Waits until the server used at most 5% of a core over two samples of 200 ms in a row, or
     * the bound passes.
     *
     * @param maxSeconds the bound
     * @return seconds waited
     * @throws InterruptedException when interrupted
     */
    double settle(int maxSeconds) throws InterruptedException {
        long start = System.nanoTime();
        if (pid == 0 || maxSeconds == 0) {
            return 0;
        }
        long deadline = start + maxSeconds * 1_000_000_000L;
        ProcStats last = read();
        int quiet = 0;
        while (last != null && quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(QUIET_SAMPLE_MILLIS); // sampling /proc: a poll, not a synchronisation
            ProcStats now = read();
            if (now == null) {
                break;
            }
            quiet = now.cpuMillis() - last.cpuMillis() <= QUIET_CPU_MILLIS ? quiet + 1 : 0;
            last = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** @return the server's soft limit on open files, or -1 when unknown */
    long maxOpenFiles() {
        if (pid == 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

package io.channels4j.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of a process's CPU time ({@code utime + stime} of {@code /proc/<pid>/stat}), resident
 * memory ({@code VmRSS}) and thread count ({@code Threads}) from {@code /proc/<pid>/status}.
 * Linux only; CPU ticks are taken as 100 per second ({@code getconf CLK_TCK} on every common Linux),
 * so CPU figures have a resolution of 10 ms: measure runs of seconds. The soak and flatness
 * checks read their memory and thread figures through it too ({@code soak.ProcSample}).
 *
 * @param cpuMillis user + system CPU time, milliseconds
 * @param rssKb     resident set size, KiB
 * @param threads   OS threads
 */
public record ProcStats(long cpuMillis, long rssKb, int threads) {

    private static final long TICKS_PER_SECOND = 100;

    /**
     * Reads a process's figures.
     *
     * @param pid a process id
     * @return the reading, or null when the process is gone or {@code /proc} cannot be read
     *         ({@code rssKb} and {@code threads} are -1 when {@code status} lacks them)
     */
    public static ProcStats read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // fields after "(comm)": state is field 3, utime 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long rss = -1;
            int threads = -1;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).strip());
                }
            }
            return new ProcStats(ticks * 1000 / TICKS_PER_SECOND, rss, threads);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return this process's figures (never null on Linux) */
    static ProcStats self() {
        return read(ProcessHandle.current().pid());
    }
}
